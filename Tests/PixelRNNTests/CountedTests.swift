import XCTest
@testable import PixelRNN

/// Counts in messages: the singular for one ("make only 1 steps" was a bug).
final class CountedTests: XCTestCase {
    func testOneIsSingularEveryOtherCountPlural() {
        XCTAssertEqual(counted(1, "step"), "1 step")
        XCTAssertEqual(counted(0, "step"), "0 steps")
        XCTAssertEqual(counted(2, "step"), "2 steps")
        XCTAssertEqual(counted(-1, "step"), "-1 steps")
        XCTAssertEqual(counted(1, "pass", "passes"), "1 pass")
        XCTAssertEqual(counted(3, "pass", "passes"), "3 passes")
    }

    func testTrainingNotesSayOneImage() {
        let hyperparameters = TrainingHyperparameters(batchSize: 2)
        XCTAssertEqual(hyperparameters.notes(trainingImages: 5),
                       ["5 images in batches of 2: the last batch of each epoch has 1 image."])
        XCTAssertEqual(TrainingHyperparameters(batchSize: 4).notes(trainingImages: 1),
                       ["The batch size 4 is larger than the 1 training image: each step uses all 1 image, one step per epoch."])
    }
}
