import Testing

/// Standard output that is the input's own file is refused, as cat
/// refuses it ("input file is output file"), exit 1, the file untouched:
/// `gzip -c f >> f` wrote into the file being read (exit 2, a warning
/// that it changed as it was read: f then held itself and its own
/// compression), and `gzip -c 0<>f 1>&0` replaced f's bytes with their
/// compression, exit 0 (a probe helper). GNU gzip grows such a file for
/// ever. `-t` writes nothing, and reads it as any input. As cat, only
/// an input with bytes left to read is refused: an empty file, or
/// standard input read to its end, gives nothing to overwrite (a probe
/// helper found both refused); the empty file then warns that it changed
/// as it was read (its own output, exit 2), its output the empty gzip.
@Suite struct OutputIsInputTests {
    @Test func standardOutputOntoTheInputIsRefused() throws {
        let run = try Scratch().run(#"""
            head -c 3000000 /dev/urandom > f && cp f keep && gzip -k f && cp f.gz keep.gz
            "$BALE" gzip -c f >> f 2> err; echo "gzip -c f >> f: $? $(cat err)"
            "$BALE" gzip -c 0<> f 1>&0 2> err; echo "0<>f 1>&0: $? $(cat err)"
            cp f g && "$BALE" gzip -c keep g >> g 2> err; echo "two inputs: $? $(cat err)"
            "$BALE" gunzip -c f.gz >> f.gz 2> err; echo "gunzip -c: $? $(cat err)"
            cmp f keep && cmp f.gz keep.gz && echo "both untouched"
            head -c 3000000 g | cmp - keep && tail -c +3000001 g | gzip -dc | cmp - keep && echo "two inputs: g kept, keep's data written"
            "$BALE" gzip -t f.gz >> f.gz; echo "gzip -t: $?"
            : > e && "$BALE" gzip -c e >> e; echo "empty: $? $(gzip -dc < e | wc -c)"
            cp keep s && { cat > /dev/null; "$BALE" gzip -c; } < s >> s; echo "read to its end: $?"
            """#)
        #expect(run.stdout == """
            gzip -c f >> f: 1 bale: f: input file is output file
            0<>f 1>&0: 1 bale: stdin: input file is output file
            two inputs: 1 bale: g: input file is output file
            gunzip -c: 1 bale: f.gz: input file is output file
            both untouched
            two inputs: g kept, keep's data written
            gzip -t: 0
            empty: 2 0
            read to its end: 0

            """, "\(run.stdout)\(run.stderr)")
    }
}
