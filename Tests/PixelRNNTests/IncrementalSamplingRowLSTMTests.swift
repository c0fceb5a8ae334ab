import XCTest
@testable import PixelRNN

/// Incremental sampling of the Row LSTM (each position computed once, from this row's
/// inputs up to it and the row above) equals the reference sampler: bit for bit on the
/// plain paths, to Float rounding (and the same images) on the fast ones. The shared cases
/// are in `IncrementalSamplingCases`.
final class IncrementalSamplingRowLSTMTests: XCTestCase {
    private let cases = IncrementalSamplingCases(kind: .rowlstm)

    func testOneLayerEqualsReferenceExactly() throws { try cases.assertLayersEqualReferenceExactly(1) }

    func testTwoLayersEqualReferenceExactly() throws { try cases.assertLayersEqualReferenceExactly(2) }

    /// Not square, and a row of width 1 and 2 (s_s then reads padding on both sides).
    func testOtherShapesEqualReferenceExactly() throws {
        try cases.assertShapesEqualReferenceExactly([(5, 9), (6, 2), (6, 1)])
    }

    func testCompletionEqualsReferenceExactly() throws { try cases.assertCompletionEqualsReferenceExactly() }

    func testColoursEqualReferenceExactly() throws { try cases.assertColoursEqualReferenceExactly() }

    /// The default paths: GEMMs and vectorised σ, tanh.
    func testFastPathsAgreeWithReference() throws { try cases.assertFastPathsAgreeWithReference() }

    func testSamplerUsesTheIncrementalPath() throws { try cases.assertSamplerUsesTheIncrementalPath() }

    /// The test-only variants with a known bug (e.g. the state read from the row below) are
    /// not followed position by position.
    func testKnownBugVariantsHaveNoIncrementalForm() {
        for bug in [RowLSTMKnownBug.inputToStateUnmasked, .stateFromRowBelow, .sigmoidOnContent] {
            XCTAssertFalse(RowLSTMBlock(hidden: 2, colors: 1, seed: 0, knownBug: bug).hasIncrementalForm, "\(bug)")
        }
        XCTAssertTrue(RowLSTMBlock(hidden: 2, colors: 1, seed: 0).hasIncrementalForm)
    }
}
