import Foundation
import Testing

/// Standard input that is a regular file a caller has already read part
/// of (`{ read -r header; bale gzip; } < file`: bash's read leaves the
/// offset just after the line): gzip and gunzip take what is left, from
/// where the offset stands. bale read such a file in place from byte 0:
/// `gzip` compressed the part already read too, `gunzip` of a large file
/// said "not in gzip format".
@Suite struct StandardInputOffsetTests {
    @Test func whatIsLeftOfStandardInputIsTaken() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            { echo header; seq 1 300000; } > data && tail -n +2 data > body
            { read -r line; "$BALE" gzip -c; } < data > body.gz; echo "gzip=$?"
            gzip -dc body.gz | cmp - body && echo "gzip took the rest"
            head -c 8000000 "$FIXTURES/mixed" > big && "$BALE" gzip -c big > big.gz
            for f in big.gz body.gz; do
                { echo header; cat $f; } > with-header
                { read -r line; "$BALE" gunzip -c; } < with-header > out; echo "gunzip $f=$?"
                gzip -dc $f | cmp - out && echo "gunzip took the rest of $f"
            done
            """#)
        #expect(run.stdout == """
            gzip=0
            gzip took the rest
            gunzip big.gz=0
            gunzip took the rest of big.gz
            gunzip body.gz=0
            gunzip took the rest of body.gz

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `gunzip -l` too lists what is left: it sniffed and sized the file
    /// from byte 0 ("stdin: not in gzip format" after a line of text; the
    /// sizes of both members when the offset stood on the second). gzip
    /// -l, reading the same descriptor, is the judge.
    @Test func listingTakesWhatIsLeftOfStandardInput() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            seq 1 1000 > a && "$BALE" gzip -c a > a.gz && gzip -nc "$FIXTURES/mixed" > b.gz
            { echo header; gzip -nc a; } > with-header
            cat a.gz b.gz > two
            { read -r line; "$BALE" gunzip -l; } < with-header > bale.out; echo "after a line=$?"
            { read -r line; gzip -l; } < with-header | cmp - bale.out && echo "after a line as gzip"
            # The offset on the second member: past a.gz's bytes.
            skip() { dd bs=1 skip=$(stat -c %s a.gz) count=0 status=none; }
            { skip; "$BALE" gunzip -l; } < two > bale.out; echo "second member=$?"
            { skip; gzip -l; } < two | cmp - bale.out && echo "second member as gzip"
            """#)
        #expect(run.stdout == """
            after a line=0
            after a line as gzip
            second member=0
            second member as gzip

            """, "\(run.stdout)\(run.stderr)")
    }
}
