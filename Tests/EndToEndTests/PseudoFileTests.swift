import Foundation
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

    /// `sum` of files of /proc gives sha256sum's lines, exit 0: the
    /// bytes read past the size they say (0) are no truncation. bale said
    /// "file changed as we read it" of each, exit 1 (a probe helper), and
    /// `sum -c` of sha256sum's manifest "FAILED open or read".
    @Test(.enabled(if: Machine.hasPseudoFiles, "no /proc/version that says it is empty and holds data"))
    func sumOfAFileThatSaysItIsEmptyIsItsDigest() throws {
        let run = try Scratch().run("""
            sha256sum /proc/version /proc/sys/kernel/ostype > expected
            "$BALE" sum /proc/version /proc/sys/kernel/ostype > got; echo "sum status=$?"
            cmp got expected && echo "as sha256sum"
            "$BALE" sum -c expected; echo "check status=$?"
            """)
        #expect(run.stdout == """
            sum status=0
            as sha256sum
            /proc/version: OK
            /proc/sys/kernel/ostype: OK
            check status=0

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A file of /sys says 4,096 bytes and holds a line: read by its
    /// size, it "changed as we read it" and `bale gzip` failed, even of
    /// standard input, where gzip and pigz compress what it holds.
    @Test(.enabled(if: FileManager.default.isReadableFile(atPath: "/sys/class/net/lo/mtu"),
                   "no /sys/class/net/lo/mtu to read"))
    func aFileOfSysIsReadToItsEnd() throws {
        let run = try Scratch().run("""
            f=/sys/class/net/lo/mtu
            cat $f > expected; stat -c %s $f
            "$BALE" gzip -c $f > named.gz; echo "named status=$?"
            "$BALE" gzip -c < $f > redirected.gz; echo "redirected status=$?"
            gzip -dc named.gz | cmp - expected && echo "named: whole"
            gzip -dc redirected.gz | cmp - expected && echo "redirected: whole"
            """)
        #expect(run.stdout == """
            4096
            named status=0
            redirected status=0
            named: whole
            redirected: whole

            """, "\(run.stdout)\(run.stderr)")
    }
}
