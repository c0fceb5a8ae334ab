import CReadline
import Foundation
import Synchronization

/// Interactive line input through GNU readline: history kept in a file
/// (`HistoryFile`, read and appended here, never by readline's file functions), tab
/// completion from a `Completer`, and Ctrl-C at the prompt discarding the line.
///
/// Readline's callback interface is used (rather than `readline()`), so the
/// program owns SIGINT: the handler only sets `Interruption.requested`; `poll()`
/// on standard input returns `EINTR`, and the editor then clears the line
/// outside the signal handler, where it is safe to call readline.
///
/// Readline's C callbacks cannot capture context, so the completer and the line
/// just read live in file-level variables; there is one editor at a time.
final class LineEditor {
    /// The history file, or nil for none (or once it was refused).
    private(set) var history: HistoryFile?
    /// Where notes go (a refused history file), one line each.
    private let note: (String) -> Void

    /// Sets up readline: completion, quoting, signals, and history from the file.
    /// `history` is the file to read and append to (nil: none); a file that is
    /// not a history file is refused with one `note:` line and not touched.
    init(completer: Completer, history: HistoryFile?, note: @escaping (String) -> Void) {
        self.note = note
        activeCompleter = completer
        setlocale(LC_CTYPE, "")   // so readline edits UTF-8 characters as characters
        cr_set_readline_name(strdup("pixelrnn"))
        cr_set_catch_signals(0)
        cr_set_catch_sigwinch(0)
        cr_set_basic_word_break(strdup(" \t\n"))
        cr_set_completer_quote_characters(strdup("\"'"))
        cr_set_filename_quote_characters(strdup(" \t\"'\\#"))
        cr_set_attempted_completion(completeHook)
        using_history()
        if let limit = history?.limit { cr_set_history_length(Int32(limit)) } else { unstifle_history() }
        if let history {
            switch history.readLines() {
            case .success(let lines):
                self.history = history
                lines.forEach { add_history($0) }
            case .failure(let refusal):
                note("note: \(refusal.message)")
            }
        }
        installSignalHandler(SIGWINCH) { _ in resizedFlag.store(true, ordering: .relaxed) }
        installSignalHandler(SIGCONT) { _ in continuedFlag.store(true, ordering: .relaxed) }
    }

    /// What `readLine` got.
    enum Input: Equatable {
        case line(String)
        case endOfInput
    }

    /// Shows `prompt` and reads one line. Ctrl-C discards the line being typed
    /// and prompts again; Ctrl-D on an empty line is the end of input.
    func readLine(prompt: String) -> Input {
        Interruption.clear()
        receivedLine = nil
        lineComplete = false
        cr_callback_install(prompt, lineHandler)
        defer { cr_callback_remove() }
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        while !lineComplete {
            if Interruption.requested {
                Interruption.clear()
                cr_interrupt_line()
            }
            if resizedFlag.exchange(false, ordering: .relaxed) { rl_resize_terminal() }
            if continuedFlag.exchange(false, ordering: .relaxed) { cr_reprepare_terminal() }
            let ready = poll(&descriptor, 1, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return .endOfInput
            }
            if descriptor.revents & Int16(POLLIN | POLLHUP) != 0 {
                cr_callback_read_char()
            } else if descriptor.revents & Int16(POLLERR | POLLNVAL) != 0 {
                return .endOfInput
            }
        }
        guard let line = receivedLine else {
            print("")   // Ctrl-D: end the prompt line
            return .endOfInput
        }
        return .line(line)
    }

    /// Adds a line to the history (without trailing blanks; not blank lines, nor a
    /// repeat of the last) and appends it to the history file.
    func remember(_ typed: String) {
        var line = typed
        while let last = line.last, last == " " || last == "\t" { line.removeLast() }
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        let count = cr_history_length()
        if count > 0, let last = cr_history_line(count - 1), String(cString: last) == line { return }
        add_history(line)
        do {
            try history?.append(line)
        } catch {
            refuse(error)
        }
    }

    /// Trims the history file, if the user set a limit (`$PIXELRNN_HISTORY_SIZE`).
    func close() {
        do {
            try history?.trim()
        } catch {
            refuse(error)
        }
    }

    /// Stops using the history file, with one note.
    private func refuse(_ error: Error) {
        history = nil
        note("note: \((error as? HistoryFile.Refusal)?.message ?? Shell.describe(error))")
    }

    /// The history file named by the environment (`HistoryFile.path`), with the
    /// limit of `$PIXELRNN_HISTORY_SIZE`; a bad limit is noted and ignored.
    static func historyFromEnvironment(note: (String) -> Void) -> HistoryFile? {
        let environment = ProcessInfo.processInfo.environment
        guard let path = HistoryFile.path(environment: environment) else { return nil }
        switch HistoryFile.limit(environment: environment) {
        case .success(let limit):
            return HistoryFile(path: path, limit: limit)
        case .failure(let refusal):
            note("note: \(refusal.message)")
            return HistoryFile(path: path, limit: nil)
        }
    }
}

// MARK: - State the C callbacks reach (one editor at a time)

private var activeCompleter: Completer?
private var receivedLine: String?
private var lineComplete = false
private var pendingWords: [String] = []
private var pendingIndex = 0
private let resizedFlag = Atomic<Bool>(false)
private let continuedFlag = Atomic<Bool>(false)

/// Called by readline with the finished line (NULL for Ctrl-D on an empty line).
private let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { text in
    if let text {
        receivedLine = String(cString: text)
        free(text)
    } else {
        receivedLine = nil
    }
    lineComplete = true
    cr_callback_remove()   // stop editing now, so no prompt is shown while the command runs
}

/// readline's attempted-completion hook: asks the completer; returns our words
/// (NULL when none), and when files are wanted lets readline complete them too.
private let completeHook: @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, start, _ in
    cr_set_attempted_completion_over(1)
    guard let text, let completer = activeCompleter, let buffer = cr_line_buffer() else { return nil }
    let bytes = UnsafeRawBufferPointer(start: buffer, count: Int(max(0, start)))
    let before = String(decoding: bytes, as: UTF8.self)
    let completion = completer.complete(before: before, word: String(cString: text))
    pendingWords = completion.words
    pendingIndex = 0
    if completion.files {
        return cr_completion_matches(text, wordsThenFiles)
    }
    if completion.words.isEmpty { return nil }
    return cr_completion_matches(text, wordsOnly)
}

/// Generator over `pendingWords` (state 0 restarts).
private let wordsOnly: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, state in
    if state == 0 { pendingIndex = 0 }
    guard pendingIndex < pendingWords.count else { return nil }
    defer { pendingIndex += 1 }
    return strdup(pendingWords[pendingIndex])
}

/// Generator over `pendingWords`, then readline's file-name completion.
private let wordsThenFiles: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { text, state in
    if state == 0 { pendingIndex = 0 }
    if pendingIndex < pendingWords.count {
        defer { pendingIndex += 1 }
        return strdup(pendingWords[pendingIndex])
    }
    let fileState = Int32(pendingIndex - pendingWords.count)
    pendingIndex += 1
    return cr_filename_completion(text, fileState)
}
