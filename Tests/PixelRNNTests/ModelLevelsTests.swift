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
}
