/// Splitting a command's words into positional arguments and `--options`,
/// following the command's `OptionSpec`s.
extension ParsedArguments {
    /// Parses the words after the command name.
    ///
    /// - `--name VALUE` and `--name=VALUE` for options that take a value; a value may
    ///   start with a single dash (`--lr -0.1`) but not with `--`.
    /// - `--name` for flags.
    /// - `--` ends the options: every later word is positional.
    /// - Anything else (including `-3`) is positional.
    ///
    /// Throws a one-line `CommandError` for an unknown option (naming the valid
    /// ones), a missing value, a value given to a flag, or a value outside an
    /// option's exhaustive list (`OptionSpec.valuesAreExhaustive`: `--split bogus`).
    public static func parse(_ words: [String], for command: Command) throws -> ParsedArguments {
        var result = ParsedArguments()
        result.words = words
        var index = 0
        var optionsEnded = false
        while index < words.count {
            let word = words[index]
            index += 1
            guard !optionsEnded, word.hasPrefix("--") else {
                result.positional.append(word)
                continue
            }
            if word == "--" { optionsEnded = true; continue }
            var name = String(word.dropFirst(2))
            var inlineValue: String? = nil
            if let eq = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let spec = command.options.first(where: { $0.name == name }) else {
                throw unknownOption(name, for: command)
            }
            if spec.takesValue {
                if let v = inlineValue {
                    result.values[name] = v
                } else if index < words.count, !words[index].hasPrefix("--") {
                    result.values[name] = words[index]
                    index += 1
                } else {
                    throw CommandError("--\(name) needs a value: \(valueHint(spec)) (usage: \(command.usage))")
                }
            } else {
                if inlineValue != nil {
                    throw CommandError("--\(name) is a flag and takes no value (usage: \(command.usage))")
                }
                result.flags.insert(name)
            }
            if spec.valuesAreExhaustive, let v = result.values[name], !spec.values.contains(v) {
                let hint = Suggestions.didYouMean(v, among: spec.values)
                throw CommandError("--\(spec.name) must be one of \(spec.values.joined(separator: "|")), got '\(v.excerpt)'\(hint)")
            }
        }
        return result
    }

    /// How a value is described in messages and help: `adam|rmsprop`, `FILE`, `VALUE`.
    static func valueHint(_ spec: OptionSpec) -> String {
        if spec.values == ["<file>"] { return "FILE" }
        if spec.values.isEmpty { return spec.name.uppercased() }
        return spec.values.filter { $0 != "<file>" }.joined(separator: "|")
    }

    static func unknownOption(_ name: String, for command: Command) -> CommandError {
        if command.options.isEmpty {
            return CommandError("'\(command.name)' takes no options, got '--\(name.excerpt)' (usage: \(command.usage))")
        }
        let names = command.options.map(\.name)
        let hint = Suggestions.didYouMean(name, among: names, quote: { "--" + $0 })
        let valid = names.map { "--" + $0 }.joined(separator: ", ")
        return CommandError("unknown option '--\(name.excerpt)' for '\(command.name)'\(hint) (valid: \(valid))")
    }

    /// The value of `--name` if it is one of `allowed` (else a one-line error with a
    /// suggestion), or `def` when the option was not given.
    public func choice(_ name: String, from allowed: [String], default def: String) throws -> String {
        guard let v = values[name] else { return def }
        guard allowed.contains(v) else {
            let hint = Suggestions.didYouMean(v, among: allowed)
            throw CommandError("--\(name) must be one of \(allowed.joined(separator: "|")), got '\(v.excerpt)'\(hint)")
        }
        return v
    }
}
