import Foundation
import Testing

/// `--shard K/N` at its edges: K and N are decimal digits alone (a sign,
/// `+1/3`, which `Int` took, is a usage error now, exit 64, nothing
/// written), and the parts cover a tree of odd members exactly once:
/// names that are not UTF-8, empty files, empty directories, a hard link,
/// and (for `sum`, as sha256sum) a path given twice, listed twice in one
/// part.
@Suite struct ShardEdgeTests {
    /// The parts of one `--shard` run over the same tree. At once: a part
    /// removed the temporary output of a file of the other part, found
    /// beside its input ("removed, left by an interrupted run"), and that
    /// part failed ("write error: No such file or directory"); strace holds
    /// part 1 at its first output's rename while part 2 runs. One after
    /// another, with the files named: a part with --remove-files (pack) or
    /// gzip -r removes its part's files, and the next part failed on them
    /// ("Cannot stat", "no archive written"). Now a part leaves alone what
    /// is another part's.
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func partsLeaveAloneWhatIsAnotherPartsTemporaryOrGoneFile() throws {
        let run = try Scratch().run(#"""
            mkdir t && for i in $(seq 1 12); do seq 1 2000 > t/f$i; done
            strace -f -qq -o /dev/null -e inject=rename,renameat,renameat2:delay_enter=2000000:when=1 \
                "$BALE" gzip -r --shard 1/2 t 2> err1 &
            for _ in $(seq 1 1500); do ls t/.*.gz.bale-* > /dev/null 2>&1 && break; sleep 0.02; done
            "$BALE" gzip -v -r --shard 2/2 t 2> err2; echo "part 2: $?"
            wait $!; echo "part 1: $?"
            grep -h 'interrupted run\|error' err1 err2
            echo "compressed: $(ls t | grep -c '\.gz$') of 12, left: $(ls t | grep -vc '\.gz$')"
            rm -rf t && mkdir t && for i in 1 2 3 4 5 6; do echo $i > t/f$i; done
            for k in 1 2; do "$BALE" gzip -r --shard $k/2 t/f1 t/f2 t/f3 t/f4 t/f5 t/f6; echo "gzip part $k: $?"; done
            rm -rf t && mkdir t && for i in 1 2 3 4 5 6; do echo $i > t/f$i; done
            for k in 1 2; do
                "$BALE" pack -q --remove-files --shard $k/2 t/f1 t/f2 t/f3 t/f4 t/f5 t/f6 -o p$k.tar.gz; echo "pack part $k: $?"
            done
            echo "archived: $(tar -tzf p1.tar.gz | wc -l) + $(tar -tzf p2.tar.gz | wc -l), left: $(ls t | wc -l)"
            """#)
        #expect(run.stdout == """
            part 2: 0
            part 1: 0
            compressed: 12 of 12, left: 0
            gzip part 1: 0
            gzip part 2: 0
            pack part 1: 0
            pack part 2: 0
            archived: 3 + 3, left: 0

            """, "\(run.stdout)\(run.stderr)")
    }

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

    /// A malformed part says what is wrong with it (the parser said only
    /// "The value '4/3' is invalid"): a batch script's mistyped variable
    /// gets its cause; a number too large is said so (it was "two numbers
    /// in decimal digits", which it was: a probe helper).
    @Test func aMalformedPartSaysWhy() throws {
        let run = try Scratch().run(#"""
            for shard in 4/3 1/0 x/3 1/9223372036854775808; do "$BALE" sum --shard "$shard" /dev/null 2>&1 | head -n 1; done
            """#)
        #expect(run.stdout == """
            Error: The value '4/3' is invalid for '--shard <K/N>': K, the part, is 1 to N (3), not 4
            Error: The value '1/0' is invalid for '--shard <K/N>': N, the number of parts, is at least 1
            Error: The value 'x/3' is invalid for '--shard <K/N>': K/N is two numbers in decimal digits, part K of N parts (1 ≤ K ≤ N)
            Error: The value '1/9223372036854775808' is invalid for '--shard <K/N>': K and N are at most 9223372036854775807

            """, "\(run.stdout)\(run.stderr)")
    }

    /// One part for every command, whatever spelling of the tree: `sum
    /// --shard 1/2 /srv/t` hashed the path as printed (`/srv/t/f`) while
    /// `gzip -r` and `pack` hashed `srv/t/f`, so one batch job that packed
    /// and summed a tree by an absolute path covered different files in
    /// each part; `pack d//t` hashed `d//t/f`. Each spelling, each
    /// command: the same files in part 1 (and the same for every relative
    /// spelling of the place, `../d/t` from below it too).
    @Test func everyCommandAndSpellingTakesTheSameFiles() throws {
        let run = try Scratch().run(#"""
            mkdir -p d/t && for i in $(seq 1 24); do echo $i > d/t/f$i; done; cp -a d keep; here=$PWD
            base() { sed 's,.*/,,; s,\.gz$,,' | LC_ALL=C sort | tr '\n' ' '; }
            mkdir sub; seen=""
            for spec in d/t "$here/d/t" ../d/t ./d//t/; do
                case $spec in ../*) cd sub;; esac
                s=$("$BALE" sum --shard 1/2 "$spec" | base)
                p=$("$BALE" pack --shard 1/2 "$spec" -o - 2> /dev/null | tar -tz | grep -v '/$' | base)
                "$BALE" gzip -r --shard 1/2 "$spec"; z=$(find "$spec" -name '*.gz' | base)
                cd "$here"; rm -rf d && cp -a keep d
                [ "$s" = "$p" ] && [ "$s" = "$z" ] || echo "$spec: sum $s, pack $p, gzip -r $z"
                # An absolute path's key holds the directories above d.
                case $spec in /*) ;; *) seen="$seen|$s";; esac
            done
            echo "$seen" | tr '|' '\n' | sed '/^$/d' | sort -u | wc -l
            """#)
        #expect(run.stdout == "1\n", "\(run.stdout)\(run.stderr)")
    }

    /// Names that differ only in even digits (`f20`, `f22`, ... `f88`):
    /// FNV-1a modulo 2 is the parity of the bytes' lowest bits, so all 25
    /// fell in one part of 2, and the other part of a batch job had
    /// nothing to do. Mixed, they spread: each part of 2 and of 4 takes
    /// some, and the parts together take each once.
    @Test func namesDifferingInEvenDigitsSpread() throws {
        let run = try Scratch().run(#"""
            mkdir t && for a in 2 4 6 8 0; do for b in 0 2 4 6 8; do echo $a$b > t/f$a$b; done; done
            for n in 2 4; do
                for k in $(seq 1 $n); do "$BALE" sum --shard $k/$n t > part$k; c=$(wc -l < part$k); echo -n "$c "; done
                cat part* | sort | uniq | wc -l; rm part*
            done
            """#)
        let lines = run.stdout.split(separator: "\n").map { $0.split(separator: " ").compactMap { Int($0) } }
        #expect(lines.count == 2 && lines[0].count == 3 && lines[1].count == 5, "\(run.stdout)\(run.stderr)")
        for (parts, line) in zip([2, 4], lines) where line.count == parts + 1 {
            #expect(line.dropLast().allSatisfy { $0 >= 25 / parts / 3 }, "\(parts) parts: \(line)")
            #expect(line.dropLast().reduce(0, +) == 25 && line.last == 25, "\(parts) parts: \(line)")
        }
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
