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
        // Worker mode: the parent started this executable again to do CPU
        // work. Told from the C arguments, before anything makes Swift's
        // `CommandLine.arguments` (an array of strings, and the generic
        // metadata behind it, built on first use: a twentieth of a worker's
        // start, which every job waits for).
        if CommandLine.argc == 2, let mode = CommandLine.unsafeArgv[1],
           strcmp(mode, WorkerProcess.modeArgument) == 0 {
            Glibc.exit(WorkerLoop.run())
        }
        // /proc first: bale starts its workers from /proc/self/exe, hands
        // them descriptors through /proc/PID/fd, and Swift itself reads
        // the arguments from /proc/self/cmdline. Without it (a chroot, a
        // sandbox that mounts none) every command, `--version` too, died
        // of SIGILL with "Range requires lowerBound <= upperBound" (no
        // arguments at all): said plainly instead, exit 1.
        if access("/proc/self/exe", F_OK) != 0 {
            FileIO.report("bale: /proc is not mounted here: bale needs it (its worker processes are started "
                          + "from /proc/self/exe); mount it, e.g. mount -t proc proc /proc")
            Glibc.exit(BaleCore.ExitCode.failure.rawValue)
        }
        // Process-wide state, set up once, here: the library never
        // changes it (its tests set SIGPIPE up the same way). The
        // descriptors handed over are noted before bale opens any.
        InheritedDescriptors.note()
        ProcessSignals.ignoreWriteSignals()
        ProcessSignals.installTerminationCleanup()
        StandardOutput.reserveStandardDescriptors()
        StandardOutput.checkBufferedOutputAtExit()
        // argv decoded once without loss: a name that is not UTF-8 keeps its
        // bytes through the parser, in paths and option values alike.
        let given = LevelArguments.rewrite(GzipVariable.prepending(to: RawArguments.commandLine))
        // `--name=` with nothing after the '=' (a script's `--json-file=$LOG`
        // with LOG unset): argument-parser took the next argument as the
        // value, so `gzip -k --json-file= data.csv` wrote its summary over
        // data.csv, exit 0. An empty value is a usage error, as getopt's
        // `--suffix=` is to gzip.
        if let empty = given.prefix(while: { $0 != "--" }).first(where: { $0.hasPrefix("--") && $0.count > 3 && $0.firstIndex(of: "=") == $0.index(before: $0.endIndex) }) {
            let message = "\(empty) has an empty value; give one, or leave the option out"
            // Told with the command's usage line, as the parser tells its own errors.
            UsageErrorReport.emptyEarlierReport(namedIn: given)
            guard let command = configuration.subcommands.first(where: { $0._commandName == given.first }) else {
                Self.exit(withError: ValidationError(message))
            }
            FileIO.report("Error: \(message)\nUsage: \(usageString(for: command))\n"
                          + "  See 'bale \(command._commandName) --help' for more information.")
            Glibc.exit(ExitCode.validationFailure.rawValue)
        }
        // Long runs of names joined for the parser (`JoinedArguments`); what
        // the fast path does not take (help, a usage error) is parsed again
        // as given, so that a message names an argument as it was typed.
        let arguments = JoinedArguments.joiningLongRuns(given)
        if let command = SubcommandFastPath.parse(arguments, among: configuration.subcommands) { run(command, given) }
        // getopt_long's abbreviations (`--std`), tried only now that the
        // line failed to parse as given (`LongOptionAbbreviations`); a line
        // that still fails is told with them written out, so that the error
        // names what is wrong, not an abbreviation that was right.
        let expanded = LongOptionAbbreviations.expanding(given, among: configuration.subcommands)
        if let expanded, let command = SubcommandFastPath.parse(JoinedArguments.joiningLongRuns(expanded),
                                                                 among: configuration.subcommands) {
            run(command, expanded)
        }
        let line = expanded ?? given
        // Help beside an unknown option: argument-parser shows the help and
        // exits 0, whatever else the line holds. A probe: `bale sum *` in a
        // directory holding a file named `-dash` (-d -a -s -h) wrote the
        // help into the manifest, exit 0; GNU's getopt stops at the first
        // unknown letter (sha256sum: exit 1). The unknown option wins.
        if let unknown = UnknownOptionBesideHelp.error(in: line) {
            if unknown.status == ExitCode.validationFailure.rawValue { UsageErrorReport.emptyEarlierReport(namedIn: line) }
            FileIO.report(unknown.message)
            Glibc.exit(unknown.status)
        }
        // The whole tree parses what the fast path did not take: help and
        // --version (argument-parser's clean exits), or the usage error.
        let parsed: ParsableCommand
        do { parsed = try Self.parseAsRoot(line) } catch { exit(withError: error, refusing: line) }
        run(parsed, line)
    }

    /// Runs a command parsed from `line` and exits.
    private static func run(_ parsed: ParsableCommand, _ line: [String]) -> Never {
        do {
            var command = parsed
            try command.run()
            Self.exit()
        } catch let code as ArgumentParser.ExitCode {
            // What exit(withError:) does with an ExitCode, without the
            // usage text it would build first only to print nothing.
            Glibc.exit(code.rawValue)
        } catch {
            exit(withError: error, refusing: line)
        }
    }

    /// Exits as argument-parser does for `error`; a usage error (64) first
    /// empties the report an earlier run left (`UsageErrorReport`).
    private static func exit(withError error: Error, refusing line: [String]) -> Never {
        if exitCode(for: error) == .validationFailure { UsageErrorReport.emptyEarlierReport(namedIn: line) }
        Self.exit(withError: error)
    }
}
