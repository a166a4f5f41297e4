import Foundation
import Testing

/// `sum -b`, `-t`, `--tag`, `-z`: sha256sum's line layouts, byte for byte,
/// for names it escapes (a backslash, a newline) and for standard input;
/// the manifests they make are checked by `sum -c` and by sha256sum -c;
/// with -c they are refused in sha256sum's words.
@Suite struct SumLineStyleTests {
    @Test(.enabled(if: Machine.has("sha256sum"), "needs sha256sum"))
    func linesAreLaidOutAsSha256sumLaysThemOut() throws {
        let run = try Scratch().run(#"""
            mkdir d && printf 'x' > 'd/a\b' && printf 'y' > "$(printf 'd/n\nl')" && seq 1000 > d/plain
            names() { printf '%s\0' d/a\\b "$(printf 'd/n\nl')" d/plain; }
            for style in "" -b -t "-b -t" "-t -b" --tag "--tag -b" -z "--tag -z" "-b -z"; do
                names | xargs -0 sha256sum $style > want
                "$BALE" sum $style d > got; status=$?
                cmp -s want got && echo "$style: $status same" || { echo "$style: $status differs"; od -c got | head -5; }
            done
            echo hi | sha256sum -b > want; echo hi | "$BALE" sum -b > got; cmp -s want got && echo "stdin -b: same"
            "$BALE" sum --tag d > tagged && "$BALE" sum -c tagged > got; echo "bale -c: $?"
            sha256sum -c tagged > want && cmp want got && echo "sha256sum -c: same lines"
            "$BALE" sum -b d > marked && sha256sum -c marked > /dev/null && echo "sha256sum -c -b's: ok"
            for style in -b -t --tag -z; do "$BALE" sum -c $style marked 2>&1 | head -n 1; done
            # As sha256sum: --tag refuses text mode given after it, not before.
            "$BALE" sum --tag -t d/plain 2>&1 | head -n 1; "$BALE" sum -t --tag d/plain | cut -c 1-16
            "$BALE" sum --tag --json-file -t.json d/plain | cut -c 1-16
            """#)
        #expect(run.stdout == #"""
            : 0 same
            -b: 0 same
            -t: 0 same
            -b -t: 0 same
            -t -b: 0 same
            --tag: 0 same
            --tag -b: 0 same
            -z: 0 same
            --tag -z: 0 same
            -b -z: 0 same
            stdin -b: same
            bale -c: 0
            sha256sum -c: same lines
            sha256sum -c -b's: ok
            Error: the --binary and --text options are meaningless when verifying checksums
            Error: the --binary and --text options are meaningless when verifying checksums
            Error: the --tag option is meaningless when verifying checksums
            Error: the --zero option is not supported when verifying checksums
            Error: --tag does not support --text mode
            SHA256 (d/plain)
            SHA256 (d/plain)

            """#, "\(run.stdout)\(run.stderr)")
    }
    /// A manifest written with `-z` (each line ends in a NUL, none in a
    /// newline) read back by `-c`, as sha256sum reads it: a line is a C
    /// string to it, so a single `--tag -z` or `-z` line checks (bale said
    /// "no properly formatted checksum lines"), and two `--tag -z` lines
    /// are one line whose last ')' gives its name, which is not found.
    @Test(.enabled(if: Machine.has("sha256sum"), "needs sha256sum"))
    func manifestsWrittenWithZAreReadAsSha256sumReadsThem() throws {
        let run = try Scratch().run(#"""
            echo hi > f && echo ho > g
            sha256sum --tag -z f > tagged; sha256sum -z f > plain; sha256sum --tag -z f g > two
            { sha256sum --tag f | tr -d '\n'; printf '\0junk\n'; } > junk
            for m in tagged plain two junk; do
                sha256sum -c $m > want 2>&1; s=$?; "$BALE" sum -c $m 2>&1 | sed 's/^bale:/sha256sum:/' > got
                echo "$m: $s ${PIPESTATUS[0]}"; cmp -s want got && echo same
            done
            """#)
        #expect(run.stdout == """
            tagged: 0 0
            same
            plain: 0 0
            same
            two: 1 1
            same
            junk: 0 0
            same

            """, "\(run.stdout)\(run.stderr)")
    }
}
