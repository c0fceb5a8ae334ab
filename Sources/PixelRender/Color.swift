/// An opaque 8-bit colour.
public struct RGB: Hashable, Sendable, CustomStringConvertible {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// A colour written as 0xRRGGBB.
    public init(hex: UInt32) {
        self.init(UInt8((hex >> 16) & 0xFF), UInt8((hex >> 8) & 0xFF), UInt8(hex & 0xFF))
    }

    /// A gray level: 0 is black, 1 is white (clamped; NaN is black).
    public init(gray: Float) {
        let v = RGB.byte(gray)
        self.init(v, v, v)
    }

    /// Relative brightness in [0, 1] (Rec. 601 weights).
    public var luminance: Double {
        (0.299 * Double(r) + 0.587 * Double(g) + 0.114 * Double(b)) / 255
    }

    /// Whether text on this colour should be light.
    public var isDark: Bool { luminance < 0.5 }

    /// The colour `t` of the way from `self` to `other` (t in [0, 1]).
    public func mixed(with other: RGB, _ t: Double) -> RGB {
        func lerp(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded())
        }
        return RGB(lerp(r, other.r), lerp(g, other.g), lerp(b, other.b))
    }

    public var description: String {
        "RGB(\(r), \(g), \(b))"
    }

    /// A value in [0, 1] as a byte (clamped; NaN → 0).
    static func byte(_ v: Float) -> UInt8 {
        guard !v.isNaN else { return 0 }
        return UInt8((min(max(v, 0), 1) * 255).rounded())
    }
}

/// The named colours every picture uses, so they stay consistent.
public enum Palette {
    public static let background = RGB(hex: 0xFFFFFF)
    public static let text = RGB(hex: 0x1E1E1E)
    public static let mutedText = RGB(hex: 0x5A5A5A)
    public static let gridLine = RGB(hex: 0xB4B4B4)
    public static let axis = RGB(hex: 0x3C3C3C)
    public static let separator = RGB(hex: 0x9A9A9A)
    /// A mask cell that is 1 (the connection is allowed).
    public static let maskOn = RGB(hex: 0x24324F)
    /// A mask cell that is 0 (the connection is cut).
    public static let maskOff = RGB(hex: 0xEEF0F4)
    /// The highlighted cell of a matrix (e.g. the kernel centre).
    public static let highlight = RGB(hex: 0xF08C00)
    /// Marked pixels (contrasts with gray images and with viridis).
    public static let marker = RGB(hex: 0xFF1F3D)
    /// Shaded regions (use with an opacity below 1).
    public static let shade = RGB(hex: 0xFF4A4A)
    /// One colour per image channel: red, green, blue.
    public static let channels = [RGB(hex: 0xD63A3A), RGB(hex: 0x2E9E44), RGB(hex: 0x2F6FD0)]
    /// Line colours for plot series, in order (cycled).
    public static let series = [
        RGB(hex: 0x2F6FD0), RGB(hex: 0xE07B00), RGB(hex: 0x2E9E44),
        RGB(hex: 0xCC3344), RGB(hex: 0x8A4FC8), RGB(hex: 0x8C5A3C),
    ]

    /// The colour of series number `i` (cycled).
    public static func series(_ i: Int) -> RGB {
        series[((i % series.count) + series.count) % series.count]
    }
}

/// A map from a number in [0, 1] to a colour.
public enum Colormap: Sendable {
    /// Dark purple → blue → green → yellow: perceptually even, readable in gray.
    case viridis
    /// Black → white.
    case grayscale
    /// Blue → white → red, for signed values centred on 0.
    case diverging

    /// The colour at `t` (clamped to [0, 1]; NaN gives the bottom colour).
    public func color(at t: Double) -> RGB {
        let stops = self.stops
        let x = t.isNaN ? 0 : min(max(t, 0), 1) * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2)
        return stops[i].mixed(with: stops[i + 1], x - Double(i))
    }

    /// The colour at the bottom (t = 0) and the top (t = 1).
    public var bottom: RGB { color(at: 0) }
    public var top: RGB { color(at: 1) }

    /// Whether the value range should be symmetric around zero.
    public var isSymmetric: Bool { self == .diverging }

    private var stops: [RGB] {
        switch self {
        case .viridis:
            // Nine samples of matplotlib's viridis, linearly interpolated.
            return [0x440154, 0x482878, 0x3E4989, 0x31688E, 0x26828E,
                    0x1F9E89, 0x35B779, 0x6ECE58, 0xFDE725].map { RGB(hex: $0) }
        case .grayscale:
            return [RGB(hex: 0x000000), RGB(hex: 0xFFFFFF)]
        case .diverging:
            return [0x2B59C3, 0x8FB3E8, 0xF7F7F7, 0xF0A08C, 0xC8283C].map { RGB(hex: $0) }
        }
    }
}
