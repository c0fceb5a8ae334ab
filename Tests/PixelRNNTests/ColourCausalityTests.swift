import XCTest
@testable import PixelRNN

/// Colour causality for every model kind (paper §3.4): p(R | x_<i) · p(G | x_<i, R) ·
/// p(B | x_<i, R, G). Changing G of pixel i never changes the prediction of R at pixel i,
/// B never changes R or G, and no change reaches an earlier pixel. Checked by brute force
/// on both compute paths with 256 levels and on the fast one with 16; a variant whose later layers lost
/// their colour groups is caught by the same check.
final class ColourCausalityTests: XCTestCase {
    /// Every forbidden change: "R at pixel 5 moved when G at pixel 5 changed". Also counts
    /// the inputs that moved at least one later prediction, so the check is not vacuous.
    private func forbiddenChanges(_ net: PixelNetwork, height: Int, width: Int, seed: UInt64) -> (found: [String], effective: Int) {
        let (colours, levels) = (net.config.colors, net.config.levels)
        let area = height * width
        var rng = SeededGenerator(seed: seed)
        let image = Tensor(shape: [1, colours, height, width],
                           data: (0..<(colours * area)).map { _ in Float(rng.nextIndex(below: levels)) })
        let before = net.forward(image).logits
        let names = ["R", "G", "B"]
        var found: [String] = [], effective = 0
        for k in 0..<area {
            for input in 0..<colours {
                var changed = image
                changed.data[input * area + k] = Float((Int(image.data[input * area + k]) + levels / 2) % levels)
                let after = net.forward(changed).logits
                var moved = false
                for channel in 0..<after.shape[1] {
                    let predicted = colourGroup(ofChannel: channel, colors: colours)   // channel level·C + colour
                    for p in 0..<area where after.data[channel * area + p] != before.data[channel * area + p] {
                        if p < k || (p == k && predicted <= input) {
                            found.append("\(names[predicted]) at pixel \(p) moved when \(names[input]) at pixel \(k) changed")
                        } else {
                            moved = true
                        }
                    }
                }
                if moved { effective += 1 }
            }
        }
        return (Array(Set(found)).sorted(), effective)
    }

    func testEveryKindIsColourCausalWith256And16Levels() throws {
        for kind in ModelKind.allCases {
            for levels in [256, 16] {
                for fast in levels == 256 ? [false, true] : [true] {
                    try withComputePath(fast: fast) {
                        let net = try PixelNetwork(config: ModelConfig(kind: kind, layers: 2, hidden: 3, colors: 3, levels: levels), seed: 31)
                        let (found, effective) = forbiddenChanges(net, height: 3, width: 4, seed: 32)
                        let label = "\(kind.rawValue), \(levels) levels, \(fast ? "fast" : "plain")"
                        XCTAssertEqual(found, [], "\(label): \(found.count) forbidden changes, e.g. \(found.prefix(3))")
                        // Nearly every one of the 36 inputs moves some later prediction (a few
                        // only reach predictions through ReLUs that are off for this image).
                        XCTAssertGreaterThanOrEqual(effective, 30, label)
                    }
                }
            }
        }
    }

    /// The deliberately wrong variant: the first layer keeps its colour mask A, but every
    /// later masked layer lets all channels through at the centre (as if it had one colour).
    /// Then G of pixel i reaches the prediction of R at pixel i (through the B channels,
    /// which mask A lets see R and G), R reaches R, and the check says so;
    /// the same configuration built right passes (the first test).
    func testLaterLayersWithoutColourGroupsAreCaught() throws {
        for kind in ModelKind.allCases {
            let config = ModelConfig(kind: kind, layers: 1, hidden: 3, colors: 3, levels: 256)
            let wrong = try PixelNetwork(config: config, seed: 33, inputMask: .A, colourGroupsAfterInput: false)
            let (found, _) = forbiddenChanges(wrong, height: 3, width: 3, seed: 35)
            XCTAssertTrue(found.contains("R at pixel 4 moved when G at pixel 4 changed"), "\(kind.rawValue): \(found.prefix(5))")
            XCTAssertTrue(found.contains("R at pixel 4 moved when R at pixel 4 changed"), "\(kind.rawValue): \(found.prefix(5))")
            // B of a pixel still reaches nothing at that pixel: mask A lets no group see it.
            XCTAssertFalse(found.contains { $0.contains("moved when B") }, kind.rawValue)
        }
    }

    /// Sampling in colour: the incremental sampler (each position of each layer computed
    /// once per colour) draws the same images as the reference sampler (a full forward
    /// pass per colour of each pixel), for every kind, with 256 and with 16 levels.
    func testIncrementalColourSamplingEqualsTheReference() throws {
        for kind in ModelKind.allCases {
            for levels in [256, 16] {
                let net = try IncrementalSamplingCheck.network(ModelConfig(kind: kind, layers: 2, hidden: 3, colors: 3, levels: levels))
                XCTAssertTrue(Sampler.hasIncrementalPath(net), kind.rawValue)
                let reference = try Sampler.sample(network: net, count: 2, height: 4, width: 5, seed: 41, method: .reference)
                let incremental = try Sampler.sample(network: net, count: 2, height: 4, width: 5, seed: 41, method: .incremental)
                XCTAssertEqual(incremental, reference, "\(kind.rawValue), \(levels) levels")
                XCTAssertEqual(reference.shape, [2, 3, 4, 5])
                XCTAssertGreaterThan(Set(reference.data).count, 4, "the images are not constant")
                XCTAssertTrue(reference.data.allSatisfy { $0 >= 0 && $0 < Float(levels) && $0 == $0.rounded() })
            }
        }
    }
}
