import Foundation
import Testing

/// `--shard K/N`: for N = 1, 3 and 7, the parts 1 … N of a tree together
/// hold every file exactly once, in pack, gzip -r and sum.
@Suite struct ShardTests {
    @Test(arguments: [1, 3, 7])
    func thePartsCoverTheTreeOnce(parts: Int) throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p t/a/b t/c && for i in $(seq 1 60); do seq 1 $i > t/a/f$i; seq 2 $i > t/c/g$i; done
            seq 1 9 > t/a/b/deep && ln t/a/f1 t/c/hard && ln -s f2 t/a/link
            (cd t && find . ! -type d | sed 's|^\\./||' | sort) > all
            n=\(parts)
            for k in $(seq 1 $n); do
                "$BALE" pack --shard $k/$n t -o part$k.tar.gz || echo "pack $k failed"
                tar -tzf part$k.tar.gz | grep -v '/$' | sed 's|^t/||'
            done | sort > packed
            for k in $(seq 1 $n); do
                "$BALE" gzip -r -k --shard $k/$n --out-dir out$k t 2> /dev/null  # warns of the link: exit 2
                [ $? -le 2 ] || echo "gzip $k failed"
                (cd out$k/t && find . -type f | sed 's|^\\./||; s|\\.gz$||')
            done | sort > compressed
            for k in $(seq 1 $n); do "$BALE" sum --shard $k/$n t || echo "sum $k failed"; done | sort > summed
            "$BALE" sum t | sort > whole
            cmp packed all && echo "pack: every entry once"
            grep -v link all | cmp - compressed && echo "gzip -r: every file once"  # links are not followed
            cmp summed whole && echo "sum: every file once"
            mkdir x && for k in $(seq 1 $n); do "$BALE" unpack part$k.tar.gz -C x; done && diff -r t x/t && echo "the parts unpack to the tree"
            """)
        #expect(run.stdout == """
            pack: every entry once
            gzip -r: every file once
            sum: every file once
            the parts unpack to the tree

            """, "\(run.stdout)\(run.stderr)")
    }
}
