import CGD
import Foundation

/// A user's own pictures as a data set: one PNG or JPEG file, or every `.png`, `.jpg`
/// and `.jpeg` file of a folder (in name order), decoded by libgd.
///
/// - Transparent pixels are composited on white (libgd's 7-bit alpha).
/// - `--grey`: each pixel becomes its luma, (299·R + 587·G + 114·B) / 1000, rounded;
///   `--colour`: R, G, B, and a grey image (one channel) is refused rather than
///   guessed at. Unless one is asked for, the first image decides.
/// - `--size N`: the centred square (side min(width, height)) is cut out and shrunk
///   to N×N by area averaging (`AreaReduction`); an image smaller than N×N is
///   refused, never enlarged. Without it every image must have the same size, 2…64 per side.
/// - 16-bit PNGs, 12-bit and CMYK JPEGs are refused by their headers (`ImageFileHeader`),
///   as are images of more than `maxPixels` pixels, before anything is decoded.
/// - The split: of every 10 images in name order 8 train, the 9th valid, the 10th
///   test; with fewer than 10 images every split holds all of them.
public enum ImageFiles {
    /// What a load asks for.
    public struct Options: Equatable, Sendable {
        /// Cut and shrink every image to size×size (nil: keep the images' own size).
        public var size: Int?
        /// true: colour (R, G, B); false: grey; nil: as the first image is.
        public var colour: Bool?
        /// The levels models will see (nil: 2 for grey, binarized; 256 for colour).
        public var levels: Int?
        /// How grey or colour values become bits when the levels are 2.
        public var binarization: Binarization

        /// The options of one load.
        public init(size: Int? = nil, colour: Bool? = nil, levels: Int? = nil,
                    binarization: Binarization = .stochastic(seed: 0)) {
            self.size = size
            self.colour = colour
            self.levels = levels
            self.binarization = binarization
        }
    }

    /// The file name endings read from a folder (compared without case).
    public static let extensions = ["png", "jpg", "jpeg"]
    /// The largest image file read: 64 MiB.
    public static let maxFileBytes = 64 << 20
    /// The most pixels one image may have before it is decoded: 16,777,216 (4096×4096).
    public static let maxPixels = 1 << 24

