import Testing

/// bale's copy of libdeflate's compressor (Sources/CDeflate) stores a
/// block whose Huffman coding would save less than 1.5% of its size, as
/// zlib does, where libdeflate as released codes it: such data (a .gz
/// inside a tar) then inflates at memcpy speed. Data that does compress
/// by more is still coded.
@Suite struct StoredBlockTests {
    @Test func dataThatHardlyCompressesIsStoredAndTheRestIsCoded() throws {
        let scratch = Scratch()
        // 1 MiB of bytes from a seeded generator, the first 64 values more
        // likely than the rest: by a weight of 2.2, Huffman coding would
        // save ~0.5% (libdeflate as released codes it); by 3.0, ~2%.
        let run = try scratch.run("""
            skewed() {
                python3 -c "import random, sys; r = random.Random(18); w = [$1 if i < 64 else 1.0 for i in range(256)]; sys.stdout.buffer.write(bytes(r.choices(range(256), weights=w, k=1 << 20)))" > "$2"
            }
            skewed 2.2 hardly && skewed 3.0 more
            for f in hardly more; do
                for level in 2 6 9 12; do
                    "$BALE" gzip -$level -c $f > $f.gz || echo "$f -$level: status $?"
                    gzip -dc $f.gz | cmp - $f || echo "$f -$level: not the input"
                    if [ $(wc -c < $f.gz) -gt $(wc -c < $f) ]; then echo "$f -$level: stored"; else echo "$f -$level: coded"; fi
                done
            done
            """)
        #expect(run.stdout == """
            hardly -2: stored
            hardly -6: stored
            hardly -9: stored
            hardly -12: stored
            more -2: coded
            more -6: coded
            more -9: coded
            more -12: coded

            """, "\(run.stdout)\(run.stderr)")
    }
}
