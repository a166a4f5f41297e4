/// An archive's index held to its tar stream as the stream is read, entry
/// by entry: the same entries in the same order, each with the facts and
/// position the index records (`ArchiveIndex.Entry.disagreement`).
///
/// One comparison for the two commands that read a stream beside its
/// index: `verify` fails on the first difference (`TarVerifier`), and
/// `unpack` extracts no entry that differs from its record
/// (`IndexHeldExtraction`), since `list` of the same file shows the
/// index's view of it.
extension ArchiveIndexDecoder.EntryWalk {
    /// What the index says of one entry of the stream.
    public enum Comparison {
        /// The index records the entry as the stream has it: its record.
        case agrees(ArchiveIndex.Entry)
        /// It does not.
        case differs(Difference)
    }

    /// How an entry of the stream differs from the index.
    public struct Difference: Sendable {
        /// The entry's number in the stream, from 0.
        public var number: Int
        /// Its name in the stream, escaped for a terminal.
        public var shownName: String
        /// What differs ("mode 644 in the index, 6755 in the stream");
        /// empty when the index has no entry of that number.
        public var what: String
        /// The index has no entry of that number (it ends before).
        public var isMissingFromTheIndex: Bool { what.isEmpty }

        /// "entry N (NAME): WHAT", as `verify` words it.
        public var worded: String {
            "entry \(number + 1) (\(shownName))" + (isMissingFromTheIndex ? " is in the stream, not in the index" : ": \(what)")
        }
    }

    /// The stream's entry `number` (from 0) held to the index's record of
    /// it. Numbers are asked in increasing order (the walk goes forward).
    public func compare(_ entry: TarEntry, number: Int) -> Comparison {
        let shown = TerminalText.escaped(entry.name)
        guard let recorded = self.entry(number) else {
            return .differs(Difference(number: number, shownName: shown, what: ""))
        }
        if let what = recorded.disagreement(with: entry) {
            return .differs(Difference(number: number, shownName: shown, what: what))
        }
        return .agrees(recorded)
    }

    /// For a stream read whole that held `count` entries: the first entry
    /// the index has past them, worded; nil when it has none.
    public func missing(afterStreamOf count: Int) -> String? {
        guard let missing = entry(count) else { return nil }
        return "entry \(count + 1) (\(TerminalText.escaped(TerminalText.name(claimed: missing.name)))) is in the index, not in the stream"
    }
}
