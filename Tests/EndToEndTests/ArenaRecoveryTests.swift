import Foundation
import Testing

/// Nothing lost when the bytes of a chunk and its result sit in the arena
/// bale shares with its workers: a worker killed after it wrote (and
/// spoiled) its answer in the arena, before it replied, is replaced, and
/// the chunk is done again from its input, which no worker can write; a
/// worker whose reply names more bytes than its slot holds is a broken
/// worker, replaced. Each output is compared with an undisturbed run's
/// (test hooks BALE_TEST_SPOIL_WORKER_OUTPUT, BALE_TEST_OVERSTATE_ARENA_REPLY,
/// fired once with BALE_TEST_HOOK_ONCE).
@Suite struct ArenaRecoveryTests {
    static let jobs: [(name: String, job: String, reference: String)] = [
        ("gzip FILE", #""$BALE" gzip -1 -p 2 -c big > out"#, #""$BALE" gzip -1 -p 2 -c big > ref"#),
        ("gzip < stream", #"cat big | "$BALE" gzip -1 -p 2 > out"#, #""$BALE" gzip -1 -p 2 -c big > ref"#),
        ("gunzip", #""$BALE" gunzip -p 2 -c big.gz > out"#, #"cp big ref"#),
        ("unpack", #"mkdir x && "$BALE" unpack -p 2 t.tar.gz -C x && diff -r t x/t > out"#, #": > ref"#),
    ]

    @Test(arguments: jobs.indices, ["BALE_TEST_SPOIL_WORKER_OUTPUT", "BALE_TEST_OVERSTATE_ARENA_REPLY"])
    func aWorkerThatSpoilsItsSlotIsReplacedAndNothingChanges(index: Int, hook: String) throws {
        let (name, job, reference) = Self.jobs[index]
        let scratch = Scratch()
        let run = try scratch.run("""
            cp "$FIXTURES/mixed" big && mkdir t && cp big t/a && cp "$FIXTURES/text" t/b
            "$BALE" gzip -1 -k big && "$BALE" pack -1 t -o t.tar.gz
            \(reference)
            \(hook)=2 BALE_TEST_HOOK_ONCE=$PWD/once sh -c '\(job)' 2> err; echo "status=$?"
            cat err >&2
            cmp out ref && echo "same output"
            grep -c 'took over its chunks, nothing lost' err
            """)
        #expect(run.stdout == "status=0\nsame output\n1\n", "\(name), \(hook): \(run.stdout)\(run.stderr)")
        if hook.contains("OVERSTATE") {
            #expect(run.stderr.contains("past the"), "\(run.stderr)")
        }
    }
}
