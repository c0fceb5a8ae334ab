import XCTest
@testable import PixelRNN

/// Masks (paper §3.4): what each mask lets an output see.
final class MaskTests: XCTestCase {
    /// The k×k spatial pattern of a 1-colour mask, as rows of 0/1 digits.
    private func rows(_ type: MaskType, _ k: Int) -> [String] {
        let m = convolutionMask(type, outChannels: 1, inChannels: 1, kernelHeight: k, kernelWidth: k, colors: 1)
        return (0..<k).map { y in (0..<k).map { x in m[0, 0, y, x] == 1 ? "1" : "0" }.joined() }
    }

    /// The 5×5 mask A printed in the course notes (seeds/004), and mask B, which differs
    /// only at the centre.
    func testFiveByFiveMasksMatchTheNotes() {
        XCTAssertEqual(rows(.A, 5), ["11111", "11111", "11000", "00000", "00000"])
        XCTAssertEqual(rows(.B, 5), ["11111", "11111", "11100", "00000", "00000"])
        XCTAssertEqual(rows(.A, 3), ["111", "100", "000"])
        XCTAssertEqual(rows(.B, 1), ["1"])
        XCTAssertEqual(rows(.A, 1), ["0"])
    }

    /// Mask B keeps the rows above and the left part of the centre row: it does not zero
    /// the centre row (a known bug in public code), and never reaches a row below.
    func testMaskBKeepsTheCentreRowLeftPart() {
        let m = convolutionMask(.B, outChannels: 2, inChannels: 2, kernelHeight: 7, kernelWidth: 7, colors: 1)
        for o in 0..<2 {
            for i in 0..<2 {
                for y in 0..<7 {
                    for x in 0..<7 {
                        let expected: Float = (y < 3 || (y == 3 && x <= 3)) ? 1 : 0
                        XCTAssertEqual(m[o, i, y, x], expected, "(\(o), \(i), \(y), \(x))")
                    }
                }
            }
        }
    }

    /// A 1×3 mask B (Row LSTM input-to-state): the left neighbour and the centre.
    func testOneByThreeMask() {
        let m = convolutionMask(.B, outChannels: 1, inChannels: 1, kernelHeight: 1, kernelWidth: 3, colors: 1)
        XCTAssertEqual(m.data, [1, 1, 0])
        let a = convolutionMask(.A, outChannels: 1, inChannels: 1, kernelHeight: 1, kernelWidth: 3, colors: 1)
        XCTAssertEqual(a.data, [1, 0, 0])
    }

    /// 3 colours, interleaved groups (channel c has colour c mod 3). At the centre:
    /// mask A — R ← nothing, G ← R, B ← R, G; mask B also lets each colour see itself.
    /// Off the centre every earlier position is visible to every colour.
    func testColourGroupsAtTheCentre() {
        let names = ["R", "G", "B"]
        for type in MaskType.allCases {
            let m = convolutionMask(type, outChannels: 6, inChannels: 6, kernelHeight: 3, kernelWidth: 3, colors: 3)
            for o in 0..<6 {
                for i in 0..<6 {
                    let (go, gi) = (o % 3, i % 3)
                    let seen = type == .A ? gi < go : gi <= go
                    XCTAssertEqual(m[o, i, 1, 1], seen ? 1 : 0,
                                   "mask \(type): output \(names[go]) (channel \(o)) ← input \(names[gi]) (channel \(i))")
                    XCTAssertEqual(m[o, i, 0, 2], 1)   // a pixel above: always visible
                    XCTAssertEqual(m[o, i, 1, 0], 1)   // the left neighbour: always visible
                    XCTAssertEqual(m[o, i, 1, 2], 0)   // the right neighbour: never
                    XCTAssertEqual(m[o, i, 2, 1], 0)   // below: never
                }
            }
        }
        XCTAssertEqual((0..<6).map { colourGroup(ofChannel: $0, colors: 3) }, [0, 1, 2, 0, 1, 2])
        XCTAssertEqual((0..<4).map { colourGroup(ofChannel: $0, colors: 1) }, [0, 0, 0, 0])
    }

    /// A convolution keeps its masked-out weights at zero from the start.
    func testFreshLayerHasZeroMaskedWeights() {
        let conv = Conv2d(inChannels: 3, outChannels: 6, kernelHeight: 7, kernelWidth: 7, mask: .A, colors: 3, seed: 4)
        let m = conv.weight.mask!
        for i in 0..<m.count where m.data[i] == 0 { XCTAssertEqual(conv.weight.value.data[i], 0) }
        XCTAssertEqual(conv.weight.effective, conv.weight.value)
    }
}
