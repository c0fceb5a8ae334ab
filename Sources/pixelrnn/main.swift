// The executable: everything lives in PixelREPL (interactive shell and batch mode).
import Foundation
import PixelREPL
import PixelRNN

// Before the first matrix product: make sure OpenBLAS runs the kernels this processor's
// features allow (may start the program once more with OPENBLAS_CORETYPE set).
BLASKernelStartup.restartWithBetterKernelIfNeeded()

// `pixelrnn lesson check [N…]` (part of the tests): the lesson command in batch mode.
if let status = LessonChecker.commandLineStatus(CommandLine.arguments) { exit(status) }
exit(PixelREPLMain.run(CommandLine.arguments))
