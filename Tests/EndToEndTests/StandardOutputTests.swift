import Foundation
import Testing

/// Standard output, for every command that writes to it: a write that
/// fails is an error (a message naming standard output and the cause,
/// exit 1), and a reader that went away is a quiet stop with exit 141,
/// never "OK" and never a success. The judges are the kernel's own:
/// /dev/full (every write fails with ENOSPC), a pipe whose reader is
/// closed before bale starts (every write fails with EPIPE), `head -c 1`
/// (the reader leaves after one byte of a large output), and a standard
/// output that is not open at all.
@Suite struct StandardOutputTests {
    /// The files the commands read, made once: a tree of 6,000 small
    /// files (so that every listing is far larger than a pipe's 64 KiB),
    /// its archive, its manifest, a large file and its .gz.
    static let fixture: String = {
        let path = RunDirectory.make(named: "bale-stdout")
        let made = try! sh("""
            set -e
            python3 -c '
            import os
            os.makedirs("t")
            for i in range(6000):
                open("t/a-file-with-a-longer-name-%05d" % i, "w").write("%d\\n" % i)
            '
            "$BALE" pack -q -p 2 t -o a.tgz
            "$BALE" sum -p 2 t > m
            head -c 6000000 "$FIXTURES/mixed" > big
            "$BALE" gzip -k -p 2 big
            """, in: path)
        precondition(made.status == 0, "cannot make the fixture: \(made.stderr)")
        return path
    }()