    /// True when `url` is a folder or a file that starts like a PNG or JPEG.
    /// Only a regular file is opened (a FIFO or device never is: it could block).
    public static func isImageSource(_ url: URL) -> Bool {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return false }
        if info.st_mode & S_IFMT == S_IFDIR { return true }
        guard info.st_mode & S_IFMT == S_IFREG, let handle = FileHandle(forReadingAtPath: url.path) else { return false }
        defer { try? handle.close() }
        guard let first = try? handle.read(upToCount: 8) else { return false }
        return ImageFileHeader.format(of: [UInt8](first)) != nil
    }

    /// Loads the image file or folder at `url`. Nothing is returned unless every image loads.
    public static func load(_ url: URL, options: Options = Options(),
                            shouldStop: () -> Bool = { false }) throws -> LoadedDataSet {
        if let size = options.size, !DataLimits.sides.contains(size) {
            throw DataFileError(file: url.path, fault: .wrongImageSize(rows: size, columns: size))
        }
        let files = try imageFiles(url)
        try DataLimits.check(images: files.count, values: 1, file: url.path)
        var pixels: [UInt8] = []
        var colour = options.colour
        var first: (width: Int, height: Int, file: String)? = nil
        for file in files {
            if shouldStop() { throw DataFileError(file: file.path, fault: .stopped) }
            let image = try decode(file, colour: &colour, size: options.size)
            if let first {
                guard image.width == first.width, image.height == first.height else {
                    throw DataFileError(file: file.path, fault: .mixedSizes(width: image.width, height: image.height,
                        firstWidth: first.width, firstHeight: first.height, firstFile: first.file))
                }
            } else {
                if image.width > DataLimits.sides.upperBound || image.height > DataLimits.sides.upperBound {
                    throw DataFileError(file: file.path, fault: .needsSize(width: image.width, height: image.height))
                }
                try DataLimits.check(rows: image.height, columns: image.width, file: file.path)
                try DataLimits.check(images: files.count, values: image.pixels.count, file: url.path)
                first = (image.width, image.height, file.lastPathComponent)
                pixels.reserveCapacity(files.count * image.pixels.count)
            }
            pixels += image.pixels
        }
        guard let first else { throw DataFileError(file: url.path, fault: .noImageFiles) }
        let colors = colour == true ? 3 : 1
        let images = IDXImages(count: files.count, rows: first.height, columns: first.width, colors: colors, pixels: pixels)
        return try makeSet(images, url: url, options: options, shouldStop: shouldStop)
    }

    /// The image files `url` names: itself, or a folder's PNG and JPEG files in name order.
    static func imageFiles(_ url: URL) throws -> [URL] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw DataFileError(file: url.path, fault: .missing)
        }
        guard isFolder.boolValue else { return [url] }
        guard let folder = opendir(url.path) else {
            throw DataFileError(file: url.path, fault: .unreadable("the folder cannot be listed: \(RegularFile.reason(errno))"))
        }
        closedir(folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else {
            throw DataFileError(file: url.path, fault: .unreadable("the folder cannot be listed"))
        }
        let chosen = names.filter { name in
            !name.hasPrefix(".") && extensions.contains((name as NSString).pathExtension.lowercased())
        }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        guard !chosen.isEmpty else { throw DataFileError(file: url.path, fault: .noImageFiles) }
        return chosen.map { url.appendingPathComponent($0) }
    }

    /// One image, decoded, made grey or colour, and cut to `size`.
    static func decode(_ url: URL, colour: inout Bool?, size: Int?) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        let bytes: [UInt8]
        switch RegularFile.read(url.path, limit: maxFileBytes) {
        case .success(let read): bytes = read
        case .failure(let problem): throw DataFileError(file: url.path, fault: DataFileBytes.fault(problem))
        }
        let header = try ImageFileHeader.read(bytes, file: url.path)
        let format = header.format.rawValue
        if header.format == .png && header.bitsPerChannel == 16 {
            throw DataFileError(file: url.path, fault: .unsupportedImage(format: format, what: "a 16-bit (per channel)"))
        }
        if header.format == .jpeg && header.bitsPerChannel != 8 {
            throw DataFileError(file: url.path, fault: .unsupportedImage(format: format, what: "a \(header.bitsPerChannel)-bit"))
        }
        if header.isCMYK { throw DataFileError(file: url.path, fault: .unsupportedImage(format: format, what: "a CMYK")) }
        guard header.width * header.height <= maxPixels else {
            throw DataFileError(file: url.path, fault: .imageTooLarge(width: header.width, height: header.height, limit: maxPixels))
        }
        if let size, min(header.width, header.height) < size {
            throw DataFileError(file: url.path, fault: .imageTooSmall(width: header.width, height: header.height, size: size))
        }
        let wantsColour = colour ?? !header.isGrey
        colour = wantsColour
        if wantsColour && header.isGrey { throw DataFileError(file: url.path, fault: .greyImageInColourLoad) }
        var (width, height) = (header.width, header.height)
        var pixels = try rgb(bytes, header: header, file: url.path, grey: !wantsColour)
        if let size {
            let channels = wantsColour ? 3 : 1
            let square = AreaReduction.centreSquare(pixels, width: width, height: height, channels: channels)
            pixels = AreaReduction.reduce(square.pixels, side: square.side, channels: channels, to: size)
            (width, height) = (size, size)
        }
        return (width, height, pixels)
    }

    /// The decoded pixels, on white: R, G, B side by side, or one luma value each (`grey`).
    static func rgb(_ bytes: [UInt8], header: ImageFileHeader, file: String, grey: Bool) throws -> [UInt8] {
        DecoderMessages.start()
        let image: gdImagePtr? = bytes.withUnsafeBufferPointer { buffer in
            let data = UnsafeMutableRawPointer(mutating: buffer.baseAddress!)
            switch header.format {
            case .png: return gdImageCreateFromPngPtr(Int32(buffer.count), data)
            case .jpeg: return gdImageCreateFromJpegPtrEx(Int32(buffer.count), data, 0)
            }
        }
        guard let image else {
            throw DataFileError(file: file, fault: .corruptImage(format: header.format.rawValue, why: "libgd cannot decode it"))
        }
        defer { gdImageDestroy(image) }
        if !DecoderMessages.messages.isEmpty {   // libjpeg decodes a file that ends early, filled with grey, but says so
            throw DataFileError(file: file, fault: .corruptImage(format: header.format.rawValue, why: decoderMessage()))
        }
        let (width, height) = (Int(cgd_sx(image)), Int(cgd_sy(image)))
        guard width == header.width, height == header.height else {
            throw DataFileError(file: file, fault: .corruptImage(format: header.format.rawValue,
                why: "its header says \(header.width)×\(header.height), it decodes to \(width)×\(height)"))
        }
        var out = [UInt8]()
        out.reserveCapacity(width * height * (grey ? 1 : 3))
        for y in 0..<height {
            for x in 0..<width {
                let argb = cgd_pixel_argb(image, Int32(x), Int32(y))
                let alpha = Int(argb >> 24)   // 0 opaque … 127 transparent
                func onWhite(_ shift: UInt32) -> Int { (Int((argb >> shift) & 0xFF) * (127 - alpha) + 255 * alpha + 63) / 127 }
                let (r, g, b) = (onWhite(16), onWhite(8), onWhite(0))
                if grey {
                    out.append(UInt8((299 * r + 587 * g + 114 * b + 500) / 1000))
                } else {
                    out += [UInt8(r), UInt8(g), UInt8(b)]
                }
            }
        }
        return out
    }

    /// libgd's first message of the last decode, without its prefix (`gd-jpeg, libjpeg:
    /// recoverable error:`) and made safe for one line: `libjpeg: premature end of JPEG file`.
    static func decoderMessage() -> String {
        var text = (DecoderMessages.messages.first ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        for prefix in ["gd-jpeg, ", "gd-png "] where text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
        text = text.replacingOccurrences(of: "recoverable error: ", with: "")
        if let first = text.first, first.isUppercase { text = first.lowercased() + text.dropFirst() }
        text = text.replacingOccurrences(of: "libjpeg: Premature", with: "libjpeg: premature")
        return QuotedText.escaped(text.isEmpty ? "the decoder warned" : text, limit: 80)
    }

    /// The images split 8 / 1 / 1 by index (all in every split when fewer than 10).
    static func makeSet(_ images: IDXImages, url: URL, options: Options, shouldStop: () -> Bool) throws -> LoadedDataSet {
        let few = images.count < 10
        let parts = few ? Dictionary(uniqueKeysWithValues: SplitName.allCases.map { ($0, Array(0..<images.count)) })
                        : SplitRule.indices(count: images.count, labels: nil)
        func split(_ name: SplitName) throws -> DataSplit {
            try DataSplit.from(images, picking: parts[name, default: []], labels: nil, binary: false,
                               file: url.path, shouldStop: shouldStop)
        }
        let levels = options.levels ?? DataFileLoader.defaultLevels(colors: images.colors)
        let shape = options.size.map { "cut to the centred square and shrunk to \($0)×\($0)" } ?? "at their own size"
        let what = images.count == 1 ? "1 image" : "\(images.count) images"
        return LoadedDataSet(
            name: url.lastPathComponent,
            source: "\(what) (\(images.colors == 3 ? "colour" : "grey"), \(shape)) from \(url.path)",
            splitRule: few ? "fewer than 10 images: every split holds all of them (nothing is held out)"
                           : SplitRule.describe(labelled: false) + " (files in name order)",
            train: try split(.train), valid: try split(.valid), test: try split(.test),
            binarization: options.binarization, levels: levels)
    }
}

/// libgd's messages during one decode, kept instead of printed (libgd's error method
/// writes to stderr by default; the library never prints).
enum DecoderMessages {
    /// The messages since `start()` (at most 10, the first 199 bytes of each).
    nonisolated(unsafe) static var messages: [String] = []

    /// Forgets earlier messages and routes libgd's here (through the shim's `cgd_keep_message`).
    static func start() {
        messages = []
        cgd_keep_messages()
    }
}

/// Called by the CGD shim with each libgd message, formatted.
@_cdecl("pixelrnn_gd_message")
func pixelrnnGDMessage(_ text: UnsafePointer<CChar>?) {
    guard let text, DecoderMessages.messages.count < 10 else { return }
    DecoderMessages.messages.append(String(cString: text))
}
