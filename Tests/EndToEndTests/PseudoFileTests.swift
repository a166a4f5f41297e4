import Testing

/// Files of /proc and /sys are regular files that say they are empty
/// (st_size 0) and yet hold data: their size is known only once they are
/// read. GNU gzip reads them to their end; so must bale, or `bale gzip -c
/// /proc/…` writes an empty member and the data is lost.
@Suite struct PseudoFileTests {
    @Test(.enabled(if: Machine.hasPseudoFiles, "no /proc/version that says it is empty and holds data"))
    func aFileThatSaysItIsEmptyIsReadToItsEnd() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            stat -c 'st_size=%s' /proc/version
            cat /proc/version > expected
            "$BALE" gzip -c /proc/version > named.gz; echo "named status=$?"
            "$BALE" gzip -c < /proc/version > redirected.gz; echo "redirected status=$?"
            gzip -dc named.gz | cmp - expected && echo "named: whole"
            gzip -dc redirected.gz | cmp - expected && echo "redirected: whole"
            : > empty
            "$BALE" gzip -c empty > empty.gz; echo "empty status=$?"
            gzip -dc empty.gz | wc -c
            """)
        #expect(run.stdout == """
            st_size=0
            named status=0
            redirected status=0
            named: whole
            redirected: whole
            empty status=0
            0

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == "", "\(run.stderr)")
    }
}
