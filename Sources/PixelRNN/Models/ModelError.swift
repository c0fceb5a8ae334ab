/// Errors of model construction and loading: one clear line each.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    case notAvailable(String)
    case invalidConfig(String)
    case shapeMismatch(String)

    public var description: String {
        switch self {
        case .notAvailable(let s), .invalidConfig(let s), .shapeMismatch(let s): return s
        }
    }
}
