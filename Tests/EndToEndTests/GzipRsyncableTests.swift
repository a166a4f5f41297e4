import Foundation
import Testing

/// `gzip --rsyncable`: members end where the content says
/// (`ContentDefinedCuts`), so an insertion near the start changes only the
/// members around it. The output is the same for any `-p` and from a
/// file, a redirected file or a pipe, and GNU gzip reads it.
@Suite struct GzipRsyncableTests {
    /// The members of a bale .gz (each starts with a gzip header holding
    /// an extra field), and how many of `b`'s are also `a`'s.
    static let sharedMembers = #"""
        shared() { python3 - "$1" "$2" <<'PY'
        import sys
        def members(path):
            d = open(path, "rb").read()
            starts = [i for i in range(len(d) - 3) if d[i:i + 4] == b"\x1f\x8b\x08\x04"]
            return [d[s:e] for s, e in zip(starts, starts[1:] + [len(d)])]
        a, b = members(sys.argv[1]), members(sys.argv[2])
        print(len(b) - len(set(b) & set(a)), "of", len(b) > 10 and "more than 10" or len(b), "differ")
        PY
        }
        """#

    @Test func anInsertionChangesOnlyTheMembersAroundIt() throws {
        let run = try Scratch().run("""
            \(Self.sharedMembers)
            head -c 30000000 "$FIXTURES/mixed" > a && { head -c 1000 /dev/urandom; cat a; } > b
            "$BALE" gzip -c --rsyncable -p 2 a > a.gz && gzip -dc a.gz | cmp - a && echo "gzip reads it"
            "$BALE" gzip -c --rsyncable -p 1 a | cmp - a.gz && echo "the same with -p 1"
            "$BALE" gzip -c --rsyncable < a | cmp - a.gz && echo "the same from standard input"
            cat a | "$BALE" gzip -c --rsyncable | cmp - a.gz && echo "the same from a pipe"
            "$BALE" gzip -c --rsyncable b > b.gz && "$BALE" gunzip -c b.gz | cmp - b && echo "bale reads it"
            echo "rsyncable: $(shared a.gz b.gz)"
            "$BALE" gzip -c a > fixed-a.gz && "$BALE" gzip -c b > fixed-b.gz
            echo "fixed cuts: $(shared fixed-a.gz fixed-b.gz)"
            """)
        // The first member holds the insertion; the one after it may end
        // at a cut the insertion's bytes decided. Every later one is the same.
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.prefix(5) == ["gzip reads it", "the same with -p 1", "the same from standard input",
                                    "the same from a pipe", "bale reads it"], "\(run.stdout)\(run.stderr)")
        #expect(["rsyncable: 1 of more than 10 differ", "rsyncable: 2 of more than 10 differ"].contains(lines.dropFirst(5).first ?? ""),
                "\(run.stdout)")
        #expect(lines.dropFirst(6).first?.hasPrefix("fixed cuts: 0 of") == false, "\(run.stdout)")
    }

    /// `gzip -r --rsyncable` cuts each file as `gzip --rsyncable FILE`
    /// does, whatever its size: the files too small to hold a cut (a
    /// quarter of a chunk) go in batches, the others are cut in parts the
    /// content chooses, one after another; every output is the single
    /// file's, byte for byte, for any `-p`, and `--manifest` lists each
    /// file's digest. `GZIP=--rsyncable` asks the same, as in GNU gzip.
    @Test func aTreeIsCutAsEachFileAlone() throws {
        let run = try Scratch().run("""
            mkdir t && cd t && : > empty && head -c 1000 "$FIXTURES/mixed" > small
            head -c 1048576 "$FIXTURES/mixed" > quarter && head -c 1048577 "$FIXTURES/mixed" > past-quarter
            head -c 3000000 "$FIXTURES/mixed" > three && head -c 20000000 "$FIXTURES/mixed" > twenty
            head -c 3000000 /dev/urandom > random && cd ..
            for f in t/*; do "$BALE" gzip -c --rsyncable "$f" > "$f.alone"; done
            for p in 1 2; do
                cp -r t r$p && rm r$p/*.alone
                "$BALE" gzip -r --rsyncable -p $p --manifest m$p r$p || echo "gzip -r -p $p: $?"
                for f in empty small quarter past-quarter three twenty random; do
                    cmp -s r$p/$f.gz t/$f.alone || echo "-p $p: $f differs from gzip --rsyncable $f"
                done
                sed "s# r$p/# t/#" m$p | sha256sum -c --quiet 2>&1 | head -3
                [ "$(wc -l < m$p)" = 7 ] || echo "m$p lists $(wc -l < m$p) files"
            done
            "$BALE" gzip -c t/twenty | cmp -s - t/twenty.alone && echo "twenty: the same as fixed cuts"
            GZIP="--rsyncable -q" "$BALE" gzip -c t/twenty | cmp - t/twenty.alone && echo "GZIP=--rsyncable asks the same"
            """)
        #expect(run.stdout == "GZIP=--rsyncable asks the same\n", "\(run.stdout)\(run.stderr)")
    }
}
