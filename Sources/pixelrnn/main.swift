// The executable: everything lives in PixelREPL (interactive shell and batch mode).
import Foundation
import PixelREPL

// `pixelrnn lesson check [N…]` (part of the tests): the lesson command in batch mode.
if let status = LessonChecker.commandLineStatus(CommandLine.arguments) { exit(status) }
exit(PixelREPLMain.run(CommandLine.arguments))
