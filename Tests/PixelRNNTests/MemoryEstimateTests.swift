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

    /// At least what the forward pass keeps, and not far more, for every kind, on a square and
    /// on a non-square image. (The Diagonal BiLSTM was once charged 16h per pixel without its
    /// F(x), the zero rows of its skewed maps and the head's input: 15% under here.)
    func testAPixelNetworkOfEachKindIsChargedRoughlyWhatItsForwardPassKeeps() throws {
        for (batch, height, width) in [(2, 9, 7), (1, 12, 12)] {
            let pixels = images(batch, height, width)
            for kind in ModelKind.allCases {
                let network = try PixelNetwork(config: ModelConfig(kind: kind, layers: 2, hidden: 4), seed: 1)
                let kept = Double(keptFloats(network.forward(pixels))) / Double(batch)
                let estimate = network.activationFloatsPerImage(height: height, width: width)
                XCTAssertGreaterThanOrEqual(estimate, kept, "\(kind) \(height)×\(width)")
                XCTAssertLessThanOrEqual(estimate, 2 * kept, "\(kind) \(height)×\(width)")
                XCTAssertEqual(MemoryEstimate.activationFloatsPerImage(config: network.config, height: height, width: width), estimate,
                               "\(kind): the estimate before building is the built network's")
            }
        }
    }

    /// A Diagonal BiLSTM block is charged exactly what its forward pass keeps beyond its input:
    /// 21h floats per pixel (the table's) and the zero rows of its packed c and h maps — on
    /// square, wide, tall and one-column images, with and without the known bugs' plain path.
    func testADiagonalBiLSTMBlockIsChargedExactlyTheFloatsItsForwardPassKeeps() {
        let h = 3
        let perPixel = ModelKind.diagbilstm.entry.floatsPerPixelPerHidden * h
        for (batch, height, width) in [(2, 6, 6), (1, 4, 9), (3, 8, 3), (1, 5, 1)] {
            for switches in [BlockSwitches.paper, BlockSwitches(bug: .samePadding)] {
                let block = DiagonalBiLSTMBlock(hidden: h, colors: 1, seed: 4, switches: switches)
                let x = Tensor(shape: [batch, 2 * h, height, width],
                               data: (0..<(batch * 2 * h * height * width)).map { Float($0 % 7) / 7 - 0.4 })
                let pass = block.forward(x)
                let kept = Double(keptFloats(pass) - x.count) / Double(batch)
                let charged = Double(perPixel * height * width)
                    + DiagonalBiLSTMBlock.paddingFloatsPerImage(hidden: h, height: height, width: width)
                XCTAssertEqual(charged, kept, "\(height)×\(width), \(switches.bug.map(\.rawValue) ?? "paper")")
            }
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
            let networksAlone = MemoryEstimate.activationFloatsPerImage(config: parts.small, height: 3, width: 3)
                + MemoryEstimate.activationFloatsPerImage(config: parts.conditional, height: height, width: width)
            XCTAssertGreaterThanOrEqual(estimate - networksAlone, Double(keptFloats(pass.upsampler)) / Double(batch),
                                        "\(base): the upsampler's maps are charged beyond the two networks")
            let parameters = try MemoryEstimate.parameterCount(config: config)
            XCTAssertEqual(parameters, network.parameterCount)
            XCTAssertEqual(MemoryEstimate.trainingBytes(model: network, batch: 16, height: height, width: width),
                           MemoryEstimate.trainingBytes(config: config, parameters: parameters, batch: 16, height: height, width: width),
                           "the estimate before building is the built model's")
        }
    }

    /// Eight copies of each parameter, and for a PixelCNN or a Row LSTM, which take their
    /// images in turn, one more per image of the batch and one for their sum (the image
    /// slots); above the slot limit the halves keep none, nor does the Diagonal BiLSTM.
    func testParametersAreChargedWithTheImageSlotsOfTheKindsThatTakeImagesInTurn() throws {
        let bytesPerParameter: (ModelKind, Int) throws -> Double = { kind, parameters in
            let config = ModelConfig(kind: kind, layers: 1, hidden: 4)
            return (MemoryEstimate.trainingBytes(config: config, parameters: parameters, batch: 16, height: 8, width: 8)
                - MemoryEstimate.trainingBytes(config: config, parameters: 0, batch: 16, height: 8, width: 8)) / Double(parameters)
        }
        XCTAssertEqual(try bytesPerParameter(.pixelcnn, 1_000), (8 + 16 + 1) * 4)
        XCTAssertEqual(try bytesPerParameter(.rowlstm, 1_000), (8 + 16 + 1) * 4)
        XCTAssertEqual(try bytesPerParameter(.diagbilstm, 1_000), 8 * 4)
        XCTAssertEqual(try bytesPerParameter(.pixelcnn, PixelNetwork.imageSlotLimit), 8 * 4)
        let network = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 4))
        XCTAssertEqual(MemoryEstimate.trainingBytes(model: network, batch: 16, height: 8, width: 8),
                       MemoryEstimate.trainingBytes(config: network.config, parameters: network.parameterCount, batch: 16, height: 8, width: 8))
    }
}
