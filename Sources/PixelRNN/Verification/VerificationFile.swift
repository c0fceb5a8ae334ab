import Foundation

/// A practitioner's check file for `verify` (Verification/README.md): their weights under
/// pixelrnn's checkpoint names, and for a batch of images the logits their implementation
/// computed, optionally with intermediate maps named after pixelrnn's layers.
///
///     __metadata__   model, layers, hidden, colors, levels   (as a checkpoint)
///     <parameter>    every parameter, e.g. input.weight, blocks.0.i_s.weight
///     images         (B, C, H, W) pixel levels, as F32
///     logits         (B, K, H, W) their network's output
///     maps.<layer>   optional: maps.input, maps.blocks.<l> (the stream after the input layer /
///                    after block l, (B, 2h, H, W)), maps.head.0 (head.0 before its ReLU, (B, 32, H, W))
///
/// Reading checks everything — metadata, every name, every shape, the image levels, finite
/// values — and builds the network apart, so a bad file changes nothing anywhere.
public struct VerificationFile {
    /// The network holding the file's weights.
    public let network: PixelNetwork
    /// The images, (B, C, H, W) of levels.
    public let images: Tensor
    /// The file's logits, (B, K, H, W).
    public let logits: Tensor
    /// The file's intermediate maps by layer name (`input`, `blocks.0`, `head.0`).
    public let maps: [String: Tensor]

    /// The names of the tensors that are not parameters.
    public static let imagesName = "images", logitsName = "logits", mapPrefix = "maps."
    /// At most this many images (a check, not an evaluation).
    public static let maxImages = 256
    /// Images at most this many rows and columns.
    public static let maxSide = 64

    /// The layers a file may hold maps of, in the order the network computes them, with the
    /// shape of each map for images (B, H, W); the logits (`head.1`) come last.
    public static func layers(of config: ModelConfig, batch b: Int, height: Int, width: Int) -> [(name: String, shape: [Int])] {
        let stream = [b, 2 * config.hidden, height, width]
        return [("input", stream)] + (0..<config.layers).map { ("blocks.\($0)", stream) }
            + [("head.0", [b, ModelConfig.headWidth, height, width]), ("head.1", [b, config.outputChannels, height, width])]
    }

    /// Reads and checks `url`; throws `VerificationError` naming the first thing wrong.
    public static func read(contentsOf url: URL) throws -> VerificationFile {
        let file = try SafeTensors.read(contentsOf: url)
        return try VerificationFile(file, path: url.path)
    }

    /// Checks a decoded file (`path` names it in errors).
    public init(_ file: SafeTensorsFile, path: String) throws {
        func fail(_ why: String) -> VerificationError { VerificationError(file: path, why: why) }
        let missingKeys = Checkpoint.modelKeys.filter { file.metadata[$0] == nil }
        if !missingKeys.isEmpty {
            throw fail("not a verify file: __metadata__ lacks \(missingKeys.joined(separator: ", ")) (the model it checks)")
        }
        let config: ModelConfig
        do { config = try Checkpoint.config(fromMetadata: file.metadata, file: path) } catch let e as CheckpointError {
            throw fail(e.fault.description)
        }
        let absent = [Self.imagesName, Self.logitsName].filter { file.tensors[$0] == nil }
        if !absent.isEmpty {
            throw fail("not a verify file: it has no tensor\(absent.count == 1 ? "" : "s") \(absent.map { "'\($0)'" }.joined(separator: " and ")) (the images and their logits)")
        }
        let images = file.tensors[Self.imagesName]!
        guard images.rank == 4, (1...Self.maxImages).contains(images.shape[0]), images.shape[1] == config.colors,
              (1...Self.maxSide).contains(images.shape[2]), (1...Self.maxSide).contains(images.shape[3]) else {
            throw fail("'images' has shape \(images.shape), expected (B, \(config.colors), H, W) with B 1…\(Self.maxImages) and H, W 1…\(Self.maxSide)")
        }
        do { try ImageCheck.validate(images, colors: config.colors, levels: config.levels, what: "'images'") } catch {
            throw fail(String(describing: error))
        }
        let (b, h, w) = (images.shape[0], images.shape[2], images.shape[3])
        let layers = Self.layers(of: config, batch: b, height: h, width: w)
        let logits = file.tensors[Self.logitsName]!
        guard logits.shape == layers.last!.shape else {
            throw fail("'logits' has shape \(logits.shape), a \(config.kind.paperName) with \(config.levels) levels and \(config.colors) colour\(config.colors == 1 ? "" : "s") gives \(layers.last!.shape) for these images")
        }
        var maps: [String: Tensor] = [:]
        var parameters: [String: Tensor] = [:]
        for name in file.tensors.keys.sorted() where name != Self.imagesName && name != Self.logitsName {
            let t = file.tensors[name]!
            guard name.hasPrefix(Self.mapPrefix) else { parameters[name] = t; continue }
            let layer = String(name.dropFirst(Self.mapPrefix.count))
            guard let expected = layers.dropLast().first(where: { $0.name == layer }) else {
                throw fail("unknown map \(QuotedText.quoted(name)): maps are named \(layers.dropLast().map { "maps.\($0.name)" }.prefix(3).joined(separator: ", ")), …")
            }
            guard t.shape == expected.shape else { throw fail("'\(name)' has shape \(t.shape), expected \(expected.shape)") }
            maps[layer] = t
        }
        let needed: Int
        do { needed = try MemoryEstimate.parameterCount(config: config) } catch {
            throw fail("the model in its metadata cannot be built: \(error)")
        }
        let held = parameters.values.reduce(0) { $0 + $1.count }
        guard needed <= held + Checkpoint.unheldParameterAllowance else {
            throw fail("its weights hold \(held) values, but the \(config.kind.paperName) it describes has \(needed) parameters")
        }
        do { try Checkpoint.checkFinite(file.tensors, file: path) } catch let e as CheckpointError { throw fail(e.fault.description) }
        let network: PixelNetwork
        do {
            network = try PixelNetwork(config: config, seed: 0)
            try network.load(parameters: parameters)
        } catch {
            throw fail(String(describing: error))
        }
        self.network = network
        self.images = images
        self.logits = logits
        self.maps = maps
    }
}

/// A verify file that cannot be used: the file and what is wrong, in one line.
public struct VerificationError: Error, Equatable, CustomStringConvertible, LocalizedError {
    public let file: String
    public let why: String
    public var description: String { "\(file): \(why)" }
    public var errorDescription: String? { description }
}
