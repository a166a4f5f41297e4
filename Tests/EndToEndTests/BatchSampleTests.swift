import Foundation
import Testing

/// The batch-job scripts in samples/batch, run for real: GNU parallel over
/// shards of samples/tree, the nightly log job, and the Slurm array script
/// (its tasks run one after another, with the variables Slurm would set).
@Suite struct BatchSampleTests {
    static let repo = #"repo=$(cd "$(dirname "$BALE")/../../.." && pwd)"#

    @Test func gnuParallelShardsVerifyAndRebuildTheTree() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.repo + #"""

            cp -r "$repo/samples/tree" tree
            bash "$repo/samples/batch/parallel-shards.sh" tree out 3 | sed 's|.*/out/||; s/ (.*//'
            mkdir restored && for f in out/part-*.tar.gz; do "$BALE" unpack "$f" -C restored; done
            diff -r tree restored/tree && echo "the parts rebuild the tree"
            """#)
        #expect(run.stdout == """
            part-1.tar.gz: OK
            part-2.tar.gz: OK
            part-3.tar.gz: OK
            the parts rebuild the tree

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test func theNightlyJobCompressesOnlyOldLogs() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.repo + #"""

            mkdir -p logs/app && for i in 1 2 3; do seq 1 $((i * 5000)) > logs/app/old$i.log; done
            touch -d '2 days ago' logs/app/old*.log && seq 1 100 > logs/app/today.log
            cp -a logs orig
            bash "$repo/samples/batch/nightly-logs.sh" logs 2> err; echo "status=$?"
            (cd logs && find . -type f ! -path './.manifests/*' | sort | tr '\n' ' '); echo
            cmp logs/app/today.log orig/app/today.log && echo "today's log untouched"
            for i in 1 2 3; do gzip -dc logs/app/old$i.log.gz | cmp - orig/app/old$i.log || echo "old$i differs"; done
            sed 's|logs/|orig/|' logs/.manifests/*.sha256 | sha256sum -c --quiet && echo "the manifest proves the bytes"
            grep -c "3 files compressed" err
            """#)
        #expect(run.stdout == """
            status=0
            ./app/old1.log.gz ./app/old2.log.gz ./app/old3.log.gz ./app/today.log \("")
            today's log untouched
            the manifest proves the bytes
            1

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The array's tasks, the third re-run alone as the script's comment
    /// says (`sbatch --array=3 ... data 3`), where Slurm describes an
    /// array of one task: without the number of parts it is refused
    /// (SLURM_ARRAY_TASK_COUNT, 1, made it `--shard 3/1`: exit 64, as a
    /// probe helper found).
    @Test func theSlurmArrayTasksCompressEveryFileOnce() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.repo + #"""

            mkdir data && for i in $(seq 1 40); do seq 1 $((i * 100)) > data/f$i; done && cp -a data orig
            for k in 1 2; do
                SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_COUNT=3 bash "$repo/samples/batch/slurm-array.sbatch" data || echo "task $k failed"
            done
            rerun() { SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_COUNT=1 SLURM_ARRAY_TASK_MIN=3 SLURM_ARRAY_TASK_MAX=3 bash "$repo/samples/batch/slurm-array.sbatch" "$@"; }
            rerun data 2> err; echo "re-run without N: $?"; grep -c "give N" err
            rerun data 3 || echo "task 3 failed"
            [ -z "$(find data -type f ! -name '*.gz' ! -name '.bale-part-*')" ] && echo "every file compressed"
            for i in $(seq 1 40); do gzip -dc data/f$i.gz | cmp - orig/f$i || echo "f$i differs"; done
            cat data/.bale-part-*.sha256 | wc -l
            cat data/.bale-part-*.sha256 | sed 's|data/|orig/|' | sha256sum -c --quiet && echo "the manifests prove the bytes"
            """#)
        #expect(run.stdout == """
            re-run without N: 64
            1
            every file compressed
            40
            the manifests prove the bytes

            """, "\(run.stdout)\(run.stderr)")
    }
}
