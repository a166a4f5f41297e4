import Foundation
import Testing

/// `gunzip -cf` (zcat -f) and `gzip -tf` where the input is gzip and then
/// not: GNU gzip 1.12 copies whatever follows the last member as it is
/// (zeros and later members too) and exits 0, and `gzip -tf` (its -t
/// writes to standard output) passes a plain file. GNU gzip is the judge,
/// byte for byte, for small files (the streaming decoder) and for a bale
/// file large enough to be inflated on the workers.
@Suite struct ZcatForceTests {
    @Test func bytesAfterTheLastMemberAreCopiedAsGzipCopiesThem() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            seq 1 5 | gzip > a.gz; printf 'plain tail\n' > tail; head -c 20 /dev/zero > zeros; printf '\037' > one
            tail -c 3000000 "$FIXTURES/mixed" > big && "$BALE" gzip -k big  # random: over 1 MiB of gzip, inflated on the workers
            cat a.gz tail > tail.gz; cat a.gz zeros tail > zeros-tail.gz; cat a.gz tail a.gz > tail-member.gz
            cat a.gz one > one.gz; cat big.gz tail > big-tail.gz
            for f in tail.gz zeros-tail.gz tail-member.gz one.gz big-tail.gz; do
                gzip -cdf $f > gnu 2> gnu.err; g=$?
                "$BALE" gunzip -cf $f > file 2> file.err; b=$?
                "$BALE" gunzip -cf < $f > pipe 2> pipe.err; p=$?
                cmp -s gnu file && cmp -s gnu pipe && same=same || same=differ
                echo "$f: gzip $g, bale $b, pipe $p, $same, messages: $(cat gnu.err file.err pipe.err | wc -c)"
            done
            "$BALE" gunzip -c tail.gz > /dev/null; echo "without -f: $?"
            """#)
        #expect(run.stdout == """
            tail.gz: gzip 0, bale 0, pipe 0, same, messages: 0
            zeros-tail.gz: gzip 0, bale 0, pipe 0, same, messages: 0
            tail-member.gz: gzip 0, bale 0, pipe 0, same, messages: 0
            one.gz: gzip 0, bale 0, pipe 0, same, messages: 0
            big-tail.gz: gzip 0, bale 0, pipe 0, same, messages: 0
            without -f: 2

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == "bale: tail.gz: decompression OK, trailing garbage ignored\n")
    }

    @Test func testWithForcePassesPlainInputAsGzipDoes() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            printf 'not gzip\n' > plain; seq 1 5 | gzip > a.gz; cat a.gz plain > mix.gz
            for f in plain mix.gz; do
                gzip -tf $f 2> gnu.err; g=$?
                "$BALE" gzip -tf $f 2> bale.err; b=$?
                "$BALE" gzip -tf < $f 2>> bale.err; p=$?
                echo "$f: gzip $g, bale $b, pipe $p, messages: $(cat gnu.err bale.err | wc -c)"
            done
            "$BALE" gzip -tvf plain 2>&1
            "$BALE" gzip -t plain; echo "without -f: $?"
            """#)
        #expect(run.stdout == """
            plain: gzip 0, bale 0, pipe 0, messages: 0
            mix.gz: gzip 0, bale 0, pipe 0, messages: 0
            plain:\t OK
            without -f: 1

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == "bale: plain: not in gzip format\n")
    }
}
