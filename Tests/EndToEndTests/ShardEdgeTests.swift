import Foundation
import Testing

/// `--shard K/N` at its edges: K and N are decimal digits alone (a sign,
/// `+1/3`, which `Int` took, is a usage error now, exit 64, nothing
/// written), and the parts cover a tree of odd members exactly once:
/// names that are not UTF-8, empty files, empty directories, a hard link,
/// and (for `sum`, as sha256sum) a path given twice, listed twice in one
/// part.
@Suite struct ShardEdgeTests {
    @Test func aSignedPartIsAUsageError() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir t && echo x > t/f
            for shard in +1/3 1/+3 -1/3 ' 1/3' 1/3/3 0/3 4/3; do
                "$BALE" sum --shard "$shard" t > out 2> err; a=$?
                "$BALE" pack --shard "$shard" t -o t.tar.gz 2> err; b=$?
                "$BALE" gzip -r -k --shard "$shard" t 2> err; c=$?
                echo "$shard: $a $b $c $(wc -c < out)"
            done
            ls t; ls t.tar.gz 2> /dev/null
            """#)
        #expect(run.stdout == """
            +1/3: 64 64 64 0
            1/+3: 64 64 64 0
            -1/3: 64 64 64 0
             1/3: 64 64 64 0
            1/3/3: 64 64 64 0
            0/3: 64 64 64 0
            4/3: 64 64 64 0
            f

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test func oddMembersAreInExactlyOnePart() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir -p t/empty/deeper t/d && for i in $(seq 1 20); do echo $i > t/d/f$i; done
            : > t/zero && : > t/d/zero2 && printf a > t/$'\xff\xfe' && printf b > t/d/$'caf\xe9' && ln t/d/f1 t/hard
            n=3
            for k in 1 2 3; do "$BALE" sum --shard $k/$n t t/d/f2 || echo "sum $k failed"; done | LC_ALL=C sort > parts
            sha256sum $(find t -type f | LC_ALL=C sort) t/d/f2 | LC_ALL=C sort | cmp - parts && echo "sum: each once, t/d/f2 twice"
            mkdir x && for k in 1 2 3; do
                "$BALE" pack --shard $k/$n t -o p$k.tar.gz || echo "pack $k failed"
                "$BALE" unpack p$k.tar.gz -C x || echo "unpack $k failed"
            done
            diff -r t x/t && [ "$(stat -c %h x/t/hard)" = 2 ] && echo "pack: the parts unpack into the tree, the link a link"
            for k in 1 2 3; do tar -tzf p$k.tar.gz | grep -v '/$'; done | LC_ALL=C sort | uniq -d | grep -c . || true
            """#)
        #expect(run.stdout == """
            sum: each once, t/d/f2 twice
            pack: the parts unpack into the tree, the link a link
            0

            """, "\(run.stdout)\(run.stderr)")
    }
}
