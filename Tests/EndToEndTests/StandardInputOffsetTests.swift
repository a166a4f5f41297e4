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
}
