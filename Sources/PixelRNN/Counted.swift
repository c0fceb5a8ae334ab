/// A count and its noun, in the singular for one: `counted(1, "step")` is
/// "1 step", `counted(3, "step")` "3 steps", `counted(2, "pass", "passes")`
/// "2 passes". Messages use it wherever a count can be 1 ("make only 1 steps").
public func counted(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) " + (count == 1 ? singular : plural ?? singular + "s")
}
