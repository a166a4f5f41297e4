/// Long runs of names handed to argument-parser joined, and split again
/// by the commands (`split`).
///
/// argument-parser stores each value of an array argument by copying the
/// array parsed so far out of an `Any` and back, and merging the set of
/// its origins (`ParsedValues.update`): n names cost n². `xargs bale sum`
/// of 8,000 names spent 2.4 s in the parser, of 20,000 names 11.6 s
/// (sha256sum: 0.5 s for all of it), and a usage error as long, for the
/// line is parsed twice. So in a run of more than `longRun` arguments
/// that are not options, all but the first two are given to the parser
/// as one argument, joined by NUL (which no argument can hold). The
/// first two stay as they are: one may be an option's value (`-C DIR`),
/// the next a command's single leading argument (`unpack ARCHIVE`);
/// every other one is a name. After `--` every argument is a name.
enum JoinedArguments {
    static let separator: Character = "\0"
    static let longRun = 64

    static func joiningLongRuns(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var run: [String] = []
        func flush() {
            if run.count > longRun {
                result += run.prefix(2)
                result.append(run.dropFirst(2).joined(separator: String(separator)))
            } else {
                result += run
            }
            run = []
        }
        var passedTerminator = false
        for argument in arguments {
            if passedTerminator || argument == "-" || !argument.hasPrefix("-") {
                run.append(argument)
                continue
            }
            flush()
            result.append(argument)
            if argument == "--" { passedTerminator = true }
        }
        flush()
        return result
    }

    /// The names an array argument holds, runs joined by
    /// `joiningLongRuns` split again.
    static func split(_ values: [String]) -> [String] {
        guard values.contains(where: { $0.contains(separator) }) else { return values }
        return values.flatMap { $0.split(separator: separator, omittingEmptySubsequences: false).map(String.init) }
    }
}
