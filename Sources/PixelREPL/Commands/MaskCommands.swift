import Foundation
import PixelRNN
import PixelRender

/// `mask A|B [size] [--colors 1|3] [--png]`: the masks of paper §3.4, printed and drawn.
let maskCommands: [Command] = [
    Command(
        name: "mask",
        summary: "print (and draw) the mask A or B of a masked convolution",
        usage: "mask A|B [size] [--colors 1|3] [--png]",
        examples: ["mask A 5", "mask B 3 --colors 3", "mask A 7 --png"],
        subcommands: ["A", "B"],
        options: [OptionSpec("colors", values: ["1", "3"], help: "1 (grey) or 3 (R, G, B channel groups)"),
                  OptionSpec("png", takesValue: false, help: "also render the mask as a PNG")],
        details: """
        A masked convolution may read only pixels that come earlier in raster order. Both masks \
        keep every position above the centre row and left of the centre; mask A (the first layer) \
        also hides the centre pixel itself, mask B (every later layer) lets it through. With 3 \
        colours the channels form R, G, B groups (channel c is colour c mod 3): at the centre, \
        mask A lets G see R and B see R, G; mask B also lets each colour see itself.
        """,
        subcommandsAreExhaustive: false,   // 'mask a' is read as 'mask A'
        run: runMask)
]

private func runMask(_ session: Session, _ args: ParsedArguments) throws {
    guard let word = args.positional.first, let type = MaskType(rawValue: word.uppercased()) else {
        throw CommandError("mask expects A or B, e.g. 'mask A 5'")
    }
    guard args.positional.count <= 2 else { throw CommandError("mask takes at most a type and a size, e.g. 'mask B 3'") }
    var size = 5
    if args.positional.count == 2 {
        guard let s = Int(args.positional[1]), s >= 1, s <= 15, s % 2 == 1 else {
            throw CommandError("mask size must be an odd number from 1 to 15, got '\(args.positional[1])'")
        }
        size = s
    }
    let colors = try args.int("colors", default: 1, in: 1...3)
    guard colors == 1 || colors == 3 else { throw CommandError("--colors must be 1 or 3, got \(colors)") }
    // One channel per colour is enough to show every rule.
    let mask = convolutionMask(type, outChannels: colors, inChannels: colors,
                               kernelHeight: size, kernelWidth: size, colors: colors)
    if colors == 1 {
        printSingleColourMask(session, mask, type: type, size: size)
    } else {
        printColourMask(session, mask, type: type, size: size)
    }
    if args.flag("png") { try renderMask(session, mask, type: type, size: size, colors: colors) }
}

private let colourNames = ["R", "G", "B"]

/// The k×k spatial matrix connecting input channel `i` to output channel `o`.
private func matrix(_ mask: Tensor, out o: Int, in i: Int, size: Int) -> [[Float]] {
    (0..<size).map { y in (0..<size).map { x in mask[o, i, y, x] } }
}

private func printSingleColourMask(_ session: Session, _ mask: Tensor, type: MaskType, size: Int) {
    session.say("mask \(type.rawValue), \(size)×\(size), 1 colour (1 = may read that position, 0 = may not):")
    for row in matrix(mask, out: 0, in: 0, size: size) {
        session.say(row.map { $0 == 1 ? "1" : "0" }.joined(separator: " "))
    }
    let c = size / 2
    session.say(type == .A
        ? "centre (\(c), \(c)) is 0: the first layer must not see the pixel it predicts"
        : "centre (\(c), \(c)) is 1: later layers may read features already computed at this pixel")
}

private func printColourMask(_ session: Session, _ mask: Tensor, type: MaskType, size: Int) {
    session.say("mask \(type.rawValue), \(size)×\(size), 3 colours (channel c is colour c mod 3; 1 = may read, 0 = may not):")
    for o in 0..<3 {
        session.say("output \(colourNames[o]):")
        let column = max(2 * size + 2, 11)
        let headers = (0..<3).map { "← input \(colourNames[$0])".padding(toLength: column, withPad: " ", startingAt: 0) }
        session.say(("  " + headers.joined()).trimmingTrailingSpaces)
        for y in 0..<size {
            let parts = (0..<3).map { i -> String in
                matrix(mask, out: o, in: i, size: size)[y].map { $0 == 1 ? "1" : "0" }.joined(separator: " ")
                    .padding(toLength: column, withPad: " ", startingAt: 0)
            }
            session.say(("  " + parts.joined()).trimmingTrailingSpaces)
        }
    }
    session.say("at the centre pixel: " + centreRule(mask, size: size))
}

/// "R sees nothing; G sees R; B sees R, G" for mask A, and so on.
private func centreRule(_ mask: Tensor, size: Int) -> String {
    let c = size / 2
    return (0..<3).map { o -> String in
        let seen = (0..<3).filter { mask[o, $0, c, c] == 1 }.map { colourNames[$0] }
        return "\(colourNames[o]) sees " + (seen.isEmpty ? "nothing" : seen.joined(separator: ", "))
    }.joined(separator: "; ")
}

private func renderMask(_ session: Session, _ mask: Tensor, type: MaskType, size: Int, colors: Int) throws {
    let centre = CellIndex(row: size / 2, col: size / 2)
    let name = "mask-\(type.rawValue)-\(size)x\(size)-\(colors)c"
    let title = "Mask \(type.rawValue), \(size)×\(size), \(colors == 1 ? "1 colour" : "3 colours")"
    let legendLine = LegendItem(type == .A
        ? "mask A: the centre pixel itself is hidden (first layer)"
        : "mask B: the centre pixel's own features are visible (later layers)")
    do {
        if colors == 1 {
            let grid = try MatrixGrid.mask(matrix(mask, out: 0, in: 0, size: size), title: title,
                                           highlight: centre, extraLegend: [legendLine])
            try session.show(grid.render(), name: name, title: title)
            return
        }
        var panels: [Panel] = []
        for o in 0..<3 {
            for i in 0..<3 {
                // The colour and centre legend is drawn once under all panels.
                let values = matrix(mask, out: o, in: i, size: size)
                let grid = try MatrixGrid(title: "", cells: values.map { $0.map { $0 == 1 ? "1" : "0" } },
                                          fills: values.map { $0.map { $0 == 1 ? Palette.maskOn : Palette.maskOff } },
                                          highlight: centre, legend: [])
                panels.append(Panel(subtitle: "output \(colourNames[o]) ← input \(colourNames[i])", canvas: grid.render()))
            }
        }
        var composed = try Panels(title: title, panels: panels, columns: 3)
        composed.legend = [LegendItem("1 = weight kept (input visible)", color: Palette.maskOn),
                           LegendItem("0 = weight zeroed (input hidden)", color: Palette.maskOff),
                           LegendItem("orange border = centre (the pixel being predicted)", color: Palette.highlight),
                           LegendItem("rows: output colour; columns: input colour; channel c is colour c mod 3"),
                           LegendItem("at the centre: " + centreRule(mask, size: size)), legendLine]
        try session.show(composed.render(), name: name, title: title)
    } catch let error as CommandError {
        throw error
    } catch {
        throw CommandError("cannot draw the mask: \(error)")
    }
}

extension String {
    /// The string without spaces at its end (lesson checks compare whole lines).
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
