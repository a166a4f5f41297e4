import Foundation
import Testing

/// `bale sum -c` is read as `sha256sum -c` is: `-c` is a flag and the
/// paths are the manifests, so several are checked one after another
/// (each with its own lines and WARNING lines; one missing or holding no
/// well-formed line is named and the next one checked), none means
/// standard input, and options may come after `-c` (`-c --quiet m`);
/// the line form the first manifest decided holds for the next ones.
/// sha256sum judges: the same standard output, standard error (its name
/// for bale's) and exit status. Before, `-c` took the manifest as its
/// value: `sum -c a b` and `sum -c --quiet m` were usage errors (64) and
/// `sum -c < m` asked for a value.
@Suite struct SumManifestsTests {
    @Test func manifestsAreCheckedAsSha256sumChecksThem() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            echo one > a && echo two > b && echo three > c
            sha256sum a b > ab.sha256 && sha256sum c > c.sha256 && : > empty.sha256
            { echo 'not a line'; sha256sum c; } > mixed.sha256
            sha256sum a b c > abc.sha256 && echo changed > b
            compare() {  # compare STDIN ARGS...: sha256sum and bale on the same command line
                local input=$1; shift
                sha256sum "$@" < $input > s.out 2> s.err; s=$?
                "$BALE" sum "$@" < $input > b.out 2> b.err; b=$?
                sed -i 's/^sha256sum: /bale: /' s.err
                if cmp -s s.out b.out && cmp -s s.err b.err && [ $s = $b ]; then echo "$*: same, status $b"
                else echo "$*: differs ($s, $b)"; diff s.out b.out; diff s.err b.err; fi
            }
            compare /dev/null -c ab.sha256 c.sha256
            compare /dev/null -c c.sha256 missing.sha256 empty.sha256 ab.sha256 mixed.sha256
            compare /dev/null -c --quiet abc.sha256 c.sha256
            compare /dev/null --quiet -c c.sha256 ab.sha256
            compare abc.sha256 -c
            compare c.sha256 -c - ab.sha256
            # The form of the first line that tells (HEX  NAME, or md5 -r's HEX NAME) holds for
            # every manifest of the run, as sha256sum's bsd_reversed: here 'HEX a' is malformed.
            { sha256sum a | sed 's/  / /'; sha256sum a; } > reversed.sha256
            compare /dev/null -c ab.sha256 reversed.sha256
            """#)
        #expect(run.stdout == """
            -c ab.sha256 c.sha256: same, status 1
            -c c.sha256 missing.sha256 empty.sha256 ab.sha256 mixed.sha256: same, status 1
            -c --quiet abc.sha256 c.sha256: same, status 1
            --quiet -c c.sha256 ab.sha256: same, status 1
            -c: same, status 1
            -c - ab.sha256: same, status 1
            -c ab.sha256 reversed.sha256: same, status 1

