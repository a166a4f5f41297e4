import ArgumentParser
import BaleCore

#if canImport(Glibc)
import Glibc
#endif

/// The `bale` command line: parses arguments, calls BaleCore, maps the
/// outcome to an exit code. Nothing else lives here.
@main
struct Bale: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bale",
        abstract: "Compress files, streams and directory trees in parallel, as standard gzip.",
        discussion: """
        Exit status: 0 success, 1 error, 2 warning (something skipped), 64 usage, \
        129/130/143 ended by a signal, 141 standard output closed early: \
        see 'bale help exit-codes'.
        """,
        version: BuildVersions.summary,
        subcommands: [Gzip.self, Gunzip.self, Pack.self, Unpack.self, Cat.self, List.self, Verify.self, Sum.self, ExitCodes.self]
    )

    static func main() {
        MemoryTuning.apply()
        // Worker mode: the parent started this executable again to do CPU work.
        if CommandLine.arguments.count == 2 && CommandLine.arguments[1] == WorkerProcess.modeArgument {
            Glibc.exit(WorkerLoop.run())
        }
        // Process-wide state, set up once, here: the library never
        // changes it (its tests set SIGPIPE up the same way).
        ProcessSignals.ignoreWriteSignals()
        ProcessSignals.installTerminationCleanup()
        StandardOutput.reserveStandardDescriptors()
        StandardOutput.checkBufferedOutputAtExit()
        Self.main(LevelArguments.rewrite(Array(CommandLine.arguments.dropFirst())))
    }
}

/// gzip's `-1` … `-9` (and libdeflate's `-10` … `-12`), `--fast` and
/// `--best`, which argument-parser cannot spell as flags, rewritten to
/// `--level N` (or `--best-level`, resolved once the codec is known)
/// before parsing.
enum LevelArguments {
    static func rewrite(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var passedTerminator = false
        for argument in arguments {
            if passedTerminator { result.append(argument); continue }
            switch argument {
            case "--": passedTerminator = true; result.append(argument)
            case "--fast": result += ["--level", "1"]
            case "--best": result.append("--best-level")
            case _ where argument.first == "-" && Int(argument.dropFirst()).map({ (1...12).contains($0) }) == true
                && argument.dropFirst().first != "0":
                result += ["--level", String(argument.dropFirst())]
            default: result.append(argument)
            }
        }
        return result
    }
}
