import XCTest
@testable import PixelRNN

/// The receptive field of one colour of one pixel, per input colour, for every kind:
/// R's field holds nothing of its own pixel, G's holds R of it, B's holds R and G, and
/// none holds a later pixel or a later colour.
final class ColourReceptiveFieldTests: XCTestCase {
    func testEachColourSeesExactlyTheEarlierColoursOfItsOwnPixel() throws {
        for kind in ModelKind.allCases {
            let net = try PixelNetwork(config: ModelConfig(kind: kind, layers: 2, hidden: 6, colors: 3, levels: 256), seed: 1)
            for colour in 0..<3 {
                let field = try ColourReceptiveField.compute(network: net, row: 3, col: 2, colour: colour, height: 6, width: 6, trials: 4)
                let own = (0..<3).filter { field.contains(3, 2, colour: $0) }
                XCTAssertEqual(own, Array(0..<colour), "\(kind.rawValue), colour \(colour): own-pixel colours seen")
                XCTAssertTrue(field.violations.isEmpty, "\(kind.rawValue), colour \(colour): \(field.violations.prefix(3))")
                // Not vacuous: every colour of the pixel above and of the left neighbour is seen.
                for c in 0..<3 {
                    XCTAssertTrue(field.contains(2, 2, colour: c) && field.contains(3, 1, colour: c), "\(kind.rawValue), colour \(colour) ← \(c)")
                }
                XCTAssertEqual(net.namedParameters.map { $0.1.grad.data.allSatisfy { $0 == 0 } }, net.namedParameters.map { _ in true },
                               "the probe leaves no gradients behind")
            }
        }
    }

    /// The check can fail: a network whose later layers lost their colour groups lets R see
    /// R of its own pixel, and the field says so.
    func testAFieldOfAModelWithoutColourGroupsShowsTheLeak() throws {
        let config = ModelConfig(kind: .pixelcnn, layers: 2, hidden: 6, colors: 3, levels: 256)
        let wrong = try PixelNetwork(config: config, seed: 1, inputMask: .A, colourGroupsAfterInput: false)
        let field = try ColourReceptiveField.compute(network: wrong, row: 3, col: 2, colour: 0, height: 6, width: 6)
        XCTAssertTrue(field.contains(3, 2, colour: 0))
        XCTAssertTrue(field.violations.contains { $0 == (3, 2, 0) })
    }
}