            """, "\(run.stdout)\(run.stderr)")
    }

    /// sha256sum's other ways of checking: `--status` (nothing printed but
    /// a file that cannot be opened, the exit status), `--warn`/`-w` (each
    /// malformed line named by its number, also in a manifest with no
    /// well-formed line), `--strict` (malformed lines fail), and
    /// `--ignore-missing` (missing files passed over; a manifest with no
    /// file verified fails, named); the last of --quiet, --status and
    /// --warn counts. Before, each was an unknown option (64). A line
    /// naming no file (`SHA256 () = ...`) is a missing file, as sha256sum
    /// has it (bale said "Bad file descriptor", and --ignore-missing failed).
    @Test func checkingOptionsActAsSha256sums() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            echo one > a && echo two > b
            sha256sum a b > ab.sha256 && echo changed > b
            { sha256sum a; echo 'not a line'; echo; sha256sum a | sed 's/a$/gone/'; } > mixed.sha256
            sha256sum a | sed 's/a$/gone/' > gone.sha256 && echo 'garbage' > bad.sha256
            compare() {
                sha256sum "$@" > s.out 2> s.err; s=$?
                "$BALE" sum "$@" > b.out 2> b.err; b=$?
                sed -i 's/^sha256sum: /bale: /' s.err
                if cmp -s s.out b.out && cmp -s s.err b.err && [ $s = $b ]; then echo "$*: same, status $b"
                else echo "$*: differs ($s, $b)"; diff s.out b.out; diff s.err b.err; fi
            }
            compare -c --status ab.sha256 mixed.sha256
            compare -c --status mixed.sha256
            compare -c -w mixed.sha256 bad.sha256
            compare -c --warn --quiet mixed.sha256
            compare -c --strict mixed.sha256
            compare -c --strict --status mixed.sha256
            compare -c --ignore-missing mixed.sha256 gone.sha256
            compare -c --ignore-missing --status gone.sha256
            compare -c --ignore-missing --quiet ab.sha256
            compare -c --ignore-missing -w mixed.sha256
            # A line naming no file: "No such file or directory", passed over by --ignore-missing.
            printf 'SHA256 () = %s\n' "$(sha256sum < a | cut -c1-64)" > empty-name.sha256 && sha256sum a >> empty-name.sha256
            compare -c --ignore-missing empty-name.sha256
            compare -c empty-name.sha256
            """#)
        #expect(run.stdout == """
            -c --status ab.sha256 mixed.sha256: same, status 1
            -c --status mixed.sha256: same, status 1
            -c -w mixed.sha256 bad.sha256: same, status 1
            -c --warn --quiet mixed.sha256: same, status 1
            -c --strict mixed.sha256: same, status 1
            -c --strict --status mixed.sha256: same, status 1
            -c --ignore-missing mixed.sha256 gone.sha256: same, status 1
            -c --ignore-missing --status gone.sha256: same, status 1
            -c --ignore-missing --quiet ab.sha256: same, status 1
            -c --ignore-missing -w mixed.sha256: same, status 0
            -c --ignore-missing empty-name.sha256: same, status 0
            -c empty-name.sha256: same, status 1

            """, "\(run.stdout)\(run.stderr)")
    }
    /// Standard output and error in one file (`2>&1`, a cron job's log):
    /// the lines come in sha256sum's order, each warning of `--warn` where
    /// its malformed line stands among the results, each file that cannot
    /// be read named just before its FAILED line (sha256sum's messages
    /// flush its output first), and without -c a name given that is not
    /// there named between the lines of the files around it. bale printed
    /// every warning before the first result, a batch's results after its
    /// errors, and a missing name before every line.
    @Test func messagesKeepSha256sumsOrderInOneFile() throws {
        let run = try Scratch().run(#"""
            echo one > a && echo two > b && echo three > c
            { sha256sum a; echo 'not a line'; sha256sum b | sed 's/b$/gone/'; sha256sum c; echo 'bad again'; sha256sum b; echo tail; } > m.sha256
            merged() {
                sha256sum "$@" > s.out 2>&1; s=$?
                "$BALE" sum "$@" > b.out 2>&1; b=$?
                sed -i 's/^sha256sum: /bale: /' s.out
                if cmp -s s.out b.out && [ $s = $b ]; then echo "$*: same, status $b"
                else echo "$*: differs ($s, $b)"; diff s.out b.out; fi
            }
            merged -c -w m.sha256
            merged -c m.sha256
            merged -c --ignore-missing -w m.sha256
            merged -c -w --quiet m.sha256 m.sha256
            ln -s loop2 loop1 && ln -s loop1 loop2
            merged a gone b loop1 c
            """#)
        #expect(run.stdout == """
            -c -w m.sha256: same, status 1
            -c m.sha256: same, status 1
            -c --ignore-missing -w m.sha256: same, status 0
            -c -w --quiet m.sha256 m.sha256: same, status 1
            a gone b loop1 c: same, status 1

            """, "\(run.stdout)\(run.stderr)")
    }
}
