import Foundation

/// A file that could not be loaded or saved: the file as the user named it and what is
/// wrong with it, said in one line, `path: fault`. `DataFileError`, `CheckpointError` and
/// `SafeTensorsError` are this with their own kinds of fault.
public struct FileError<Fault: Equatable & Sendable & CustomStringConvertible>: Error, Equatable, Sendable,
    CustomStringConvertible, LocalizedError {
    /// The file as the caller named it (or the bundled file's name).
    public let file: String
    /// What is wrong with it.
    public let fault: Fault

    /// The error for `file` and its fault.
    public init(file: String, fault: Fault) {
        self.file = file
        self.fault = fault
    }

    /// One line: `path: fault`.
    public var description: String { "\(file): \(fault)" }
    public var errorDescription: String? { description }
}
