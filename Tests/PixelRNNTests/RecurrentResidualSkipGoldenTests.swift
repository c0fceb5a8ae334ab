import XCTest
@testable import PixelRNN

/// The Row LSTM and the Diagonal BiLSTM with skip connections (residual on, skip on) and
/// without residual connections (residual off, skip off), against PyTorch
/// (Fixtures/make_residual_skip_golden.py → residual_skip_rnn_golden.json: L = 3, h = 3,
/// 5×6 binary images, batch 2): logits, log p, per-image NLL, ∂L/∂input and the gradient of
/// the batch-mean NLL for every parameter, on the plain and the fast compute paths.
final class RecurrentResidualSkipGoldenTests: XCTestCase {
    private func check(_ kind: ModelKind, residual: Bool, skip: Bool, fast: Bool) throws {
        let prefix = "\(kind.rawValue).\(skip ? "skip" : "noresidual")."
        let golden = try GoldenFixture("residual_skip_rnn_golden", prefix: prefix)
        let label = "\(prefix.dropLast()) \(fast ? "fast" : "plain")"
        try withComputePath(fast: fast) {
            let net = try PixelNetwork(config: ModelConfig(kind: kind, layers: 3, hidden: 3, residual: residual, skip: skip), seed: 0)
            let names = Set(net.namedParameters.map { $0.0 })
            XCTAssertEqual(names, Set(golden.tensors.keys.filter { $0.hasPrefix("grad.") && $0 != "grad.encoded_input" }.map { String($0.dropFirst(5)) }),
                           "the fixture and the network name the same parameters")
            try net.load(parameters: golden.tensors.filter { names.contains($0.key) })
            let pixels = golden["pixels"]
            net.zeroGrad()
            let pass = net.forward(pixels)
            let nll = Likelihood.negativeLogLikelihood(logits: pass.logits, pixels: pixels, levels: 2)
            let dInput = net.backward(pass, logitGradient: Likelihood.logitGradient(logits: pass.logits, pixels: pixels, levels: 2))
            for (n, v) in nll.enumerated() {
                XCTAssertEqual(v, Double(golden["nll"].data[n]), accuracy: 1e-5 * Double(golden["nll"].data[n]), "\(label) NLL of image \(n) (nats)")
            }
            var ours = ["logits": pass.logits, "grad.encoded_input": dInput,
                        "log_prob": Likelihood.conditionalLogProbabilities(logits: pass.logits, pixels: pixels, levels: 2)]
            for (name, p) in net.namedParameters { ours["grad." + name] = p.grad }
            for (name, t) in ours { assertCloseToScale(t, golden[name], "\(label) \(name)") }
        }
    }

    /// `assertClose` at 1e-5, after dividing both by the largest |entry| of the reference: the
    /// gradients of the lower blocks without residual connections are ~1e-4, which an absolute
    /// 1e-5 would barely check.
    private func assertCloseToScale(_ a: Tensor, _ b: Tensor, _ message: String,
                                    file: StaticString = #filePath, line: UInt = #line) {
        let scale = max(b.data.map(abs).max() ?? 0, 1e-30)
        assertClose(Tensor(shape: a.shape, data: a.data.map { $0 / scale }),
                    Tensor(shape: b.shape, data: b.data.map { $0 / scale }), tolerance: 1e-5, message, file: file, line: line)
    }

    func testRowLSTMSkipPlain() throws { try check(.rowlstm, residual: true, skip: true, fast: false) }
    func testRowLSTMSkipFast() throws { try check(.rowlstm, residual: true, skip: true, fast: true) }
    func testRowLSTMNoResidualPlain() throws { try check(.rowlstm, residual: false, skip: false, fast: false) }
    func testRowLSTMNoResidualFast() throws { try check(.rowlstm, residual: false, skip: false, fast: true) }
    func testDiagonalBiLSTMSkipPlain() throws { try check(.diagbilstm, residual: true, skip: true, fast: false) }
    func testDiagonalBiLSTMSkipFast() throws { try check(.diagbilstm, residual: true, skip: true, fast: true) }
    func testDiagonalBiLSTMNoResidualPlain() throws { try check(.diagbilstm, residual: false, skip: false, fast: false) }
    func testDiagonalBiLSTMNoResidualFast() throws { try check(.diagbilstm, residual: false, skip: false, fast: true) }
}
