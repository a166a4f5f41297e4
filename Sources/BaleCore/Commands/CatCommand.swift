/// `bale cat ARCHIVE PATH...`: writes the named entries' content to
/// standard output, one after another in the archive's order, as `tar
/// -xOf ARCHIVE PATH...` does (`TarContentWriter`), with names chosen as
/// tar chooses them (`EntrySelection`). From a bale archive with an index
/// only the members holding those entries are read (`NamedEntries`), so
/// one file comes out of a large archive at once; any other archive is
/// read whole, as tar reads it.
public struct CatCommand {
    /// What the command line asked for.
    public struct Options: Sendable {
        /// The archive; "-" for standard input.
        public var archive = "-"
        /// The entries named; empty for every regular file.
        public var selection = EntrySelection()
        /// Entries left out (`--exclude`), matched as `unpack` matches them.
        public var exclusions = ExclusionPatterns()
        /// Where the run reports its diagnostics and figures.
        public var context = RunContext()
        /// The workers, readers, codec, chunk size and reporting options
        /// every command shares (`EngineSettings`).
        public var engine = EngineSettings()
        /// Every option at its default.
        public init() {}
    }

    /// The command's options, as the command line set them.
    public var options: Options
    /// The command, to `run` with `options`.
    public init(options: Options) { self.options = options }

    /// Does what `options` ask; the exit code (`ExitCode`), its diagnostics in `options.context`.
    public func run() -> ExitCode {
        let context = options.context
        guard let input = ArchiveInput.open(options.archive, context: context) else { return .failure }
        defer { input.close() }
        let output = OutputTarget(file: nil, discards: false)
        return CommandRunner(context: context, engine: options.engine).withPipeline { pipeline in
            NamedEntries(input: input, selection: options.selection, purpose: .content, engine: options.engine,
                         context: context)
                .read(into: { TarContentWriter(output: output, exclusions: options.exclusions) }, pipeline: pipeline)
        }
    }
}
