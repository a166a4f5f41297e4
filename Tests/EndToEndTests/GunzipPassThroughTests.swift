import Foundation
import Testing

/// `gunzip -cf` (gzip's `zcat -f`): an input that is not gzip is copied to
/// standard output as it is, so one command reads a mix of compressed and
/// plain files, from files and pipes, small and large (the parallel path).
/// Without -c, or without -f, such an input is still an error.
@Suite struct GunzipPassThroughTests {
    @Test func plainInputsAreCopiedWithForceToStandardOutput() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            seq 1 3 > plain && seq 4 6 | gzip > small.gz && : > empty
            head -c 5000000 "$FIXTURES/mixed" > big && "$BALE" gzip -k big && gzip -c big > gnu.gz
            printf '\037' > onebyte
            for tool in gzip "$BALE gzip"; do
                $tool -dcf plain small.gz empty onebyte plain > "out.$(basename ${tool%% *})"; echo "files=$?"
            done
            cmp out.gzip out.bale && echo "same bytes as gzip -dcf"
            cat plain | "$BALE" gunzip -cf | cmp - plain && echo "plain from a pipe"
            cat big | "$BALE" gunzip -cf | cmp - big && echo "large plain from a pipe"
            "$BALE" gunzip -cf < big | cmp - big && echo "large plain file"
            cat big.gz | "$BALE" gunzip -cf | cmp - big && echo "bale's gzip from a pipe"
            cat gnu.gz | "$BALE" gunzip -cf | cmp - big && echo "gzip's from a pipe"
            "$BALE" gunzip -cf big.gz | cmp - big && echo "bale's gzip file"
            "$BALE" gunzip -c plain; echo "without -f=$?"
            cp plain plain.gz; "$BALE" gunzip -f plain.gz; echo "without -c=$?"
            "$BALE" gunzip -cf plain > /dev/full; echo "full=$?"
            """#)
        #expect(run.stdout == """
            files=0
            files=0
            same bytes as gzip -dcf
            plain from a pipe
            large plain from a pipe
            large plain file
            bale's gzip from a pipe
            gzip's from a pipe
            bale's gzip file
            without -f=1
            without -c=1
            full=1

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == """
            bale: plain: not in gzip format
            bale: plain.gz: not in gzip format
            bale: stdout: write error: No space left on device

            """, "\(run.stderr)")
    }

    /// Standard input goes to standard output without -c, and gzip then
    /// passes plain bytes with -f (`curl … | gunzip -f`): bale failed, "not
    /// in gzip format" (exit 1, nothing written), took empty input for a
    /// cut member, and dropped plain bytes after a member (exit 2). `-o
    /// FILE`, bale's `-c > FILE`, passes them too; an output in place
    /// still refuses them, as gzip's.
    @Test func standardInputPassesPlainBytesWithForceAlone() throws {
        let run = try Scratch().run(#"""
            seq 1 3 > plain && head -c 3000000 "$FIXTURES/mixed" > big
            for tool in gzip "$BALE gunzip"; do
                name=$(basename ${tool%% *})
                $tool -df < plain > "p.$name"; echo "$name plain: $?"
                printf '' | $tool -df > "e.$name"; echo "$name empty: $?"
                { echo hi | gzip; echo tail; } | $tool -df > "t.$name"; echo "$name member then plain: $?"
                $tool -df < big > "b.$name"; echo "$name large: $?"
            done
            for f in p e t b; do cmp "$f.gzip" "$f.bale" || echo "$f differs"; done
            "$BALE" gunzip -f -o out plain; echo "-o: $?"; cmp out plain && echo "-o copied"
            cp plain plain.gz; "$BALE" gunzip -f plain.gz 2> /dev/null; echo "in place: $?"
            """#)
        #expect(run.stdout == """
            gzip plain: 0
            gzip empty: 0
            gzip member then plain: 0
            gzip large: 0
            bale plain: 0
            bale empty: 0
            bale member then plain: 0
            bale large: 0
            -o: 0
            -o copied
            in place: 1

            """, "\(run.stdout)\(run.stderr)")
    }
}
