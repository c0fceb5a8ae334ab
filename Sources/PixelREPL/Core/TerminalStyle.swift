import Foundation
import PixelRender

/// Styles for printed lines: ANSI colour on a terminal that wants colour (not with
/// `NO_COLOR`, not in batch mode or captured output), plain text otherwise. Notebooks strip
/// the escapes.
enum TerminalStyle {
    /// `text` in red (a warning the learner must not miss: a model's known bug).
    static func red(_ text: String, in session: Session) -> String {
        session.previewColour ? "\u{1B}[31m" + text + "\u{1B}[0m" : text
    }
}
