/// A data set as the REPL holds it: the three splits and how they were made.
///
/// (Skeleton; the data loaders fill this in.)
public struct LoadedDataSet {
    /// A short name: `bundled`, or the file name a user loaded.
    public var name: String
    public init(name: String) { self.name = name }
}
