import Foundation
import Testing

/// For scripts and people: `--json` (checked with python3's json against
/// the files on disk), `--stats` (its verdict for a CPU-bound and a
/// read-bound run) and the progress line (on a terminal only).
@Suite struct ReportTests {
    /// A report an earlier run left in `--json-file` is emptied when the
    /// run begins: a run ended by a signal writes none, and the earlier
    /// one, saying its own success, was read as this run's by a batch job
    /// that reads the file (a probe helper). A run that ends writes its own.
    @Test func aRunEndedByASignalLeavesNoEarlierReport() throws {
        let run = try Scratch().run(#"""
            echo data > f && "$BALE" gzip -k f --json-file j.json && grep -c '"exit_status": 0' j.json
            mkfifo p && exec 3<> p
            "$BALE" gzip --json-file j.json < p > out & pid=$!
            for i in $(seq 1 500); do [ -s j.json ] || break; sleep 0.01; done
            kill -TERM $pid; wait $pid; echo "status=$? size=$(wc -c < j.json)"
            "$BALE" gzip -k -f f --json-file j.json && grep -c '"exit_status": 0' j.json
            ln -s j.json link.json
            "$BALE" gzip --json-file link.json < p > out & pid=$!
            for i in $(seq 1 500); do [ -s j.json ] || break; sleep 0.01; done
            kill -TERM $pid; wait $pid; echo "through a link: status=$? size=$(wc -c < j.json)"
            exec 3>&-
            """#)
        #expect(run.stdout == "1\nstatus=143 size=0\n1\nthrough a link: status=143 size=0\n", "\(run.stdout)\(run.stderr)")
    }

    /// A command line refused (a usage error, exit 64) empties the report
    /// an earlier run left under `--json-file`, as a run that begins does:
    /// it stayed, saying its own success, for a batch job to read as this
    /// run's. The name is guessed from a line that did not parse, so a file
    /// that is not one of bale's reports is left alone.
    @Test func aRefusedCommandLineLeavesNoEarlierReport() throws {
        let run = try Scratch().run(#"""
            echo data > f && echo 'a,b' > data.csv
            for line in "gzip -k f --bogus" "gzip -p 0 f" "gunzip -S '' f" "pack f -C d" "pack --mtime never f -o f.tgz" \
                        "sum --json f" "gzip --shard 3/2 f" "gzip -k f --json-f=j.json --suffix="; do
                "$BALE" gzip -k -f f --json-file j.json || echo "the report's run failed"
                eval "\"\$BALE\" $line --json-file j.json" 2> /dev/null; echo "$line: $? $(wc -c < j.json)"
            done
            "$BALE" gzip -k f --json-file data.csv --bogus 2> /dev/null; echo "data: $? $(cat data.csv)"
            "$BALE" gzip -k -f f --json-file j.json; "$BALE" gzip -k f --json-f j.json --suffix= 2> /dev/null
            echo "abbreviated: $? $(wc -c < j.json)"
            "$BALE" gzip -k -f f --json-file j.json; GZIP=-x "$BALE" gzip -k f --json-file j.json 2> /dev/null
            echo "GZIP: $? $(wc -c < j.json)"
            ln -s j.json link.json && "$BALE" gzip -k -f f --json-file link.json
            "$BALE" gzip -k f --json-file link.json --bogus 2> /dev/null; echo "link: $? $(wc -c < j.json)"
            """#)
        #expect(run.stdout == """
            gzip -k f --bogus: 64 0
            gzip -p 0 f: 64 0
            gunzip -S '' f: 64 0
            pack f -C d: 64 0
            pack --mtime never f -o f.tgz: 64 0
            sum --json f: 64 0
            gzip --shard 3/2 f: 64 0
            gzip -k f --json-f=j.json --suffix=: 64 0
            data: 64 a,b
            abbreviated: 64 0
            GZIP: 64 0
            link: 64 0

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test func jsonMatchesTheFilesOnDisk() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir t && for i in $(seq 1 30); do seq 1 $((i * 1000)) > t/f$i; done && head -c 5000000 "$FIXTURES/mixed" > big
            "$BALE" gzip -k --json big > one.json
            "$BALE" pack t -o t.tar.gz --json > pack.json
            "$BALE" gzip -r -k --json t > tree.json
            "$BALE" gzip -k --json missing > missing.json; echo "missing: $?"
            python3 - <<'PY'
            import json, os, glob
            one = json.load(open('one.json'))
            assert one['command'] == 'gzip' and one['inputs'] == ['big'] and one['files'] == 1, one
            assert one['bytes_in'] == os.path.getsize('big') and one['bytes_out'] == os.path.getsize('big.gz'), one
            assert one['exit_status'] == 0 and one['errors'] == [] and one['stages']['verdict'] in ('cpu-bound', 'read-bound', 'write-bound')
            assert abs(one['ratio'] - one['bytes_out'] / one['bytes_in']) < 1e-3 and one['seconds'] > 0
            tree = json.load(open('tree.json'))
            plain = [f for f in glob.glob('t/*') if not f.endswith('.gz')]
            assert tree['files'] == len(plain) == 30, tree
            assert tree['bytes_in'] == sum(map(os.path.getsize, plain)), tree
            assert tree['bytes_out'] == sum(map(os.path.getsize, glob.glob('t/*.gz'))), tree
            pack = json.load(open('pack.json'))
            assert pack['files'] == 30 and pack['bytes_out'] == os.path.getsize('t.tar.gz'), pack
            assert len(pack['stages']['workers_busy_seconds']) >= 1
            missing = json.load(open('missing.json'))
            assert missing['exit_status'] == 1 and missing['files'] == 0, missing
            assert missing['errors'][0]['path'] == 'missing' and 'No such file' in missing['errors'][0]['message'], missing
            print('json matches')
            PY
            """#)
        #expect(run.stdout == "missing: 1\njson matches\n", "\(run.stdout)\(run.stderr)")
    }

    /// Level 9 keeps the workers busy: CPU-bound. Level 1 fed by a
    /// --files-from FIFO that names a file every 0.2 s: the workers wait
    /// for the walk, read-bound. Its outputs go to a tmpfs where there is
    /// one: on a disk shared with other tests' fsyncs, a rename can stall
    /// for a second and make the run look write-bound (seen in CI).
    @Test func statsNamesWhatBoundTheRun() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            for i in 1 2; do cat "$FIXTURES/mixed"; done > big
            "$BALE" gzip -9 -p 2 -c --stats big 2>&1 > /dev/null | grep verdict
            mkdir t && for i in $(seq 1 12); do head -c 200000 "$FIXTURES/text" > t/f$i; done
            mkfifo names
            (for i in $(seq 1 12); do echo t/f$i; sleep 0.2; done) > names &
            out=$(mktemp -d -p /dev/shm 2> /dev/null || mktemp -d -p .)
            "$BALE" gzip -r -1 -k -p 2 --stats --out-dir "$out" --files-from names 2>&1 | grep verdict
            rm -rf "$out"
            """#)
        #expect(run.stdout == """
              verdict: CPU-bound: the workers were busy; more -p (on more cores) or a lower level would help
              verdict: read-bound: the workers waited for input; faster storage or more --io-threads would help

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The progress line is drawn under a pseudo-terminal (script(1)), and
    /// never when standard error is a pipe or a file, nor with -q, nor with
    /// -v (whose list of names would tear it).
    @Test(.enabled(if: Machine.has("script"), "needs script(1) (bsdutils) to give bale a terminal"))
    func progressShowsOnATerminalOnly() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            for i in 1 2 3; do cat "$FIXTURES/mixed"; done > big
            script -qec "\"$BALE\" gzip -9 -p 2 -k big" /dev/null > tty.out
            grep -a -q 'MB/s' tty.out && echo "progress on a terminal"
            grep -a -q "$(printf '\r\033\\[K')" tty.out && echo "drawn in place"
            rm big.gz && "$BALE" gzip -9 -p 2 -k big 2> pipe.err
            [ -s pipe.err ] && echo "progress in a pipe" || echo "none in a pipe"
            rm big.gz && script -qec "\"$BALE\" gzip -9 -p 2 -k -q big" /dev/null > quiet.out
            grep -a -q 'MB/s' quiet.out && echo "progress with -q" || echo "none with -q"
            rm big.gz && script -qec "\"$BALE\" gzip -9 -p 2 -k -v big" /dev/null > verbose.out
            grep -a -q 'MB/s' verbose.out && echo "progress with -v" || echo "none with -v"
            grep -a -q 'big' verbose.out && echo "-v lists the file"
            """#)
        #expect(run.stdout == "progress on a terminal\ndrawn in place\nnone in a pipe\nnone with -q\nnone with -v\n-v lists the file\n",
                "\(run.stdout)\(run.stderr)")
    }

    /// Messages and gzip's question share the terminal with the progress
    /// line: a warning written while the line shows begins on a line of
    /// its own (the line erased first), and no progress is drawn while a
    /// question waits for its answer. Before, the warning was glued to the
    /// progress line's end, and a redraw a quarter of a second after the
    /// question erased it while bale waited for the answer.
    /// No progress line when standard input or output is a pipe: the
    /// program at its other end may share the terminal (`| less`, a
    /// `pg_dump |` asking for a password). `bale gunzip -c big.gz | less`
    /// had the line drawn over less's screen four times a second while
    /// less waited for a key (a probe helper). `--progress` asks for it.
    @Test(.enabled(if: Machine.has("script"), "needs script(1) (bsdutils) to give bale a terminal"))
    func noProgressLineBesideAPipe() throws {
        let run = try Scratch().run(#"""
            seq 1 3000000 | gzip > big.gz
            script -qec ""$BALE" gunzip -c big.gz | (sleep 1.2; cat > /dev/null)" /dev/null > out.out
            grep -a -q 'MB/s' out.out && echo "progress beside an output pipe" || echo "none beside an output pipe"
            script -qec "(sleep 1.2; cat big.gz) | "$BALE" gunzip -c > /dev/null" /dev/null > in.out
            grep -a -q 'MB/s' in.out && echo "progress beside an input pipe" || echo "none beside an input pipe"
            script -qec ""$BALE" gunzip -c --progress big.gz | (sleep 1.2; cat > /dev/null)" /dev/null > asked.out
            grep -a -q 'MB/s' asked.out && echo "progress with --progress"
            """#)
        #expect(run.stdout == "none beside an output pipe\nnone beside an input pipe\nprogress with --progress\n",
                "\(run.stdout)\(run.stderr)")
    }

    @Test(.enabled(if: Machine.has("script"), "needs script(1) (bsdutils) to give bale a terminal"))
    func messagesAndQuestionsAreNotTornByTheProgressLine() throws {
        let run = try Scratch().run(#"""
            seq 1 1000000 > big && echo x > z && echo y > z.gz
            script -qec ""$BALE" gzip -9 -p 1 -k big z < /dev/null" /dev/null > warned.out
            echo new > a && echo old > a.gz
            (sleep 1.5; echo n) | script -qec ""$BALE" gzip a" /dev/null > asked.out
            python3 - <<'PY'
            warned = open('warned.out', 'rb').read()
            at = warned.find(b'bale: z.gz already exists')
            print('progress shown first' if b'MB/s' in warned[:at] else 'no progress before the warning')
            print('warning on a line of its own' if warned[:at].endswith((b'\r\x1b[K', b'\n')) else 'warning glued: %r' % warned[at - 20:at])
            asked = open('asked.out', 'rb').read()
            question = asked.find(b'do you wish to overwrite')
            answer = asked.find(b'not overwritten')
            print('question kept on the screen' if question >= 0 and b'\x1b[K' not in asked[question:answer] else 'question erased: %r' % asked)
            PY
            cat a.gz
            """#)
        #expect(run.stdout == """
            progress shown first
            warning on a line of its own
            question kept on the screen
            old

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `gunzip -r` and `-rc` give the progress line the tree's total, as
    /// `gzip -r` does (its share done and the time left): it showed only
    /// the bytes done. A reader that waits keeps the run on the line
    /// (`--progress`: standard output is a pipe).
    @Test(.enabled(if: Machine.has("script"), "needs script(1) (bsdutils) to give bale a terminal"))
    func recursiveGunzipShowsTheTotal() throws {
        let run = try Scratch().run(#"""
            mkdir t && seq 1 3000000 > t/a && cp t/a t/b && gzip t/a t/b
            script -qec "\"$BALE\" gunzip -rc --progress t | (sleep 1.2; cat > /dev/null)" /dev/null > tty.out
            tr '\r' '\n' < tty.out | grep -a -o 'of [0-9.]* MB' | sort -u
            """#)
        #expect(run.stdout == "of 12.7 MB\n", "\(run.stdout)\(run.stderr)")
    }

    /// `verify` of a .gz that holds no tar (checked whole, as `gunzip -t`
    /// checks it) counts what it read: the file, its bytes and its data.
    /// The summary said nothing was read ("files": 0, "ratio": null: a
    /// reading helper).
    @Test(.enabled(if: Machine.has("gzip"), "GNU gzip makes the file"))
    func verifyOfAPlainGzCountsWhatItRead() throws {
        let run = try Scratch().run(#"""
            seq 1 100000 > s && gzip -k s
            "$BALE" verify s.gz --json-file j; echo "verify: $?"
            python3 -c "import json; d = json.load(open('j')); print(d['files'], d['bytes_in'], d['bytes_out'])" > got
            echo "1 $(stat -c %s s.gz) $(stat -c %s s)" | cmp - got && echo "the file, its bytes and its data"
            """#)
        #expect(run.stdout == "s.gz: OK\nverify: 0\nthe file, its bytes and its data\n", "\(run.stdout)\(run.stderr)")
    }

    /// `--json-file` naming standard output's file while standard output
    /// carries the data is a usage error, as `--json` is: `sum
    /// --json-file /dev/stdout > m.sha` made the summary the manifest's
    /// last line, exit 0, and `sha256sum -c --strict` failed it; `gzip -c
    /// --json-file /dev/fd/1` left trailing garbage after the .gz (a probe
    /// helper). Where standard output carries no data, it takes the summary.
    @Test func aSummaryFileOnTheDataIsRefused() throws {
        let run = try Scratch().run(#"""
            seq 1 1000 > s && cp s t
            "$BALE" sum s --json-file /dev/stdout > m.sha 2> err; echo "sum: $? $(head -c 60 err)"
            "$BALE" gzip -c s --json-file /dev/fd/1 | cat > s.gz; echo "gzip -c: ${PIPESTATUS[0]}"
            "$BALE" sum s --json-file /dev/stdout > /dev/null; echo "to /dev/null: $?"
            "$BALE" gzip t --json-file /dev/stdout > j; echo "no data: $?"
            python3 -c "import json; print(json.load(open('j'))['files'])"
            """#)
        #expect(run.stdout == """
            sum: 64 Error: --json-file '/dev/stdout' is standard output, which c
            gzip -c: 64
            to /dev/null: 0
            no data: 0
            1

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `verify --json` prints the JSON alone on standard output, whatever
    /// the verdict (its `exit_status` says it): the verdict line before it
    /// ("s.gz: OK", "read with warnings", "OK (2 entries)") made the output
    /// no JSON exactly when the archive was whole (`verify x --json | jq`
    /// failed; a probe helper). Without `--json` the line is printed.
    @Test func verifyWithJSONPrintsTheJSONAlone() throws {
        let run = try Scratch().run(#"""
            seq 1 1000 > s && "$BALE" gzip -k s && cp s.gz g.gz && echo garbage >> g.gz
            mkdir t && echo a > t/a && "$BALE" pack t -o t.tgz
            for f in s.gz g.gz t.tgz; do
                "$BALE" verify $f --json 2> /dev/null > out; status=$?
                python3 -c "import json; print(json.load(open('out'))['exit_status'])" 2>&1 | tr '\n' ' '; echo "$f $status"
            done
            "$BALE" verify t.tgz
            """#)
        #expect(run.stdout == "0 s.gz 0\n2 g.gz 2\n0 t.tgz 0\nt.tgz: OK (2 entries)\n", "\(run.stdout)\(run.stderr)")
    }

    /// The summary's `errors` are what made the exit status 1, its
    /// `warnings` the rest: `pack`'s "already exists" (exit 1) was listed
    /// with the warnings and `errors` was empty; `cat`'s "Not found in
    /// archive" (exit 2, as GNU tar's) was an error (a reading helper).
    @Test func theListsFollowTheExitStatus() throws {
        let run = try Scratch().run(#"""
            mkdir q && echo a > q/a && "$BALE" pack q
            "$BALE" pack q --json-file p.json 2> /dev/null; echo "pack: $?"
            "$BALE" cat q.tar.gz q/a nothere --json-file c.json > /dev/null 2>&1; echo "cat: $?"
            for j in p c; do python3 -c "import json; d = json.load(open('$j.json')); print(len(d['errors']), len(d['warnings']))"; done
            """#)
        #expect(run.stdout == "pack: 1\ncat: 2\n1 0\n0 1\n", "\(run.stdout)\(run.stderr)")
    }

    /// A run that stops at an error counts what it did before it, and a
    /// stream counts its bytes: `unpack`, `list` and `gunzip -c` of an
    /// archive cut short said 0 entries and 0 bytes (the first file on
    /// disk, its data on standard output), a foreign gzip read from a
    /// pipe 0 bytes in, and `list` of one archive through its index and
    /// from a pipe two tar streams' lengths (a reading helper). Judged by
    /// GNU gzip's output of the same bytes and by the files on disk.
    @Test(.enabled(if: Machine.has("gzip"), "GNU gzip judges the bytes"))
    func aRunCutShortCountsWhatItDid() throws {
        let run = try Scratch().run(#"""
            seq 1 300000 > a && cp a b && tar -cf t.tar a b && gzip -k t.tar
            head -c $(( $(stat -c %s t.tar.gz) * 6 / 10 )) t.tar.gz > cut.tar.gz
            total=$(stat -c %s cut.tar.gz)
            tarbytes=$(gzip -dc cut.tar.gz 2> /dev/null | wc -c)
            mkdir x && "$BALE" unpack -C x cut.tar.gz --json-file u.json 2> /dev/null; echo "unpack: $?"
            cmp -s a x/a && echo "a extracted"
            cat cut.tar.gz | "$BALE" list - --json-file l.json > /dev/null 2>&1; echo "list: $?"
            "$BALE" gunzip -c cut.tar.gz --json-file g.json > out 2> /dev/null; echo "gunzip: $?"
            cat t.tar.gz | "$BALE" gunzip -c --json-file p.json > /dev/null; echo "pipe: $?"
            "$BALE" pack a b -o own.tar.gz && gzip -dc own.tar.gz | wc -c > own.size
            cat own.tar.gz | "$BALE" list - --json-file lp.json > /dev/null && "$BALE" list own.tar.gz --json-file lf.json > /dev/null
            python3 - "$total" "$tarbytes" "$(stat -c %s t.tar.gz)" "$(stat -c %s t.tar)" "$(stat -c %s out)" <<'PY'
            import json, sys
            total, tarbytes, whole, tar, out = map(int, sys.argv[1:])
            for name, files in (('u', 1), ('l', 1), ('g', 0)):
                d = json.load(open(name + '.json'))
                assert d['files'] == files and d['bytes_in'] == total, (name, d['files'], d['bytes_in'], total)
                assert d['bytes_out'] in (tarbytes, out) and d['bytes_out'] > 0, (name, d['bytes_out'], tarbytes, out)
            d = json.load(open('p.json'))
            assert (d['files'], d['bytes_in'], d['bytes_out']) == (1, whole, tar), d
            # The tar stream whole, its end blocks and padding too, by any path.
            own = int(open('own.size').read())
            assert [json.load(open(j + '.json'))['bytes_out'] for j in ('lp', 'lf')] == [own, own]
            print('figures as done')
            PY
            """#)
        #expect(run.stdout == "unpack: 1\na extracted\nlist: 1\ngunzip: 1\npipe: 0\nfigures as done\n", "\(run.stdout)\(run.stderr)")
    }
}
