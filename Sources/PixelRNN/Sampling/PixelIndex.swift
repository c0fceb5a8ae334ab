/// One factor of the chain rule (paper eq. 1–2): the colour `colour` of pixel
/// (row, column). Sampling and completion visit them in raster order — row by
/// row, left to right, and R, G, B within a pixel.
public struct PixelIndex: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var row: Int
    public var column: Int
    public var colour: Int

    public init(row: Int, column: Int, colour: Int = 0) {
        self.row = row
        self.column = column
        self.colour = colour
    }

    /// The k-th index in raster order of a height×width image with `colors` colours.
    public init(rasterIndex k: Int, width: Int, colors: Int) {
        self.init(row: k / (width * colors), column: (k / colors) % width, colour: k % colors)
    }

    /// The position of this index in raster order.
    public func rasterIndex(width: Int, colors: Int) -> Int {
        (row * width + column) * colors + colour
    }

    public var description: String { "(\(row), \(column))" + (colour > 0 ? " colour \(colour)" : "") }
}
