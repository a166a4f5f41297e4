import BaleCore

/// The report an earlier run left under `--json-file`, emptied when this
/// run's command line is refused (a usage error, exit 64).
///
/// A refused line ends the run before any report is made, so the earlier
/// one stayed, saying its own success (`"exit_status": 0`), and a batch job
/// that reads the file rather than the status took it for this run's (a
/// script's `-p $N` with N unset; a probe helper found it). The line did
/// not parse, so the name is looked for in it as given (`--json-file FILE`
/// or `--json-file=FILE`, or getopt's abbreviations of it, the last one,
/// before any `--`), and since a guess may name data (`bale gzip
/// --json-file data.csv --bogus`), the file is emptied only when it holds
/// one of bale's reports (`RunReport.emptyEarlierReport`). None is written:
/// the line says nothing bale could stand behind, not even the command.
enum UsageErrorReport {
    /// Empties the earlier report `line` names, if it names one.
    static func emptyEarlierReport(namedIn line: [String]) {
        guard let name = jsonFileName(in: line), !name.isEmpty else { return }
        RunReport.emptyEarlierReport(at: name, onlyIfAReport: true)
    }

    /// The value of the last `--json-file` before `--`, as the parser would
    /// take it: written out or abbreviated as getopt_long takes it
    /// (`--json-f`; `--json` itself is another option), its value after it
    /// or after '='.
    static func jsonFileName(in line: [String]) -> String? {
        var name: String?
        var index = line.startIndex
        while index < line.endIndex, line[index] != "--" {
            let argument = line[index]
            let option = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
            if option.count > "--json-".count, "--json-file".hasPrefix(option) {
                if option.count < argument.count {
                    name = String(argument.dropFirst(option.count + 1))
                } else if index + 1 < line.endIndex {
                    name = line[index + 1]
                    index += 2
                    continue
                }
            }
            index += 1
        }
        return name
    }
}
