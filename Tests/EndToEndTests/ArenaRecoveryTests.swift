import Foundation
import Testing

/// Nothing lost when the bytes of a chunk and its result sit in the arena
/// bale shares with its workers: a worker killed after it wrote (and
/// spoiled) its answer in the arena, before it replied, is replaced, and
/// the chunk is done again from its input, which no worker can write; a
/// worker whose reply names more bytes than its slot holds is a broken
/// worker, replaced. Each output must hold exactly the input, and be the
/// bytes of an undisturbed run (test hooks BALE_TEST_SPOIL_WORKER_OUTPUT,
/// BALE_TEST_OVERSTATE_ARENA_REPLY, fired once with BALE_TEST_HOOK_ONCE).
///
/// The gzip jobs' bytes are compared once more, both runs made again,
/// when they differ but hold the same data: ISA-L's level 2 (bale's -1)
/// gives, about once in 30,000 chunks on this machine, another valid
/// encoding of a chunk, also in a C program that only calls it
/// (bench/isal-determinism.sh; README, "The gzip bale writes"). A
/// difference twice, or any difference in the data, fails.
@Suite struct ArenaRecoveryTests {
    static let jobs: [(name: String, job: String, reference: String, isGzip: Bool)] = [
        ("gzip FILE", #""$BALE" gzip -1 -p 2 -c big > out"#, #""$BALE" gzip -1 -p 2 -c big > ref"#, true),
        ("gzip < stream", #"cat big | "$BALE" gzip -1 -p 2 > out"#, #""$BALE" gzip -1 -p 2 -c big > ref"#, true),
        ("gunzip", #""$BALE" gunzip -p 2 -c big.gz > out"#, #"cp big ref"#, false),
        ("unpack", #"mkdir x && "$BALE" unpack -p 2 t.tar.gz -C x && diff -r t x/t > out"#, #": > ref"#, false),
    ]

    @Test(arguments: jobs.indices, ["BALE_TEST_SPOIL_WORKER_OUTPUT", "BALE_TEST_OVERSTATE_ARENA_REPLY"])
    func aWorkerThatSpoilsItsSlotIsReplacedAndNothingChanges(index: Int, hook: String) throws {
        let (name, job, reference, isGzip) = Self.jobs[index]
        let scratch = Scratch()
        let run = try scratch.run("""
            cp "$FIXTURES/mixed" big && mkdir t && cp big t/a && cp "$FIXTURES/text" t/b
            "$BALE" gzip -1 -k big && "$BALE" pack -1 t -o t.tar.gz
            attempt() {
                rm -rf once x
                \(reference)
                \(hook)=2 BALE_TEST_HOOK_ONCE=$PWD/once sh -c '\(job)' 2> err; echo "status=$?" > status
            }
            attempt
            \(isGzip ? #"gzip -dc out | cmp - big || echo "out does not hold the input""# : ":")
            if \(isGzip ? "true" : "false") && ! cmp -s out ref && gzip -dc ref | cmp -s - big; then
                echo "same data, other bytes: once more" >&2
                attempt
            fi
            cat status; cat err >&2
            cmp out ref && echo "same output"
            grep -c 'took over its chunks, nothing lost' err
            """)
        #expect(run.stdout == "status=0\nsame output\n1\n", "\(name), \(hook): \(run.stdout)\(run.stderr)")
        if hook.contains("OVERSTATE") {
            #expect(run.stderr.contains("past the"), "\(run.stderr)")
        }
    }
}
