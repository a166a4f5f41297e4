import ArgumentParser
import BaleCore

/// `bale help exit-codes` (or `bale exit-codes`): what bale's exit statuses
/// mean, the same for every command, for scripts and batch jobs.
struct ExitCodes: ParsableCommand {
    static let table = """
          0        everything done
          1        an error: at least one input was not processed; it is left as
                   it was, and no partial output file exists (what went to
                   standard output stops where the damage is; unpack: the entries
                   extracted are whole, each refused or cut short named;
                   reading stops at damage, as in tar; for bale's archives
                   bale verify names the entries after it). Also when
                   the --json report or standard output cannot be written
                   (the work done before it stands)
          2        warnings only, as gzip: something was skipped (an existing
                   output, a directory, a link; for pack, a file inside the
                   trees that could not be read), an input kept beside its
                   whole output (it changed while read, or cannot be
                   removed), trailing garbage ignored, a tar stream from
                   another tool without its end-of-archive blocks, an
                   archive's index not usable (list, cat, named unpack: the
                   stream read instead), or a name given to cat or unpack
                   that is not in the archive (as GNU tar); the rest is
                   done. A name that already has the suffix is named and
                   passed over with 0, as by GNU gzip 1.12
          64       a usage error (unknown option, a value malformed, out of
                   range, empty or in conflict with another), found before
                   anything is read or written
          129      ended by SIGHUP  } temporary outputs removed, workers ended,
          130      ended by SIGINT  } inputs untouched (gzip -r: the files done
          143      ended by SIGTERM } so far are whole and correct; pack
                   --remove-files ended while removing: what it removed is
                   in the finished archive, the rest is kept)
          152      ended by SIGXCPU (a CPU-time limit: ulimit -t, a batch
                   system's); SIGUSR1 (138), SIGUSR2 (140) and SIGALRM (142)
                   alike: the same cleanup as for SIGTERM first
          141      standard output was closed by its reader (bale list x.tgz | head):
                   bale stops quietly, as a process ended by SIGPIPE (every
                   command; a write to standard output that fails otherwise,
                   as on a full disk, is an error: exit 1, "bale: stdout: ...")
          134, 135, 139  a crash (SIGABRT, SIGBUS, SIGSEGV): never expected (the
                   Swift runtime can crash under a very low ulimit -v); the
                   same cleanup as for SIGTERM first

        Errors and warnings go to standard error as "bale: FILE: cause".

        Examples:
          bale gzip -r /var/log/app; [ $? -le 2 ] || alert "logs not compressed"
          bale verify backup.tar.gz || exit 1
        """

    static let configuration = CommandConfiguration(
        commandName: "exit-codes",
        abstract: "What bale's exit statuses mean (the same for every command).",
        discussion: table)

    func run() throws {
        do throws(BaleError) {
            try StandardOutput.write(Self.table + "\n")
            try StandardOutput.close()
        } catch {
            if case .brokenPipe = error { throw ArgumentParser.ExitCode(BaleCore.ExitCode.brokenPipe.rawValue) }
            RunContext().fail(error)
            throw ArgumentParser.ExitCode.failure
        }
    }
}
