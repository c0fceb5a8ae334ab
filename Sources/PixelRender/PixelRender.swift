import Foundation

/// PixelRender: pictures for pixelrnn — PNG files through libgd and previews
/// in the terminal. It knows nothing of models: inputs are plain numbers
/// (`[Float]` with a width and height, `[[Float]]`), colours and strings.
///
/// Every renderer (`MatrixGrid`, `HeatMap`, `ImageGrid`, `LinePlot`,
/// `Panels`) is a value checked when made (throwing `RenderError` on shapes
/// that do not fit), reports its `size` before drawing, and `render()`s to a
/// `Canvas`, which `writePNG(to:)` saves atomically. Every picture carries its
/// title at the top.
public enum PixelRender {
    /// Writes `canvas` as `<folder>/<name>.png` (folder created if needed) and returns the file's URL.
    @discardableResult
    public static func save(_ canvas: Canvas, name: String, in folder: URL) throws -> URL {
        let file = folder.appendingPathComponent(name.hasSuffix(".png") ? name : name + ".png")
        try canvas.writePNG(to: file)
        return file
    }
}
