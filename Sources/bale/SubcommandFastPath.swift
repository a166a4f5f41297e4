import ArgumentParser

/// The subcommand named first, parsed on its own.
///
/// argument-parser parses a command line by building the whole tree of
/// commands first: nine subcommands, every option of each described
/// through reflection. That took about 5 ms of the ~9 ms between bale's
/// start and the start of its workers, on every run, for every size of
/// input. Parsed alone, the named subcommand costs a fraction of that.
/// Anything the subcommand does not accept on its own (no subcommand named,
/// help, `--version`, a usage error) returns nil, and the whole tree parses
/// the command line again, so every message and usage text is the one the
/// tree gives.
///
/// Each subcommand's configuration names "bale" as its `_superCommandName`
/// (argument-parser's experimental name for a command run as the root on
/// behalf of another): parsed alone, a subcommand then skips the root's
/// search for `--generate-completion-script` (a sixth of the parse), which
/// only the tree answers. In the tree the name changes nothing: argument-
/// parser reads it from the root of the tree only, and that is `Bale`.
enum SubcommandFastPath {
    static func parse(_ arguments: [String], among subcommands: [ParsableCommand.Type]) -> ParsableCommand? {
        guard let name = arguments.first,
              let subcommand = subcommands.first(where: { $0._commandName == name }),
              subcommand.configuration.subcommands.isEmpty
        else { return nil }
        guard let command = try? subcommand.parseAsRoot(Array(arguments.dropFirst())),
              type(of: command) == subcommand
        else { return nil }
        return command
    }
}
