import XCTest
@testable import PixelRNN

/// Central finite differences for a function with ReLU kinks (the upsampler, the multi-scale
/// network): for each sampled entry, a step whose interval holds a kink shows it as one-sided
/// differences that disagree; the step is then shrunk (÷10, down to 1e-4) until they agree, and
/// only then is the central difference compared with `analytic`. An entry where they never
/// agree is skipped (a kink at the point itself, where backward takes ReLU′(0) = 0, looks so at
/// every step), but at least `minimumShare` of the entries must be compared.
func checkFiniteDifferencesAcrossKinks(count: Int, analytic: (Int) -> Float,
                                       get: (Int) -> Float, set: (Int, Float) -> Void,
                                       loss: () -> Double, samples: Int = 12, seed: UInt64 = 7,
                                       tolerance: Double = 2e-2, minimumShare: Double = 0.75, _ message: String = "",
                                       file: StaticString = #filePath, line: UInt = #line) {
    let indices = sampledIndices(count: count, samples: samples, seed: seed)
    var compared = 0
    for i in indices {
        let original = get(i)
        let centre = loss()
        var step: Float = 1e-2
        while step >= 1e-4 {
            set(i, original + step); let plus = loss()
            set(i, original - step); let minus = loss()
            set(i, original)
            let (right, left) = ((plus - centre) / Double(step), (centre - minus) / Double(step))
            if abs(right - left) <= 1e-2 * max(1, abs(right), abs(left)) {
                let numeric = (plus - minus) / Double(2 * step)
                let a = Double(analytic(i))
                let err = abs(numeric - a) / max(1, abs(numeric), abs(a))
                XCTAssertLessThanOrEqual(err, tolerance,
                    "\(message) entry \(i): finite difference \(numeric) (step \(step)) vs backward \(a)", file: file, line: line)
                compared += 1
                break
            }
            step /= 10
        }
    }
    XCTAssertGreaterThanOrEqual(Double(compared), minimumShare * Double(indices.count),
        "\(message): only \(compared) of \(indices.count) entries away from a kink", file: file, line: line)
}
