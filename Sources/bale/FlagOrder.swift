/// The order in which flags were given, which argument-parser does not
/// keep: it sets each flag, and two flags that undo each other are both
/// set. gzip's `-q` and `-v` (the last counts), sha256sum's `--tag` and
/// `-t` (refused only in that order) need it, so the arguments are read
/// for it here, once, for every command that asks.
enum FlagOrder {
    /// The flags of interest among `arguments` (before `--`), in the
    /// order given, each as the letter it stands for: a long option by
    /// `long` (`--verbose` → v), a short one by its letter when the letter
    /// is in `letters`, in clusters too (`-kqv` → q, v). An option's value
    /// is no flag: the argument after one of `valueOptions` is skipped
    /// (`--json-file -t.json`). `clusterLetters`, when given: a cluster
    /// counts only when all its letters are among them (gzip's `-kq`, not
    /// a value joined to its option, `-S.qv`).
    static func given(in arguments: [String], long: [String: Character], letters: Set<Character>,
                      valueOptions: Set<String> = [], clusterLetters: Set<Character>? = nil) -> [Character] {
        var given: [Character] = []
        var skipsValue = false
        for argument in arguments.prefix(while: { $0 != "--" }) {
            if skipsValue { skipsValue = false; continue }
            if valueOptions.contains(argument) { skipsValue = true; continue }
            if let letter = long[argument] { given.append(letter); continue }
            guard let body = cluster(argument, of: clusterLetters) else { continue }
            given += body.filter(letters.contains)
        }
        return given
    }

    /// The letters of a cluster of short flags (`-kqv`), or nil: a long
    /// option, a name, or a cluster with a letter not among `allowed`.
    static func cluster(_ argument: String, of allowed: Set<Character>?) -> Substring? {
        guard argument.count > 1, argument.hasPrefix("-"), !argument.hasPrefix("--") else { return nil }
        let body = argument.dropFirst()
        if let allowed, !body.allSatisfy(allowed.contains) { return nil }
        return body
    }
}
