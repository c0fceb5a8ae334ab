import XCTest
@testable import PixelRNN

/// The receptive field computed by back-propagation equals the one derived by hand.
final class ReceptiveFieldTests: XCTestCase {
    /// What the 7×7 mask-A input layer at q = (r, c) reads: rows r−3…r−1 within ±3
    /// columns, and row r strictly left of c (within 3).
    private func inputLayerField(_ r: Int, _ c: Int) -> Set<[Int]> {
        var s = Set<[Int]>()
        for dr in -3...(-1) { for dc in -3...3 { s.insert([r + dr, c + dc]) } }
        for dc in -3...(-1) { s.insert([r, c + dc]) }
        return s
    }

    /// One PixelCNN block adds a 3×3 mask-B convolution: p reads the input-layer features
    /// at (r−1, c−1…c+1), (r, c−1) and (r, c) itself; the residual path adds (r, c) again.
    private func onePixelCNNBlockField(_ r: Int, _ c: Int, height: Int, width: Int) -> Set<[Int]> {
        var s = Set<[Int]>()
        for q in [[r - 1, c - 1], [r - 1, c], [r - 1, c + 1], [r, c - 1], [r, c]] {
            // A feature outside the image is zero padding: it reads nothing.
            guard q[0] >= 0, q[0] < height, q[1] >= 0, q[1] < width else { continue }
            s.formUnion(inputLayerField(q[0], q[1]))
        }
        return s.filter { $0[0] >= 0 && $0[0] < height && $0[1] >= 0 && $0[1] < width }
    }

    func testOneBlockPixelCNNFieldMatchesAnalyticShapeEverywhere() throws {
        let (height, width) = (9, 11)
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 4), seed: 5)
        assertFieldsEverywhere(net, height: height, width: width, trials: 6) { r, c in
            onePixelCNNBlockField(r, c, height: height, width: width)
        }
    }

    /// The blind spot is real: pixel (r−1, c+4) is in the causal context but unseen by one block.
    func testPixelCNNHasABlindSpot() throws {
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 4), seed: 2)
        let field = ReceptiveField.compute(network: net, row: 5, col: 3, height: 9, width: 11, trials: 6)
        XCTAssertFalse(field.contains(4, 7))
        XCTAssertTrue(field.contains(3, 7))
        XCTAssertTrue(field.unseenContext.contains { $0 == (4, 7) })
    }

    /// Growth: the field after the input layer alone (stream 0) is exactly the 7×7 mask-A shape.
    func testStreamZeroFieldIsTheMaskAShape() throws {
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4), seed: 3)
        let field = ReceptiveField.compute(network: net, row: 5, col: 5, height: 10, width: 10, stream: 0, trials: 2)
        var got = Set<[Int]>()
        for i in 0..<100 where field.binary[i] { got.insert([i / 10, i % 10]) }
        XCTAssertEqual(got, inputLayerField(5, 5))
        XCTAssertEqual(field.weighted.max(), 1)
    }
}
