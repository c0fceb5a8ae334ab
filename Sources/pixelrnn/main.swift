// The executable: everything lives in PixelREPL (interactive shell and batch mode).
import Foundation
import PixelREPL

exit(PixelREPLMain.run(CommandLine.arguments))
