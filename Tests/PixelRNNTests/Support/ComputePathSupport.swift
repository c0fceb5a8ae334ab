@testable import PixelRNN

/// Runs `body` with every layer and block on its fast path (`fast`) or its plain one, through
/// the one switch the library has (`ComputePath`); the previous choice is restored afterwards.
func withComputePath<T>(fast: Bool, _ body: () throws -> T) rethrows -> T {
    try ComputePath.with(fast ? .fast : .plain, body)
}

/// Runs a layer's backward on the plain path and on the fast path, each from zero gradients,
/// and asserts that ∂x, ∂W and ∂b agree within `tolerance`; the fast path's gradients stay.
func assertBackwardPathsAgree(weight: Parameter, bias: Parameter, tolerance: Float, _ what: String,
                              plain: () -> Tensor, fast: () -> Tensor,
                              file: StaticString = #filePath, line: UInt = #line) {
    weight.zeroGrad(); bias.zeroGrad()
    let dxPlain = plain()
    let (dwPlain, dbPlain) = (weight.grad, bias.grad)
    weight.zeroGrad(); bias.zeroGrad()
    assertClose(fast(), dxPlain, tolerance: tolerance, "∂x, \(what)", file: file, line: line)
    assertClose(weight.grad, dwPlain, tolerance: tolerance, "∂W, \(what)", file: file, line: line)
    assertClose(bias.grad, dbPlain, tolerance: tolerance, "∂b, \(what)", file: file, line: line)
}
