import Foundation
import Testing

/// `bale sum -c` is read as `sha256sum -c` is: `-c` is a flag and the
/// paths are the manifests, so several are checked one after another
/// (each with its own lines and WARNING lines; one missing or holding no
/// well-formed line is named and the next one checked), none means
/// standard input, and options may come after `-c` (`-c --quiet m`).
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
            """#)
        #expect(run.stdout == """
            -c ab.sha256 c.sha256: same, status 1
            -c c.sha256 missing.sha256 empty.sha256 ab.sha256 mixed.sha256: same, status 1
            -c --quiet abc.sha256 c.sha256: same, status 1
            --quiet -c c.sha256 ab.sha256: same, status 1
            -c: same, status 1
            -c - ab.sha256: same, status 1

            """, "\(run.stdout)\(run.stderr)")
    }
}
