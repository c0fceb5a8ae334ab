import Foundation
import PixelRNN
import PixelRender

/// `rf r c [--colour R|G|B]` on a colour model: the field of one colour (or of each) of
/// one pixel, input colour by input colour. G's field holds R of its own pixel, R's none. On a
/// multi-scale model a pixel outside the small image may also see every small-image pixel
/// (drawn first): those are counted apart and outlined as allowed.
enum ColourFields {
    static let names = ["R", "G", "B"]

    /// Reports and draws the fields of `--colour` (or of R, G and B) of pixel (row, col).
    static func run(_ session: Session, _ network: any PixelModel, _ args: ParsedArguments,
                    row: Int, col: Int, size: Int, trials: Int) throws {
        guard !args.flag("growth") else { throw CommandError("rf --growth draws one-colour fields; on a colour model use 'rf r c --colour R|G|B'") }
        let colours: [Int]
        if let word = args.value("colour") {
            guard let c = names.firstIndex(of: word.uppercased()) else { throw CommandError("--colour must be R, G or B, got '\(word)'") }
            colours = [c]
        } else {
            colours = [0, 1, 2]
        }
        // A multi-scale model's small image, when the target is outside it: allowed, later pixels too.
        let given = (network as? MultiScaleNetwork).flatMap { m in
            m.isSmallPixel(row: row, col: col) ? nil : smallImageMask(m, height: size, width: size)
        }
        var fields: [ColourReceptiveField] = []
        for colour in colours {
            let field = try Interruption.stoppable {
                try ColourReceptiveField.compute(network: network, row: row, col: col, colour: colour, height: size, width: size,
                                                 trials: trials, shouldStop: Interruption.shouldStop)
            }
            report(session, field, config: network.config, given: given)
            fields.append(field)
        }
        let which = colours.count == 1 ? names[colours[0]] + " of " : ""
        try render(session, fields, name: "rf-\(network.config.kind.rawValue)-\(row)-\(col)" + (colours.count == 1 ? "-\(names[colours[0]])" : "-rgb"),
                   title: "Receptive field of \(which)pixel (\(row), \(col)): \(network.config.kind.paperName)", given: given)
    }

    /// "field of G at pixel (5, 5): R G B of earlier pixels; at the pixel itself: R".
    static func report(_ session: Session, _ field: ColourReceptiveField, config: ModelConfig, given: [Bool]? = nil) {
        let name = names[field.colour]
        let own = (0..<field.colors).filter { field.contains(field.row, field.col, colour: $0) }.map { names[$0] }
        let laterSmall = given.map { g in field.causalContext.map { zip($0, g).filter { !$0 && $1 }.count }.reduce(0, +) } ?? 0
        let context = field.causalContext.joined().filter { $0 }.count + laterSmall     // what it may see
        let seen = field.binary.joined().filter { $0 }.count
        session.say("receptive field of \(name) at pixel (\(field.row), \(field.col)) — \(describe(config)), \(field.height)×\(field.width) image")
        session.say("structural field (union over \(counted(field.trials, "random input"))): \(seen) of the \(context) pixel colours it may see"
                    + (seen == 0 && context > 0 ? " — empty: every path to this prediction runs through ReLUs that are off for these inputs (train the model, or try another --seed)" : ""))
        session.say("  \(name) sees at its own pixel: " + (own.isEmpty ? "nothing" : own.joined(separator: ", "))
                    + "   (allowed: " + (field.colour == 0 ? "nothing" : names[0..<field.colour].joined(separator: ", ")) + ")")
        let smallSeen = field.violations.filter { given?[$0.0 * field.width + $0.1] == true }.count
        if given != nil {
            session.say("  small-image pixel colours after it that it sees: \(smallSeen) (allowed: the small image is drawn first)")
        }
        let v = field.violations.filter { given?[$0.0 * field.width + $0.1] != true }
        session.say("  pixel colours outside the causal context\(given == nil ? "" : " and the small image") it sees: \(v.count)"
                    + (v.isEmpty ? " (as it must be)" : " — e.g. \(names[v[0].2]) at (\(v[0].0), \(v[0].1)) — THE MODEL SEES THE FUTURE"))
    }

    /// Per field a row of three panels: the input colours R, G and B it depends on.
    static func render(_ session: Session, _ fields: [ColourReceptiveField], name: String, title: String, given: [Bool]? = nil) throws {
        guard let first = fields.first else { return }
        do {
            var panels: [Panel] = []
            for field in fields {
                for ci in 0..<field.colors {
                    var map = try HeatMap(title: "", values: field.binary[ci].map { $0 ? 1 : 0 }, rows: field.height,
                                          cols: field.width, colormap: .grayscale, range: 0...1, barLabel: "seen (1) / not (0)")
                    let allowed = given.map { g in zip(field.causalContext[ci], g).map { $0 || $1 } } ?? field.causalContext[ci]
                    map.overlays = [.outline(mask: allowed),
                                    .mark(row: field.row, col: field.col, color: Palette.highlight)]
                    panels.append(Panel(subtitle: "\(names[field.colour]) at the target sees input \(names[ci])", canvas: map.render()))
                }
            }
            var composed = try Panels(title: title, panels: panels, columns: 3)
            composed.legend = [LegendItem("orange square: the target pixel", color: Palette.highlight),
                               LegendItem("red outline: what this colour may see (earlier pixels; at the target, earlier colours"
                                          + (given == nil ? ")" : "; and the whole small image, drawn first)")),
                               LegendItem("white: input pixel colours the prediction depends on (union over \(first.trials) random inputs)")]
            let last = fields.last!
            let preview = TerminalPreview.lines(gray: (0..<(last.height * last.width)).map { p in
                last.binary.contains { $0[p] } ? 1 : 0 }, width: last.width, height: last.height, color: session.previewColour)
            try session.show(composed.render(), name: name, title: title, preview: preview)
        } catch let error as CommandError {
            throw error
        } catch {
            throw CommandError("cannot draw the receptive field: \(error)")
        }
    }
}
