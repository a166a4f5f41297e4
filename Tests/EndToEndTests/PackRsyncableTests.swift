import Foundation
import Testing

/// `pack --rsyncable`: the tar stream is cut where its content says, as
/// `gzip --rsyncable` cuts any stream, so a change in one file changes
/// only the members around it. The archive is still one whole bale
/// archive: the same bytes for any `-p`, its index and end member right
/// (list, cat and verify from the index), and GNU tar extracts it.
@Suite struct PackRsyncableTests {
    @Test func theStreamIsCutAsGzipRsyncableCutsIt() throws {
        let run = try Scratch().run("""
            \(GzipRsyncableTests.sharedMembers)
            mkdir -p tree/a tree/b && head -c 1000 "$FIXTURES/text" > tree/a/first
            head -c 20000000 "$FIXTURES/mixed" > tree/b/large
            for i in $(seq 1 100); do head -c $((i * 997)) "$FIXTURES/text" > tree/a/f$i; done
            "$BALE" pack --rsyncable -p 2 -o r.tar.gz tree && "$BALE" pack --rsyncable -p 1 -o - tree | cmp - r.tar.gz && echo "the same with -p 1"
            gzip -dc r.tar.gz > stream.tar && "$BALE" gzip -c --rsyncable stream.tar > stream.tar.gz
            echo "beside gzip --rsyncable of its stream: $(shared r.tar.gz stream.tar.gz)"
            "$BALE" verify r.tar.gz > /dev/null && echo "verify: OK"
            echo "list: $("$BALE" list r.tar.gz | wc -l) entries"
            "$BALE" cat r.tar.gz tree/b/large | cmp - tree/b/large && echo "cat from the index"
            mkdir x && tar -xzf r.tar.gz -C x && diff -r tree x/tree && echo "GNU tar extracts it"
            "$BALE" pack -o fixed.tar.gz tree
            { head -c 3000 /dev/urandom; cat tree/a/first; } > changed && touch -r tree/a/first changed
            mv changed tree/a/first && touch -r x/tree/a tree/a
            "$BALE" pack --rsyncable -o r2.tar.gz tree && "$BALE" pack -o fixed2.tar.gz tree
            echo "rsyncable: $(shared r.tar.gz r2.tar.gz)"
            echo "fixed cuts: $(shared fixed.tar.gz fixed2.tar.gz)"
            """)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        // The archive's data members are gzip --rsyncable's of its stream;
        // its index and end member are its own (the stream's end member differs).
        #expect(lines.prefix(6) == ["the same with -p 1", "beside gzip --rsyncable of its stream: 1 of more than 10 differ",
                                    "verify: OK", "list: 105 entries", "cat from the index", "GNU tar extracts it"],
                "\(run.stdout)\(run.stderr)")
        // After the change: the members that hold it, the one or two after
        // whose cut it moved, the index and the end member; with fixed cuts
        // every member after the change.
        let changed = lines.dropFirst(6).first.flatMap { Int($0.split(separator: " ")[1]) }
        #expect(changed.map { $0 <= 5 } == true, "\(run.stdout)")
        let fixedChanged = lines.dropFirst(7).first.flatMap { Int($0.split(separator: " ")[2]) }
        #expect(fixedChanged.map { $0 > 5 } == true, "\(run.stdout)")
    }
}
