import Foundation
import PixelRNN

/// `model save FILE` / `model load FILE`: safetensors checkpoints (DESIGN §3).
enum ModelFiles {
    static func run(_ sub: String, _ session: Session, _ args: ParsedArguments) throws {
        throw CommandError("model \(sub): checkpoints are being wired in")
    }
}
