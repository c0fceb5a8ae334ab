import XCTest
@testable import PixelRNN

/// `MemoryEstimate` charges what the model says it keeps for backward: at least the floats
/// its forward pass really keeps, and not far more — for one network of each kind and for the
/// multi-scale network (two networks and the upsampler between them).
final class MemoryEstimateTests: XCTestCase {
    /// The floats of every distinct tensor (or [Float]) reachable from `value`, a forward
    /// record: structs, arrays, optionals, existentials and objects walked by reflection,
    /// storage that two fields share counted once.
    private func keptFloats(_ value: Any) -> Int {
        var buffers = Set<UnsafeRawPointer>()
        var objects = Set<ObjectIdentifier>()
        func count(_ floats: [Float]) -> Int {
            guard let address = floats.withUnsafeBufferPointer({ $0.baseAddress.map(UnsafeRawPointer.init) }),
                  buffers.insert(address).inserted else { return 0 }
            return floats.count
        }
        func walk(_ v: Any) -> Int {
            if let t = v as? Tensor { return count(t.data) }
            if let floats = v as? [Float] { return count(floats) }
            let mirror = Mirror(reflecting: v)
            if mirror.displayStyle == .class, !objects.insert(ObjectIdentifier(v as AnyObject)).inserted { return 0 }
            return mirror.children.reduce(0) { $0 + walk($1.value) }
        }
        return walk(value)
    }

    /// Binary images (B, 1, H, W) from a seed.
    private func images(_ batch: Int, _ height: Int, _ width: Int) -> Tensor {
        var rng = SeededGenerator(seed: 5)
        return Tensor(shape: [batch, 1, height, width], data: (0..<(batch * height * width)).map { _ in rng.nextUniform() < 0.3 ? 1 : 0 })
    }

    /// Roughly: the Diagonal BiLSTM keeps its skewed maps, H·(H + W − 1) cells each, and is
    /// charged per pixel as the others are (16h floats), about 15% under here.
    func testAPixelNetworkOfEachKindIsChargedRoughlyWhatItsForwardPassKeeps() throws {
        let (batch, height, width) = (2, 9, 7)
        let pixels = images(batch, height, width)
        for kind in ModelKind.allCases {
            let network = try PixelNetwork(config: ModelConfig(kind: kind, layers: 2, hidden: 4), seed: 1)
            let kept = Double(keptFloats(network.forward(pixels))) / Double(batch)
            let estimate = network.activationFloatsPerImage(height: height, width: width)
            XCTAssertGreaterThanOrEqual(estimate, kind == .diagbilstm ? 0.8 * kept : kept, "\(kind)")
            XCTAssertLessThanOrEqual(estimate, 2 * kept, "\(kind)")
        }
    }

    /// The multi-scale network keeps the small network's maps on the small image, the
    /// upsampler's maps and the conditional network's with its bias maps: all charged, by the
    /// model and by its configuration before it is built.
    func testTheMultiScaleNetworkIsChargedBothNetworksAndTheUpsampler() throws {
        let (batch, height, width) = (2, 9, 7)
        let pixels = images(batch, height, width)
        for base in ModelKind.allCases {
            let settings = MultiScaleSettings(base: base, factor: 3, smallLayers: 1, smallHidden: 3)
            let config = ModelConfig.multiScale(settings, layers: 2, hidden: 4)
            let network = try MultiScaleNetwork(config: config, seed: 1)
            let pass = try network.forward(pixels, shouldStop: { false })
            let kept = Double(keptFloats(pass)) / Double(batch)
            let estimate = network.activationFloatsPerImage(height: height, width: width)
            XCTAssertGreaterThanOrEqual(estimate, kept, "\(base)")
            XCTAssertLessThanOrEqual(estimate, 2 * kept, "\(base)")
            let parts = config.multiScaleParts!
            let networksAlone = PixelNetwork.activationFloatsPerImage(config: parts.small, height: 3, width: 3)
                + PixelNetwork.activationFloatsPerImage(config: parts.conditional, height: height, width: width)
            XCTAssertGreaterThanOrEqual(estimate - networksAlone, Double(keptFloats(pass.upsampler)) / Double(batch),
                                        "\(base): the upsampler's maps are charged beyond the two networks")
            let parameters = try MemoryEstimate.parameterCount(config: config)
            XCTAssertEqual(parameters, network.parameterCount)
            XCTAssertEqual(MemoryEstimate.trainingBytes(model: network, batch: 16, height: height, width: width),
                           MemoryEstimate.trainingBytes(config: config, parameters: parameters, batch: 16, height: height, width: width),
                           "the estimate before building is the built model's")
        }
    }
}
