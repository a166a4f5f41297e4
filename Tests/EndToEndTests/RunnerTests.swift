import Foundation
import Testing

/// What every command does the same way, because one runner and one run
/// context serve them all (issue 15): a reader of standard output that
/// goes away ends the command with exit 141 and nothing on standard
/// error; `--json` names the path each error and warning is about, or
/// null, never a piece of the message; a worker replaced mid-job is the
/// same line whatever the workers were doing.
@Suite struct RunnerTests {
    /// Inputs for every command: a file of several chunks, its .gz, a tree
    /// of 1,500 files (a listing, a manifest and `-v` lines larger than a
    /// pipe holds), its archive and its manifest.
    static let setUp = #"""
        { seq 1 3000000; head -c 9000000 "$FIXTURES/mixed"; } > big
        mkdir t && for i in $(seq 1 1500); do echo "file $i" > t/f$i; done && cp big t/
        "$BALE" gzip -k big && "$BALE" pack t -o t.tar.gz && "$BALE" sum t > t.sha256
        """#

    /// Each command with its standard output a pipe whose reader is
    /// already gone (python3 closes the read end before starting bale, so
    /// the first write fails, whatever the timing): 141, and standard
    /// error empty. gzip -r writes to standard output with `--manifest -`,
    /// unpack with `-v`.
    @Test(arguments: [
        "gzip -c big", "gzip -d -c big.gz", "gunzip -c big.gz", "gzip -r -k --manifest - t",
        "pack t -o -", "list t.tar.gz", "unpack -v -C out t.tar.gz", "verify t.tar.gz",
        "verify big.gz", "sum t", "sum -c t.sha256",
    ])
    func aReaderThatWentAwayIs141AndSilent(command: String) throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.setUp + #"""

            mkdir out
            python3 - "$BALE" \#(command) <<'PY'
            import os, subprocess, sys
            read, write = os.pipe()
            os.close(read)
            ended = subprocess.run(sys.argv[1:], stdout=write, stderr=subprocess.PIPE)
            print(ended.returncode, repr(ended.stderr.decode()))
            PY
            """#)
        #expect(run.stdout == "141 ''\n", "\(command): \(run.stdout)\(run.stderr)")
    }

    /// The issue's own example, through a real pipeline: `head` reads a
    /// line and leaves; bale stops quietly with 141 (PIPESTATUS).
    @Test(arguments: ["sum t", "list t.tar.gz", "gzip -c big", "pack t -o -"])
    func headLeavingIs141(command: String) throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.setUp + """

            "$BALE" \(command) 2> err | head -c 1 > /dev/null; echo "status=${PIPESTATUS[0]}"
            [ -s err ] && cat err || echo "nothing on stderr"
            """)
        #expect(run.stdout == "status=141\nnothing on stderr\n", "\(command): \(run.stdout)\(run.stderr)")
    }

    /// `--json` entries carry the path they are about, as it was given, or
    /// null: a missing file (error, its path), a directory skipped and an
    /// output that exists, under a name holding ": " (warnings, their
    /// paths whole), pack's closing count, which names no file
    /// (null: the text before ": " used to be taken for a path), and
    /// sum -c's count of malformed lines (null, and exit 0 as sha256sum).
    @Test func jsonNamesThePathOrNull() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir dir && echo hello > 'a: b' && touch 'a: b.gz'
            "$BALE" gzip -k --json missing dir 'a: b' > gzip.json; echo "gzip: $?"
            "$BALE" pack --json missing -o x.tar.gz > pack.json 2> /dev/null; echo "pack: $?"
            "$BALE" sum 'a: b' > sums && echo 'not a line' >> sums
            "$BALE" sum -c sums --json-file sum.json > /dev/null 2>&1; echo "sum: $?"
            python3 - <<'PY'
            import json
            gzip = json.load(open('gzip.json'))
            assert gzip['errors'] == [{'path': 'missing', 'message': 'missing: No such file or directory'}], gzip
            assert gzip['warnings'] == [{'path': 'dir', 'message': 'dir is a directory -- ignored'},
                                        {'path': 'a: b.gz', 'message': 'a: b.gz already exists;\tnot overwritten'}], gzip
            pack = json.load(open('pack.json'))
            assert [e['path'] for e in pack['errors']] == ['missing', None], pack
            assert pack['errors'][1]['message'].startswith('no archive written: '), pack
            sums = json.load(open('sum.json'))
            assert sums['errors'] == [] and sums['exit_status'] == 0, sums
            assert sums['warnings'] == [{'path': None, 'message': 'WARNING: 1 line is improperly formatted'}], sums
            print('paths as made')
            PY
            """#)
        #expect(run.stdout == "gzip: 1\npack: 1\nsum: 0\npaths as made\n", "\(run.stdout)\(run.stderr)")
    }

    /// A worker killed at its second chunk (once: the replacement does the
    /// chunk) is reported with the same line by gzip, gunzip, pack, list,
    /// unpack and sum, the output is whole and the status 0; in `--json`
    /// it is a warning about no file. `list` reads an archive without an
    /// index, so that it reads the stream on the workers (from the index
    /// it starts none).
    @Test func aReplacedWorkerIsTheSameLineForEveryCommand() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.setUp + #"""

            mkdir out
            "$BALE" pack --no-index t -o t-stream.tar.gz
            n=0
            for command in "gzip -c big" "gunzip -c big.gz" "pack t -o -" "list t-stream.tar.gz" "unpack -C out t.tar.gz" "sum t"; do
                n=$((n + 1))
                BALE_TEST_KILL_WORKER_AT_CHUNK=1 BALE_TEST_HOOK_ONCE="$PWD/once-$n" \
                    "$BALE" $command -p 2 > out.$n 2> err.$n; echo "status=$?"
                sed 's/[0-9][0-9]*/N/g' err.$n
            done
            cmp out.2 big && cmp out.6 t.sha256 && diff -r out/t t && echo "outputs whole"
            BALE_TEST_KILL_WORKER_AT_CHUNK=1 BALE_TEST_HOOK_ONCE="$PWD/once-json" \
                "$BALE" sum t -p 2 --json-file sum.json > /dev/null 2>&1
            python3 -c 'import json; w = json.load(open("sum.json"))["warnings"]; assert len(w) == 1 and w[0]["path"] is None and "took over its chunks" in w[0]["message"], w; print("json: a warning about no file")'
            """#)
        let line = "bale: worker N died (killed by signal N); worker N took over its chunks, nothing lost\n"
        #expect(run.stdout == String(repeating: "status=0\n" + line, count: 6)
                    + "outputs whole\njson: a warning about no file\n", "\(run.stdout)\(run.stderr)")
    }
}
