import XCTest
@testable import PixelRNN

/// Block `layer` of a fresh `config` network (weights from `seed`) traced by `makeTrace` on
/// one random 6×6 binary image (from `seed + 1`): checks that the trace's `input` is the
/// residual stream the network computes before that block, and returns the trace and the
/// network's forward pass on the image, for the caller's checks of the traced block.
func traceOfANetworkLayer<Trace>(_ config: ModelConfig, seed: UInt64, layer: Int,
                                 _ makeTrace: (PixelNetwork, Int, Tensor) throws -> Trace, input: (Trace) -> Tensor,
                                 file: StaticString = #filePath, line: UInt = #line) throws -> (Trace, NetworkForward) {
    let net = try PixelNetwork(config: config, seed: seed)
    var rng = SeededGenerator(seed: seed + 1)
    let pixels = Tensor(shape: [1, 1, 6, 6], data: (0..<36).map { _ in rng.nextUniform() < 0.5 ? 1 : 0 })
    let pass = net.forward(pixels)
    let trace = try makeTrace(net, layer, pixels)
    XCTAssertEqual(input(trace), pass.streams[layer], file: file, line: line)
    XCTAssertEqual(net.stream(enteringBlock: layer, pixels: pixels), pass.streams[layer], file: file, line: line)
    XCTAssertThrowsError(try makeTrace(net, config.layers, pixels), "no block after the last", file: file, line: line)
    return (trace, pass)
}
