/// The version `pixelrnn --version` prints.
public enum PixelREPLVersion {
    /// Semantic version of the program.
    public static let string = "0.1.0"
}
