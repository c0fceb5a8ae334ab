import Foundation
import PixelRender
import PixelRNN

extension Session {
    /// Saves a rendered picture as `<out>/<name>.png`, prints its path and, on a
    /// terminal with previews on, a preview (the given lines, or a shrunk copy).
    func show(_ canvas: Canvas, name: String, title: String, preview: [String]? = nil) throws {
        let url: URL
        do {
            url = try PixelRender.save(canvas, name: name, in: outputDirectory)
        } catch {
            throw CommandError("cannot write \(name).png in \(outputDirectory.path): \(error)")
        }
        picture(url, title: title)
        guard previewsEnabled && isTerminal else { return }
        let colour = TerminalPreview.colorWanted(isTerminal: isTerminal,
                                                 environment: ProcessInfo.processInfo.environment)
        for line in preview ?? TerminalPreview.lines(canvas: canvas, color: colour) { writeLine(line) }
    }

    /// True when previews should use colour escapes.
    var previewColour: Bool {
        TerminalPreview.colorWanted(isTerminal: isTerminal, environment: ProcessInfo.processInfo.environment)
    }

    /// The current model, or a clear error.
    func requireModel() throws -> any PixelModel {
        guard let m = model else { throw CommandError("no model yet — make one with 'model new pixelcnn' (or rowlstm, diagbilstm)") }
        return m
    }

    /// The loaded data, or a clear error.
    func requireData() throws -> LoadedDataSet {
        guard let d = data else { throw CommandError("no data loaded — type 'data load' for the bundled MNIST digits") }
        return d
    }
}
