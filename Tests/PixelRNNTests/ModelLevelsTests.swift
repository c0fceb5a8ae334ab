import XCTest
@testable import PixelRNN

/// `LoadedDataSet.levels`: what `train`, `eval`, `factorize`, `complete` and `trace` feed a
/// model — the bytes of the file for 256 levels, the data set's binarization for 2.
final class ModelLevelsTests: XCTestCase {
    /// Three 2×2 grey images of chosen bytes (0 … 255) and their intensities, byte / 255.
    private func dataSet(_ binarization: Binarization) -> LoadedDataSet {
        let bytes: [Float] = [0, 1, 2, 3, 50, 51, 127, 128, 200, 254, 255, 254]
        let split = DataSplit(images: Tensor(shape: [3, 1, 2, 2], data: bytes.map { $0 / 255 }), labels: nil,
                              sourceIndices: [4, 5, 6])
        return LoadedDataSet(name: "t", source: "t", splitRule: "t", train: split, valid: split, test: split,
                             binarization: binarization)
    }

    func testGreyLevelsAreTheFileBytes() {
        let data = dataSet(.threshold(0.5))
        let all = data.levels(.test, levels: 256)
        XCTAssertEqual(all.shape, [3, 1, 2, 2])
        XCTAssertEqual(all.data, [0, 1, 2, 3, 50, 51, 127, 128, 200, 254, 255, 254])
        XCTAssertEqual(data.levels(.valid, indices: [2, 0], levels: 256).data, [200, 254, 255, 254, 0, 1, 2, 3])
    }

    func testTwoLevelsAreTheDataSetsBinarization() {
        let data = dataSet(.stochastic(seed: 3))
        XCTAssertEqual(data.levels(.train, levels: 2), data.binarized(.train))
        XCTAssertEqual(data.levels(.train, indices: [1], levels: 2), data.binarized(.train, indices: [1]))
        XCTAssertEqual(dataSet(.threshold(0.5)).levels(.test, indices: [1, 2], levels: 2).data, [0, 0, 0, 1, 1, 1, 1, 1])
    }

    /// A colour model reads a grey data set as R = G = B, each plane the grey levels; a model
    /// at the data set's own levels reads its own levels.
    func testAColourModelReadsGreyImagesAsTheSameLevelsInRGAndB() {
        for (binarization, levels) in [(Binarization.threshold(0.5), 2), (.threshold(0.5), 16), (.stochastic(seed: 3), 256)] {
            let data = dataSet(binarization)
            let grey = data.levels(.test, indices: [2, 0], levels: levels)
            let rgb = data.colourLevels(.test, indices: [2, 0], levels: levels)
            XCTAssertEqual(rgb.shape, [2, 3, 2, 2])
            for n in 0..<2 {
                let image = Array(grey.data[(n * 4)..<(n * 4 + 4)])
                XCTAssertEqual(Array(rgb.data[(n * 12)..<(n * 12 + 12)]), image + image + image, "levels \(levels), image \(n)")
            }
        }
        let sixteen = ([50, 51, 127, 128] as [Float]).map { ($0 / 255 * 15).rounded() }
        XCTAssertEqual(dataSet(.threshold(0.5)).colourLevels(.test, indices: [1], levels: 16).data, sixteen + sixteen + sixteen)
        let data = dataSet(.threshold(0.5))
        XCTAssertEqual(data.modelLevels(.valid, indices: [1], levels: data.levels), data.levels(.valid, indices: [1]))
        XCTAssertEqual(data.modelLevels(.valid, indices: [1], levels: 16), data.levels(.valid, indices: [1], levels: 16))
    }
}
