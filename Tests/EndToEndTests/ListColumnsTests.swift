import Foundation
import Testing

/// `bale list` prints what `tar -tv` (GNU tar) prints, byte for byte,
/// columns included: a device's numbers (`1,3`) where a file's size goes,
/// and the owner and size columns as wide as tar makes them (19 at first,
/// widened by a long owner for the lines after it). Both listings: from
/// bale's index, and from the stream of an archive without one.
@Suite struct ListColumnsTests {
    @Test(.enabled(if: Machine.isRoot, "needs root to make devices and give a file a 10-digit owner"))
    func listingIsTarsByteForByte() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir t; echo a > t/a; echo b > t/b; echo c > t/c
            chown 4000000000:4000000000 t/b
            mknod t/null c 1 3; mknod t/loop b 7 200
            touch -d '2026-01-02 03:04:05' t t/*
            "$BALE" pack -o own.tar.gz t; echo "pack: status $?"
            tar -czf gnu.tar.gz t
            "$BALE" list own.tar.gz > own.list; echo "list: status $?"
            tar -tvzf own.tar.gz | cmp - own.list && echo "from the index: tar -tv's bytes"
            "$BALE" list gnu.tar.gz > gnu.list
            tar -tvzf gnu.tar.gz | cmp - gnu.list && echo "from the stream: tar -tv's bytes"
            grep -c ' 1,3 2026-01-02 03:04 t/null$' own.list
            grep -c ' 7,200 2026-01-02 03:04 t/loop$' own.list
            grep -c '^-rw-r--r-- 4000000000/4000000000 2 ' own.list
            """#)
        #expect(run.stdout == """
            pack: status 0
            list: status 0
            from the index: tar -tv's bytes
            from the stream: tar -tv's bytes
            1
            1
            1

            """, "\(run.stdout)\(run.stderr)")
    }
}
