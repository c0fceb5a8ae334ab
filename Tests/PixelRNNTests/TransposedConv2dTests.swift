import XCTest
@testable import PixelRNN

/// The transposed convolution (the multi-scale PixelRNN's upsampling layer) against PyTorch's
/// `conv_transpose2d` (Fixtures/make_transposed_conv_golden.py) and against finite differences.
final class TransposedConv2dTests: XCTestCase {
    /// The cases of the fixture: (name, stride, padding).
    private let cases = [("s2k4p1", 2, 1), ("s2k2p0", 2, 0), ("s3k5p2", 3, 2), ("s1k3p1", 1, 1)]

    private func layer(like weight: Tensor, stride: Int, padding: Int) -> TransposedConv2d {
        TransposedConv2d(inChannels: weight.shape[0], outChannels: weight.shape[1], kernelHeight: weight.shape[2],
                         kernelWidth: weight.shape[3], stride: stride, padding: padding, seed: 1)
    }

    func testForwardAndBackwardEqualPyTorch() throws {
        let fixture = try GoldenFixture("transposed_conv_golden")
        for (name, stride, padding) in cases {
            let conv = layer(like: fixture["\(name)/weight"], stride: stride, padding: padding)
            conv.weight.value = fixture["\(name)/weight"]
            conv.bias.value = fixture["\(name)/bias"]
            let x = fixture["\(name)/x"]
            assertClose(conv.forward(x), fixture["\(name)/y"], tolerance: 1e-5, "\(name) y")
            let dx = conv.backward(input: x, outputGradient: fixture["\(name)/dy"])
            assertClose(dx, fixture["\(name)/dx"], tolerance: 1e-5, "\(name) dx")
            assertClose(conv.weight.grad, fixture["\(name)/dweight"], tolerance: 1e-5, "\(name) dW")
            assertClose(conv.bias.grad, fixture["\(name)/dbias"], tolerance: 1e-5, "\(name) db")
        }
    }

    /// H′ = (H − 1)·s − 2p + kh: 14 → 28 for the upsampler's 4×4, stride 2, padding 1.
    func testOutputSize() {
        let conv = TransposedConv2d(inChannels: 1, outChannels: 1, kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 1, seed: 0)
        XCTAssertEqual(conv.outputSize(height: 14, width: 14).height, 28)
        XCTAssertEqual(conv.forward(Tensor(zeros: [1, 1, 14, 7])).shape, [1, 1, 28, 14])
    }

    /// One input pixel scatters its kernel: a single 1 at (a, b′) puts W at rows a·s − p + u.
    func testOnePixelScattersTheKernel() {
        let conv = TransposedConv2d(inChannels: 1, outChannels: 1, kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 1, seed: 3)
        conv.bias.value = Tensor(zeros: [1])
        var x = Tensor(zeros: [1, 1, 3, 3])
        x[0, 0, 1, 2] = 1
        let y = conv.forward(x)
        for i in 0..<6 {
            for j in 0..<6 {
                let (u, v) = (i + 1 - 2, j + 1 - 4)       // u = i + p − a·s, v = j + p − b′·s
                let expected: Float = (0..<4).contains(u) && (0..<4).contains(v) ? conv.weight.value[0, 0, u, v] : 0
                XCTAssertEqual(y[0, 0, i, j], expected, "(\(i), \(j))")
            }
        }
    }

    func testFiniteDifferences() {
        for (stride, padding, kernel) in [(2, 1, 4), (3, 2, 5), (2, 0, 3)] {
            let conv = TransposedConv2d(inChannels: 2, outChannels: 3, kernelHeight: kernel, kernelWidth: kernel,
                                        stride: stride, padding: padding, seed: 11)
            var x = randomTensor([2, 2, 3, 4], seed: 12)
            let r = randomTensor(conv.forward(x).shape, seed: 13)
            let loss = { weightedSum(conv.forward(x), r) }
            conv.weight.zeroGrad(); conv.bias.zeroGrad()
            let dx = conv.backward(input: x, outputGradient: r)
            let what = "s=\(stride) p=\(padding) k=\(kernel)"
            checkFiniteDifferences(count: x.count, analytic: { dx.data[$0] }, get: { x.data[$0] },
                                   set: { x.data[$0] = $1 }, loss: loss, tolerance: 1e-3, "\(what) ∂x")
            checkFiniteDifferences(count: conv.weight.value.count, analytic: { conv.weight.grad.data[$0] },
                                   get: { conv.weight.value.data[$0] }, set: { conv.weight.value.data[$0] = $1 },
                                   loss: loss, tolerance: 1e-3, "\(what) ∂W")
            checkFiniteDifferences(count: 3, analytic: { conv.bias.grad.data[$0] }, get: { conv.bias.value.data[$0] },
                                   set: { conv.bias.value.data[$0] = $1 }, loss: loss, tolerance: 1e-3, "\(what) ∂b")
        }
    }
}
