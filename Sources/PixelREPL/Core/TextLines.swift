/// Splitting text read from a file into lines, whatever the line ends.
extension String {
    /// The lines of a text whose lines end in \n, \r\n (Windows) or \r, without the
    /// ends. ("\r\n" is a single Character in Swift, so splitting at "\n" alone
    /// would leave whole Windows files as one line.)
    var linesOfAnyEnding: [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var afterCR = false
        for scalar in unicodeScalars {
            if scalar == "\n" && afterCR { afterCR = false; continue }
            afterCR = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        lines.append(String(current))
        return lines
    }
}