    /// Each command that writes to standard output, as a command line run
    /// in the fixture (its files written, if any, into "$S", a directory of
    /// each test's own), and whether its output is large (listings, data)
    /// or a line or two.
    static let commands: [(name: String, command: String, large: Bool)] = [
        ("gzip -c", #""$BALE" gzip -p 1 -c big"#, true),
        ("gunzip -c", #""$BALE" gunzip -p 1 -c big.gz"#, true),
        // Several files: the first write that fails stops the run, said
        // once (each later file said it again, as gzip never does).
        ("gzip -c FILES", #""$BALE" gzip -p 1 -c big t/a-file-with-a-longer-name-0000*"#, true),
        ("gunzip -c FILES", #""$BALE" gunzip -p 1 -c big.gz big.gz big.gz"#, true),
        ("gzip -rc", #""$BALE" gzip -p 1 -rc t"#, true),
        ("gzip -r --manifest -", #""$BALE" gzip -p 1 -r -k --out-dir "$S/o" --manifest - t"#, true),
        ("pack -o -", #""$BALE" pack -p 1 t -o -"#, true),
        ("pack --manifest -", #""$BALE" pack -p 1 t -o "$S/p.tgz" --manifest -"#, true),
        ("unpack --json", #""$BALE" unpack -p 1 a.tgz -C "$S/u" --json"#, false),
        ("unpack -v", #""$BALE" unpack -p 1 -v a.tgz -C "$S/u""#, true),
        ("list", #""$BALE" list -p 1 a.tgz"#, true),
        ("verify", #""$BALE" verify -p 1 a.tgz"#, false),
        ("verify .gz", #""$BALE" verify -p 1 big.gz"#, false),
        ("gunzip -l", #""$BALE" gunzip -p 1 -l big.gz"#, false),
        ("sum", #""$BALE" sum -p 1 t"#, true),
        ("sum -c", #""$BALE" sum -p 1 -c m"#, true),
        ("gzip -t --json", #""$BALE" gzip -p 1 -t big.gz --json"#, false),
        ("list --json-file", #""$BALE" list -p 1 a.tgz --json-file "$S/j""#, true),
        ("sum --json-file", #""$BALE" sum -p 1 t --json-file "$S/j""#, true),
        ("exit-codes", #""$BALE" exit-codes"#, false),
        ("--help", #""$BALE" gzip --help"#, false),
    ]

    /// Runs `command` with its standard output a pipe whose reader is
    /// already gone, and says how it ended: "exit N" or "signal N" (a
    /// process killed by SIGPIPE leaves its temporary files and workers
    /// behind; bale must stop on its own).
    static let closedPipe = #"""
        closedpipe() {
            python3 -c '
        import os, shlex, subprocess, sys
        r, w = os.pipe()
        os.close(r)
        # bale itself, not a shell around it, so that an end by SIGPIPE shows;
        # it gets SIGPIPE at its default (restore_signals), as from a shell.
        p = subprocess.run(shlex.split(os.path.expandvars(sys.argv[1])), stdout=w)
        print("exit %d" % p.returncode if p.returncode >= 0 else "signal %d" % -p.returncode)
        ' "$1"
        }
        """#

    static let fullDeviceExists: Bool = {
        var info = stat()
        return stat("/dev/full", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR
    }()

    @Test(.enabled(if: fullDeviceExists, "needs /dev/full, a device on which every write fails"),
          arguments: commands)
    func aFullOutputIsAnError(name: String, command: String, large: Bool) throws {
        let scratch = Scratch()
        let run = try sh("""
            export S=\(scratch.path)
            run() { \(command); }
            run > /dev/full; echo "status=$?"
            """, in: Self.fixture)
        #expect(run.stdout == "status=1\n", "\(name): \(run.stdout)\(run.stderr)")
        // Said once: with --json the summary's write failed too, and said
        // so a second time.
        #expect(run.stderr.components(separatedBy: "bale: stdout: write error: No space left on device").count == 2,
                "\(name): \(run.stderr)")
    }

    @Test(arguments: commands)
    func aClosedPipeIs141Quietly(name: String, command: String, large: Bool) throws {
        let scratch = Scratch()
        let run = try sh("""
            export S=\(scratch.path)
            \(Self.closedPipe)
            closedpipe '\(command.replacingOccurrences(of: "'", with: #"'\''"#))'
            """, in: Self.fixture)
        #expect(run.stdout == "exit 141\n", "\(name): \(run.stdout)\(run.stderr)")
        #expect(run.stderr.isEmpty, "\(name): quiet, but said: \(run.stderr)")
    }

    /// The everyday case: the reader reads a little and leaves while bale
    /// is still writing (every output here is several times a pipe's size).
    @Test(arguments: commands.filter(\.large))
    func headLeavingIs141Quietly(name: String, command: String, large: Bool) throws {
        let scratch = Scratch()
        let run = try sh("""
            export S=\(scratch.path)
            set -o pipefail
            run() { \(command); }
            run | head -c 1 > /dev/null; echo "status=$?"
            """, in: Self.fixture)
        #expect(run.stdout == "status=141\n", "\(name): \(run.stdout)\(run.stderr)")
        #expect(run.stderr.isEmpty, "\(name): quiet, but said: \(run.stderr)")
    }

    /// Started with standard output closed, bale must not write its output
    /// into the first file it opens (which would get descriptor 1): every
    /// write fails, and that is said.
    @Test func aClosedStandardOutputIsAnError() throws {
        let run = try sh("""
            "$BALE" list a.tgz >&-; echo "list status=$?" >&2
            "$BALE" gunzip -p 1 -c big.gz >&-; echo "gunzip status=$?" >&2
            """, in: Self.fixture)
        #expect(run.stderr == """
            bale: stdout: write error: Bad file descriptor
            list status=1
            bale: stdout: write error: Bad file descriptor
            gunzip status=1

            """)
    }

    /// `--json-file` to a device that refuses every write: an error, and
    /// the device is still a device (as root, renaming a temporary file
    /// over it would have replaced it with a regular file holding the JSON).
    @Test func aJsonFileThatCannotBeWrittenIsAnError() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            if [ "$(id -u)" = 0 ]; then mknod full c 1 7; else ln -s /dev/full full; fi
            "$BALE" list "\(Self.fixture)/a.tgz" --json-file full > /dev/null; echo "status=$?"
            [ -c full ] && echo "still a device"
            mkfifo fifo; cat fifo > got & "$BALE" verify "\(Self.fixture)/a.tgz" --json-file fifo > /dev/null; wait
            grep -q '"command": "verify"' got && [ -p fifo ] && echo "a FIFO gets the JSON and stays a FIFO"
            """)
        #expect(run.stdout == "status=1\nstill a device\na FIFO gets the JSON and stays a FIFO\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("bale: full: write error: No space left on device (the JSON summary)"), "\(run.stderr)")
    }
}
