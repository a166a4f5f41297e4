import Foundation
import Testing

/// `bale sum`: the same digests as sha256sum, in its format, both ways.
@Suite struct SumTests {
    /// What a worker reads of a stream is read once. A pipe slower than
    /// `--worker-timeout` had its worker taken for stuck and replaced, and
    /// the replacement hashed only the rest of the pipe: a wrong digest,
    /// exit 0. A stream is now waited for, as sha256sum waits, and a
    /// worker that dies on one fails the run instead of being replaced. A
    /// large file gets the time its size needs (a tenth of a second per
    /// MB at least): a 1 GB file under `--worker-timeout 1` failed. And a
    /// name for one of bale's own descriptors (`<(…)`, `/dev/fd/7`,
    /// `/dev/stdin`) is opened by the worker through bale's /proc entry,
    /// not as one of its own ("No such file or directory").
    @Test func streamsLargeFilesAndDescriptorNamesAreHashedAsSha256sumHashesThem() throws {
        let run = try Scratch().run(#"""
            (printf 'part1\n'; sleep 2.5; printf 'part2\n') | "$BALE" sum --worker-timeout 1 > out; echo "slow pipe: $?"
            printf 'part1\npart2\n' | sha256sum | cmp -s - out && echo "slow pipe: the whole stream's digest"
            printf 'hello\n' | BALE_TEST_KILL_WORKER_AT_CHUNK=0 "$BALE" sum > out 2> err; echo "worker killed: $? $(wc -c < out)"
            grep -c 'what it read cannot be read again' err
            truncate -s 1G large && "$BALE" sum --worker-timeout 1 large > out; echo "large: $?"
            head -c 1G /dev/zero | sha256sum | sed 's/-$/large/' | cmp -s - out && echo "large: its digest"
            printf 'abc\n' > s && sha256sum < s | cut -c1-64 > want
            exec 7< s
            for name in '<(cat s)' /dev/fd/7 /dev/stdin; do
                eval "\"\$BALE\" sum $name" < s | cut -c1-64 | cmp -s - want && echo "$name: as sha256sum"
            done
            exec 7<&-
            timeout 20 "$BALE" sum s /dev/fd/7 > out 2> err; echo "not handed over: $? $(wc -l < out) $(wc -l < err)"
            """#)
        #expect(run.stdout == """
            slow pipe: 0
            slow pipe: the whole stream's digest
            worker killed: 1 0
            1
            large: 0
            large: its digest
            <(cat s): as sha256sum
            /dev/fd/7: as sha256sum
            /dev/stdin: as sha256sum
            not handed over: 1 1 1

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test func agreesWithSha256sumByteForByte() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir -p t/d/e && : > t/empty && printf 'x' > t/one && head -c 64 "$FIXTURES/mixed" > t/d/s64
            head -c 4194303 "$FIXTURES/mixed" > t/d/chunk-minus-1
            head -c 4194304 "$FIXTURES/mixed" > t/d/chunk
            head -c 4194305 "$FIXTURES/mixed" > t/d/e/chunk-plus-1
            for i in 1 2 3 4 5 6 7 8 9; do cat "$FIXTURES/mixed"; done | head -c 262144000 > t/d/e/big
            printf 'b' > 't/back\slash'; printf 's' > 't/with space'; printf 'n' > "t/new
            line"
            "$BALE" sum -p 2 t > bale.sum; echo "status=$?"
            find t -type f -print0 | xargs -0 sha256sum > ref.sum
            [ "$(sort bale.sum)" = "$(sort ref.sum)" ] && echo "same lines as sha256sum"
            [ "$(wc -l < bale.sum)" = 10 ] && echo "one line per file (the newline in a name escaped)"
            sha256sum -c --quiet bale.sum && echo "sha256sum -c accepts bale's"
            "$BALE" sum -c ref.sum --quiet && echo "bale sum -c accepts sha256sum's"
            """#)
        #expect(run.stdout == """
            status=0
            same lines as sha256sum
            one line per file (the newline in a name escaped)
            sha256sum -c accepts bale's
            bale sum -c accepts sha256sum's

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `sum -c`'s messages name files quoted as sha256sum quotes them
    /// (`'my file'`), its `--json` as they were named (`my file`), as the
    /// README's table says of every command; a manifest that is a
    /// directory is sha256sum's "read error", no reason given. The JSON
    /// had the quoted names; the line said "read error: Is a directory".
    @Test(.enabled(if: Machine.has("sha256sum"), "needs sha256sum"))
    func checkNamesAreQuotedOnTheLineAndAsGivenInJSON() throws {
        let run = try Scratch().run(#"""
            printf 'junk\n%064d  my file\n' 0 > 'my list'; mkdir dir
            "$BALE" sum -c --warn 'my list' --json-file j.json > /dev/null 2> bale.err; echo "bale: $?"
            sha256sum -c --warn 'my list' > /dev/null 2> gnu.err; echo "sha256sum: $?"
            sed 's/^sha256sum:/bale:/' gnu.err | diff - bale.err && echo "lines as sha256sum's"
            python3 -c "import json; print(sorted(set(e['path'] for e in json.load(open('j.json'))['errors'] + json.load(open('j.json'))['warnings'] if e['path'])))"
            "$BALE" sum -c dir 2> bale.err; sha256sum -c dir 2> gnu.err
            sed 's/^sha256sum:/bale:/' gnu.err | diff - bale.err && echo "a directory as sha256sum's"
            """#)
        #expect(run.stdout == """
            bale: 1
            sha256sum: 1
            lines as sha256sum's
            ['my file', 'my list']
            a directory as sha256sum's

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test func checkReportsChangedAndMissingFiles() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir t && seq 1 100 > t/a && seq 1 200 > t/b && seq 1 300 > t/c
            "$BALE" sum t > m.sum
            echo more >> t/b; rm t/c
            "$BALE" sum -c m.sum 2> err; echo "status=$?"
            grep -c 'computed checksum did NOT match' err
            "$BALE" sum -c m.sum --quiet 2>/dev/null; echo "quiet status=$?"
            printf 'not a line\n' > bad.sum; "$BALE" sum -c bad.sum 2> err; echo "bad manifest=$?"
            grep -q 'bad.sum: no properly formatted checksum lines found' err && echo "says it, as sha256sum"
            """#)
        #expect(run.stdout == """
            t/a: OK
            t/b: FAILED
            t/c: FAILED open or read
            status=1
            1
            t/b: FAILED
            t/c: FAILED open or read
            quiet status=1
            bad manifest=1
            says it, as sha256sum

            """, "\(run.stdout)\(run.stderr)")
    }
    /// An empty name (`sum ''`, a variable that was not set): "No such
    /// file or directory", as sha256sum says, exit 1; bale said "Bad file
    /// descriptor", the closed standard input's words.
    /// What fails a check is listed with --json's errors: with --strict,
    /// the count of malformed lines (it was with the warnings, the errors
    /// empty beside exit status 1), and each file whose digest differs,
    /// by its name (only the count was, with no path; with --status,
    /// nothing). Found by a probe helper.
    @Test func whatFailsACheckIsAnErrorInTheReport() throws {
        let run = try Scratch().run(#"""
            echo a > a && echo b > b && printf 'xyz\n%s  a\n%064d  b\n' "$(sha256sum a | cut -c1-64)" 0 > m
            report() { python3 -c "import json; j = json.load(open('j')); print(j['exit_status'], [(e['path'], e['message']) for e in j['errors']], j['warnings'])"; }
            "$BALE" sum -c --strict --json-file j m 2> err; echo "status $?"; cat err; report
            "$BALE" sum -c --strict --status --json-file j m 2> err; echo "status $?"; cat err; report
            """#)
        #expect(run.stdout == """
            a: OK
            b: FAILED
            status 1
            bale: WARNING: 1 line is improperly formatted
            bale: WARNING: 1 computed checksum did NOT match
            1 [('b', 'b: FAILED'), (None, 'WARNING: 1 line is improperly formatted'), (None, 'WARNING: 1 computed checksum did NOT match')] []
            status 1
            1 [('b', 'b: FAILED'), (None, 'WARNING: 1 line is improperly formatted'), (None, 'WARNING: 1 computed checksum did NOT match')] []

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test func anEmptyNameIsNoSuchFile() throws {
        let run = try Scratch().run(#"""
            echo hi > f
            sha256sum '' f > g.out 2> g.err; echo "sha256sum: $?"
            echo data | "$BALE" sum '' f > b.out 2> b.err; echo "bale: $?"
            cmp g.out b.out && echo "same lines"; cat b.err
            """#)
        #expect(run.stdout == """
            sha256sum: 1
            bale: 1
            same lines
            bale: : No such file or directory

            """, "\(run.stdout)\(run.stderr)")
    }
}

/// `bale pack --manifest`: digests taken in the same pass as packing, a
/// line for every name of a file, a hard link's with its target's digest
/// (as `sha256sum` of the tree lists it).
@Suite struct ManifestTests {
    @Test func sha256sumChecksTheSourceAndTheUnpackedTree() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir -p t/d && seq 1 1000 > t/a && : > t/empty && head -c 9000000 "$FIXTURES/mixed" > t/d/large
            printf 'b' > 't/back\slash'; printf 's' > 't/with space'; printf 'n' > "t/d/new
            line"
            ln -s a t/link && ln t/a t/d/hard
            "$BALE" pack t -o t.tar.gz --manifest t.sha256; echo "status=$?"
            sha256sum -c --quiet t.sha256 && echo "source tree checks"
            mkdir u && "$BALE" unpack t.tar.gz -C u && cp t.sha256 u/ && ( cd u && sha256sum -c --quiet t.sha256 ) \
              && echo "unpacked tree checks"
            find t -type f -print0 | xargs -0 sha256sum | sort > ref
            [ "$(sort t.sha256)" = "$(cat ref)" ] && echo "one line per file, as sha256sum"
            grep -c ' t/d/hard$' t.sha256
            "$BALE" pack t -o - --manifest - > /dev/null 2>&1; echo "both on stdout=$?"
            """#)
        #expect(run.stdout == """
            status=0
            source tree checks
            unpacked tree checks
            one line per file, as sha256sum
            1
            both on stdout=64

            """, "\(run.stdout)\(run.stderr)")
    }
}

/// `pack --manifest` is written on its own thread while the last chunks
/// compress: it must still be sorted in byte order (the walk order is not:
/// "a/x" is walked before "a-b"), and appear only with a whole archive.
@Suite struct ManifestWriterTests {
    @Test func theManifestIsSortedInByteOrder() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p t/a t/b && for n in a/x a-b a.txt a0 b/y B _ 'a b' ; do echo "$n" > "t/$n"; done
            "$BALE" pack t -o t.tar.gz --manifest t.sha256; echo "status=$?"
            cut -c67- t.sha256 > names
            LC_ALL=C sort -c names && echo "sorted as LC_ALL=C sort"
            wc -l < names
            "$BALE" pack t -o t2.tar.gz --manifest - > out; echo "to stdout=$?"
            cmp out t.sha256 && echo "stdout has the same manifest"
            """)
        #expect(run.stdout == "status=0\nsorted as LC_ALL=C sort\n8\nto stdout=0\nstdout has the same manifest\n",
                "\(run.stdout)\(run.stderr)")
    }

    /// A manifest longer than the 1 MiB block it is written in: every
    /// line whole, across the block boundaries.
    @Test func aManifestOfSeveralBlocks() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            python3 -c "
            import os
            for d in range(12):
                os.makedirs(f't/dir{d:02}')
                for i in range(1000):
                    open(f't/dir{d:02}/a-rather-long-file-name-to-fill-blocks-{i:04}', 'w').write(str(i))
            "
            "$BALE" pack t -o t.tar.gz --manifest t.sha256; echo "status=$?"
            [ $(stat -c %s t.sha256) -gt 1048576 ] && echo "over 1 MiB"
            find t -type f -print0 | xargs -0 sha256sum | LC_ALL=C sort -k 2 > ref
            cmp t.sha256 ref && echo "the same as sha256sum, sorted"
            """)
        #expect(run.stdout == "status=0\nover 1 MiB\nthe same as sha256sum, sorted\n", "\(run.stdout)\(run.stderr)")
    }

    /// A pack that fails part-way (a poison chunk) leaves neither the
    /// archive nor the manifest, nor either's temporary file.
    @Test func aFailedPackLeavesNoManifest() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir t && seq 1 1000 > t/small && for i in 1 2 3 4; do cat "$FIXTURES/mixed"; done > t/big
            BALE_TEST_KILL_WORKER_AT_CHUNK=3 "$BALE" pack -p 2 t -o t.tar.gz --manifest t.sha256 2> err
            echo "status=$?"
            ls -A | sort | tr '\\n' ' '; echo
            cat err >&2
            BALE_TEST_KILL_WORKER_AT_CHUNK=3 "$BALE" pack -p 2 t -o t.tar.gz --manifest - > out 2> err
            echo "status=$?"; wc -c < out
            """)
        #expect(run.stdout == "status=1\nerr t \nstatus=1\n0\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("bale: t.tar.gz: the chunk at byte "), "\(run.stderr)")
        #expect(run.stderr.contains("ended 2 worker processes in turn"), "\(run.stderr)")
    }

    /// A manifest that cannot be written fails the pack before its
    /// archive takes its name: the archive had replaced the one already
    /// there (exit 1), leaving it beside the manifest of the run before,
    /// which no longer described it. Now the old archive and manifest stay
    /// as they were, and nothing temporary is left.
    @Test func aManifestNotWrittenLeavesTheOldArchive() throws {
        let run = try Scratch().run(#"""
            mkdir t && seq 1 5000 > t/a && seq 2 9000 > t/b
            "$BALE" pack t -o t.tgz --manifest t.sha256 && cp t.tgz before.tgz && cp t.sha256 before.sha256
            seq 3 7000 > t/a
            "$BALE" pack t -o t.tgz --manifest /dev/full 2> err; echo "to a full device: $?"
            cmp t.tgz before.tgz && cmp t.sha256 before.sha256 && echo "the archive and the manifest before kept"
            ls -A | sort | tr '\n' ' '; echo
            cat err >&2
            """#)
        #expect(run.stdout == """
            to a full device: 1
            the archive and the manifest before kept
            before.sha256 before.tgz err t t.sha256 t.tgz \("")

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("bale: /dev/full: write error: No space left on device (the manifest)"), "\(run.stderr)")
        #expect(run.stderr.contains("bale: t.tgz: not made, as its manifest could not be written"), "\(run.stderr)")
    }

    /// `sum` stopped by a batch that ended worker after worker names the
    /// batch's files: it said "files: the chunk at byte 0 ...", naming
    /// none, and printed nothing of the files it did not hash.
    @Test func aPoisonBatchIsNamedByItsFiles() throws {
        let run = try Scratch().run(#"""
            mkdir t && for i in $(seq 1 600); do seq 1 $i > t/f$(printf %04d $i); done
            BALE_TEST_KILL_WORKER_AT_CHUNK=3 "$BALE" sum -p 2 t > out 2> err; echo "status=$?"
            cat err >&2
            """#)
        #expect(run.stdout == "status=1\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains(" ended 2 worker processes in turn (the last died (killed by signal 9)); "
                                    + "stopping: the files after it are not hashed"), "\(run.stderr)")
        #expect(run.stderr.contains("bale: t/f") && run.stderr.contains(" files from it to t/f"), "\(run.stderr)")
    }

    /// The digests of the batches before the one that stopped the run are
    /// printed, as sha256sum prints the lines before an error: given a
    /// tree, bale printed none (the collector wrote nothing once the run
    /// had failed, results that had come back included; a probe helper).
    /// One worker, so the batches before have come back when it stops.
    @Test func theDigestsBeforeAPoisonBatchArePrinted() throws {
        let run = try Scratch().run(#"""
            mkdir t && for i in $(seq 1 600); do seq 1 $i > t/f$(printf %04d $i); done
            BALE_TEST_KILL_WORKER_AT_CHUNK=2 "$BALE" sum -p 1 t > out 2> err; echo "status=$?"
            [ -s out ] && echo "lines printed" && sha256sum t/* | head -n "$(wc -l < out)" | cmp - out && echo "sha256sum's"
            """#)
        #expect(run.stdout == "status=1\nlines printed\nsha256sum's\n", "\(run.stdout)\(run.stderr)")
    }
}

/// `bale gzip -r --manifest`: the digests of the files compressed.
@Suite struct RecursiveManifestTests {
    /// A manifest an earlier run left in the tree is this run's output,
    /// never an input: passed over with a notice, and the new manifest
    /// passes `sha256sum -c`. It was compressed (m.sha.gz), and the new
    /// manifest listed the old one's digest under its name (FAILED, exit 2).
    @Test func aManifestInTheTreeIsNotCompressedByTheNextRun() throws {
        let run = try Scratch().run(#"""
            mkdir md && echo a > md/a && "$BALE" gzip -r --manifest md/m.sha md
            echo b > md/b && "$BALE" gzip -r --manifest md/m.sha md 2> err; echo "status $?"
            cat err; ls md; gzip -dk md/a.gz md/b.gz && sha256sum -c md/m.sha
            """#)
        #expect(run.stdout == """
            status 0
            bale: md/m.sha: is an output of this run; not read
            a.gz
            b.gz
            m.sha
            md/a: OK
            md/b: OK

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The manifest a removing run replaces keeps the lines that are the
    /// only record of an input an earlier run removed (its input gone,
    /// its .gz there): the parts of a `--shard` run one after another with
    /// one `--manifest` kept only the last part's digests, each exit 0 (a
    /// probe helper), and a run with nothing left to do wrote an empty
    /// manifest over the whole one. A line whose .gz is gone too, or whose
    /// input is back, is not carried.
    @Test func theLinesOfInputsRemovedBeforeAreKept() throws {
        let run = try Scratch().run(#"""
            mkdir t && for i in $(seq 30); do echo $i > t/f$i; done
            for k in 1 2 3; do "$BALE" gzip -r -q --shard $k/3 --manifest M t; echo "part $k: $?"; done
            wc -l < M
            "$BALE" gzip -r -q t --manifest M; echo "nothing to do: $? $(wc -l < M)"
            rm t/f1.gz; echo back > t/f2; rm t/f2.gz
            "$BALE" gzip -r -q t --manifest M; echo "again: $? $(wc -l < M)"
            gunzip -r t && sha256sum -c M | grep -c ': OK$'
            grep -c 't/f1$' M
            """#)
        #expect(run.stdout == """
            part 1: 0
            part 2: 0
            part 3: 0
            30
            nothing to do: 0 30
            again: 0 29
            29
            0

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test func sha256sumChecksTheFilesBeforeAndAfter() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir -p t/d && seq 1 1000 > t/a && : > t/empty && head -c 13000000 "$FIXTURES/mixed" > t/d/large
            printf 'b' > 't/back\slash'; printf 'n' > "t/d/new
            line"
            "$BALE" gzip -r -p 2 -k --manifest k.sha256 t; echo "status=$?"
            sha256sum -c --quiet k.sha256 && echo "checks with -k"
            find t -type f ! -name '*.gz' -print0 | xargs -0 sha256sum | sort > ref
            [ "$(sort k.sha256)" = "$(cat ref)" ] && echo "one line per file, as sha256sum"
            rm t/*.gz t/d/*.gz
            "$BALE" gzip -r -p 2 --manifest m.sha256 t && "$BALE" gunzip -r t && sha256sum -c --quiet m.sha256 \
              && echo "checks after gzip -r and gunzip -r"
            "$BALE" gunzip -r --manifest x t 2>/dev/null; echo "with -d=$?"
            """#)
        #expect(run.stdout == """
            status=0
            checks with -k
            one line per file, as sha256sum
            checks after gzip -r and gunzip -r
            with -d=64

            """, "\(run.stdout)\(run.stderr)")
    }
}

/// `bale verify`: good archives pass; damage is caught and located.
@Suite struct VerifyTests {
    /// The first damaged member of bale's own archive is found in order and
    /// the entries it touches are named: the file whose bytes it held, the
    /// entries whose headers it held (between two named ones), and where
    /// reading resumes. Python's tarfile gives the expected offsets.
    @Test func namesWhatADamagedMemberTouches() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir t && head -c 6000000 "$FIXTURES/mixed" > t/a
            for i in $(seq 100 399); do seq 1 $((i * 100)) > t/s$i; done
            "$BALE" pack t -o bale.tar.gz
            python3 - <<'PY'
            import struct, tarfile
            d = open('bale.tar.gz', 'rb').read(); starts = []; o = 0; u = 0
            while d[o + 12:o + 14] == b'BL':  # the data members, up to the end member ("BE")
                n, size = struct.unpack('<II', d[o + 18:o + 26]); starts.append((o, n, u, u + size)); o += n; u += size
            o, n, lo, hi = starts[1]
            flipped = bytearray(d); flipped[o + n // 2] ^= 0xff
            open('flip.tar.gz', 'wb').write(flipped)
            open('cut.tar.gz', 'wb').write(d[:starts[-1][0] + 100])
            entries = tarfile.open('bale.tar.gz').getmembers()
            a = next(e for e in entries if e.name == 't/a')
            after = next(e for e in entries if e.offset >= hi)
            last = [e for e in entries if e.offset < starts[-1][2]][-1]
            with open('expected', 'w') as f:
                f.write(f"bale: flip.tar.gz: the first damaged member is at byte {o} (bytes {lo}–{hi} of the tar stream)\n")
                f.write(f"bale: flip.tar.gz: it holds bytes {lo - a.offset_data}–6000000 of t/a\n")
                f.write(f"bale: flip.tar.gz: it holds the headers of the entries after t/a and before {after.name}; their names are lost with it\n")
                f.write(f"bale: flip.tar.gz: reading resumes at {after.name} (byte {after.offset} of the tar stream)\n")
                f.write("bale: cut.tar.gz: truncated: unexpected end of file\n")
                f.write(f"bale: cut.tar.gz: the first damaged member is at byte {starts[-1][0]} (bytes {starts[-1][2]}–{starts[-1][3]} of the tar stream)\n")
                if last.offset_data + last.size > starts[-1][2]:
                    f.write(f"bale: cut.tar.gz: it holds bytes {starts[-1][2] - last.offset_data}–{last.size} of {last.name}\n")
                f.write(f"bale: cut.tar.gz: it holds the headers of the entries after {last.name}; their names are lost with it\n")
                f.write("bale: cut.tar.gz: no entry after it can be read\n")
            PY
            "$BALE" verify flip.tar.gz 2> err; echo "flipped: $?"
            "$BALE" verify cut.tar.gz 2>> err; echo "cut: $?"
            sed 's/ of the tar stream): .*/ of the tar stream)/' err | diff expected - && echo "named as expected"
            """#)
        #expect(run.stdout == """
            flipped: 1
            cut: 1
            named as expected

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Damage in the first member of a file that runs on for more than
    /// the 16 members `verify` inflates looking for a place to resume: the
    /// entry after the file is named, as `cat` reads it. It said "no entry
    /// after it can be read" (a reading helper, a 5 GiB file).
    @Test(.enabled(if: Machine.has("python3"), "python3 finds the members"))
    func readingResumesAfterALongDamagedFile() throws {
        let run = try Scratch().run(#"""
            mkdir t && head -c 100000000 /dev/zero > t/big && echo after > t/z
            "$BALE" pack -q t -o a.tgz || exit 1
            python3 - <<'PY'
            import struct, tarfile
            d = bytearray(open('a.tgz', 'rb').read()); o = 0; starts = []
            while d[o + 12:o + 14] == b'BL':
                n, size = struct.unpack('<II', d[o + 18:o + 26]); starts.append((o, n)); o += n
            o, n = starts[1]; d[o + n // 2] ^= 0xff
            open('flip.tgz', 'wb').write(d)
            z = next(e for e in tarfile.open('a.tgz').getmembers() if e.name == 't/z')
            print(len(starts) > 20, z.offset, file=open('expected', 'w'))
            PY
            "$BALE" verify flip.tgz 2> err; echo "verify $?"
            read many offset < expected; echo "$many"
            grep -Fx "bale: flip.tgz: reading resumes at t/z (byte $offset of the tar stream)" err > /dev/null && echo "resumes at t/z"
            "$BALE" cat flip.tgz t/z
            """#)
        #expect(run.stdout == "verify 1\nTrue\nresumes at t/z\nafter\n", "\(run.stdout)\(run.stderr)")
    }

    /// A file archived over a directory the archive filled before it (an
    /// entry below it, a file or a directory) is refused by extraction
    /// ("File exists"), so `verify --manifest` fails a manifest that lists
    /// it as that file, as `sha256sum -c` of tar's tree fails it; it said
    /// OK. Over an empty directory the file takes its place, and both pass.
    /// A reading helper found it.
    @Test func aFileOverAFilledDirectoryIsNotWhatExtractionLeaves() throws {
        let run = try Scratch().run(#"""
            python3 - <<'EOF'
            import hashlib, io, tarfile
            def add(t, name, data=None):
                info = tarfile.TarInfo(name)
                if data is None:
                    info.type = tarfile.DIRTYPE
                    t.addfile(info)
                else:
                    info.size = len(data)
                    t.addfile(info, io.BytesIO(data))
            for archive, entries, name in (('a', [('d', None), ('d/f', b'in\n'), ('d', b'out\n')], 'd'),
                                           ('b', [('e/x/', None), ('e', b'out\n')], 'e'),
                                           ('c', [('g', None), ('g', b'out\n')], 'g')):
                with tarfile.open(archive + '.tar', 'w', format=tarfile.GNU_FORMAT) as t:
                    for entry in entries: add(t, *entry)
                open(archive + '.sum', 'w').write(hashlib.sha256(b'out\n').hexdigest() + '  ' + name + '\n')
            EOF
            for a in a b c; do
                "$BALE" verify $a.tar --manifest $a.sum > /dev/null 2>&1; bale=$?
                rm -rf t && mkdir t && (cd t && tar -xf ../$a.tar 2> /dev/null; sha256sum -c --status ../$a.sum); echo "$a: bale $bale, tar and sha256sum $?"
            done
            """#)
        #expect(run.stdout == "a: bale 1, tar and sha256sum 1\nb: bale 1, tar and sha256sum 1\nc: bale 0, tar and sha256sum 0\n",
                "\(run.stdout)\(run.stderr)")
    }

    /// `verify --manifest` judges each name by what extraction leaves
    /// there. A file followed by a symbolic link, a hard link, a directory
    /// or another file of that name (spelled `./f`) ends as the later
    /// entry; bale took the first file's digest, keyed by the name as
    /// stored, and said "OK" of archives whose unpacked tree fails
    /// `sha256sum -c`. A hard link holds its target's content. And a
    /// sparse file the manifest does not name is not hashed: one whose
    /// header claims 2^60 bytes of holes was hashed for ever. A manifest's
    /// name ending in a slash or `/.` (`f/`) names a directory: the file
    /// `f` fails it, as `sha256sum -c` says "Not a directory" (it matched
    /// `f`, exit 0).
    @Test func theManifestIsCheckedAgainstTheTreeExtractionLeaves() throws {
        let run = try Scratch().run(#"""
            python3 - <<'PY'
            import io, tarfile
            def tar(path, members):
                with tarfile.open(path, 'w:gz', format=tarfile.GNU_FORMAT) as t:
                    for info, data in members:
                        t.addfile(info, io.BytesIO(data) if data is not None else None)
            def file(name, data):
                i = tarfile.TarInfo(name); i.size = len(data); return (i, data)
            def other(name, kind, link=''):
                i = tarfile.TarInfo(name); i.type = kind; i.linkname = link; return (i, None)
            tar('symlink.tar.gz', [file('f', b'AAAA'), other('f', tarfile.SYMTYPE, '/etc/passwd')])
            tar('hardlink.tar.gz', [file('f', b'AAAA'), file('g', b'BBBB'), other('f', tarfile.LNKTYPE, 'g')])
            tar('directory.tar.gz', [file('f', b'AAAA'), other('f', tarfile.DIRTYPE)])
            tar('dotted.tar.gz', [file('f', b'AAAA'), file('./f', b'CCCC')])
            tar('linked.tar.gz', [file('g', b'AAAA'), other('f', tarfile.LNKTYPE, 'g')])
            tar('plain.tar.gz', [file('./f', b'AAAA')])
            tar('parent.tar.gz', [other('d', tarfile.SYMTYPE, 'elsewhere'), file('d/f', b'AAAA')])
            PY
            printf 'AAAA' > f && "$BALE" sum f > m.sha256 && mkdir d && cp f d/f && "$BALE" sum d/f > parent.sha256
            for a in symlink hardlink directory dotted linked plain parent; do
                m=m.sha256; [ $a = parent ] && m=parent.sha256
                "$BALE" verify $a.tar.gz --manifest $m > out 2> err; status=$?
                rm -rf x && mkdir x && tar -xzf $a.tar.gz -C x 2> /dev/null; (cd x && sha256sum --quiet -c ../$m > /dev/null 2>&1)
                echo "$a: verify $status, sha256sum -c $? $(grep -o 'FAILED ([a-z ]*' err)"
            done
            python3 - <<'PY'
            import tarfile, io
            i = tarfile.TarInfo('huge'); i.size = 517
            i.pax_headers = {'GNU.sparse.major': '1', 'GNU.sparse.minor': '0', 'GNU.sparse.name': 'huge',
                             'GNU.sparse.realsize': str(2 ** 60)}
            with tarfile.open('sparse.tar', 'w', format=tarfile.PAX_FORMAT) as t:
                t.addfile(i, io.BytesIO(b'1\n0\n5\n' + b'\0' * 506 + b'hello'))
            PY
            timeout 20 "$BALE" verify sparse.tar --manifest m.sha256 2> err; echo "sparse: $? $(cat err | head -n 1)"
            for n in f/ f/.; do
                sed "s|  f$|  $n|" m.sha256 > slash.sha256
                "$BALE" verify plain.tar.gz --manifest slash.sha256 > out 2> err; status=$?
                rm -rf x && mkdir x && tar -xzf plain.tar.gz -C x; (cd x && sha256sum --quiet -c ../slash.sha256 > /dev/null 2>&1)
                echo "$n: verify $status, sha256sum -c $? $(grep -o 'FAILED ([a-z ]*' err)"
            done
            """#)
        #expect(run.stdout == """
            symlink: verify 1, sha256sum -c 1 FAILED (extracted from symlink
            hardlink: verify 1, sha256sum -c 1 FAILED (its content in hardlink
            directory: verify 1, sha256sum -c 1 FAILED (extracted from directory
            dotted: verify 1, sha256sum -c 1 FAILED (its content in dotted
            linked: verify 0, sha256sum -c 0 
            plain: verify 0, sha256sum -c 0 
            parent: verify 1, sha256sum -c 1 
            sparse: 1 bale: f: not in sparse.tar
            f/: verify 1, sha256sum -c 1 FAILED (extracted from plain
            f/.: verify 1, sha256sum -c 1 FAILED (extracted from plain

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Whether an archive is a tar is decided by its content, not its
    /// name: a tar stream cut inside a file, gzipped whole, was "OK" (exit
    /// 0, the gzip layer alone checked) as BACKUP.TGZ, b.tar.GZ,
    /// backup.tar.gz.1 or backup, and truncated (exit 1) only as
    /// backup.tgz or from standard input. A bale archive renamed keeps its
    /// manifest check; a .gz of text is still checked as gzip alone.
    @Test func aTarIsCheckedWhateverItsName() throws {
        let run = try Scratch().run(#"""
            mkdir src && for i in 1 2 3; do head -c 3000 "$FIXTURES/mixed" > src/f$i; done
            tar cf - src | head -c 5000 | gzip > backup.tgz
            for f in BACKUP.TGZ b.tar.GZ backup.tar.gz.1 backup; do cp backup.tgz $f; done
            for f in BACKUP.TGZ b.tar.GZ backup.tar.gz.1 backup backup.tgz; do
                "$BALE" verify $f 2> err; echo "$f: $? $(head -n 1 err)"
            done
            "$BALE" verify - < BACKUP.TGZ 2> err; echo "stdin: $? $(head -n 1 err)"
            "$BALE" pack src -o packed.tar.gz --manifest src.sha256 2> /dev/null && cp packed.tar.gz PACKED.BAK
            "$BALE" verify PACKED.BAK --manifest src.sha256
            seq 1 1000 | gzip > numbers.gz && "$BALE" verify numbers.gz
            """#)
        #expect(run.stdout == """
            BACKUP.TGZ: 1 bale: BACKUP.TGZ: truncated: unexpected end of file
            b.tar.GZ: 1 bale: b.tar.GZ: truncated: unexpected end of file
            backup.tar.gz.1: 1 bale: backup.tar.gz.1: truncated: unexpected end of file
            backup: 1 bale: backup: truncated: unexpected end of file
            backup.tgz: 1 bale: backup.tgz: truncated: unexpected end of file
            stdin: 1 bale: stdin: truncated: unexpected end of file
            PACKED.BAK: OK (4 entries, 3 files match the manifest)
            numbers.gz: OK

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A file that is not gzip (zlib's format from `pigz -z`, text), not
    /// named as a tar, is "not in gzip format", as `gunzip -t` and
    /// `gzip -t` say; `verify` read it as a tar and said it was "shorter
    /// than one tar header" or had a "bad tar header checksum". The exit
    /// status is 1 either way.
    @Test func aFileThatIsNotGzipIsNotInGzipFormat() throws {
        let run = try Scratch().run(#"""
            printf 'hello\n' | pigz -z > z.gz && seq 1 1000 > text.gz
            for f in z.gz text.gz; do
                "$BALE" verify $f 2> err; echo "$f: $? $(cat err)"
                "$BALE" gunzip -t $f 2> err; echo "gunzip -t $f: $? $(cat err)"
            done
            "$BALE" verify - < z.gz 2> err; echo "stdin: $? $(cat err)"
            """#)
        #expect(run.stdout == """
            z.gz: 1 bale: z.gz: not in gzip format
            gunzip -t z.gz: 1 bale: z.gz: not in gzip format
            text.gz: 1 bale: text.gz: not in gzip format
            gunzip -t text.gz: 1 bale: text.gz: not in gzip format
            stdin: 1 bale: stdin: not in gzip format

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `bale help verify` said "Exit 0 or 1." though `verify` exits 2
    /// ("read with warnings") for trailing garbage after the gzip data and
    /// for a tar stream without its end-of-archive blocks, as the README says.
    /// An empty tar (zero blocks only), not named as one, is a tar all
    /// the same, as `tar tf` reads it: it was refused as "not in gzip
    /// format" once the content decided.
    @Test func anEmptyTarIsATarWhateverItsName() throws {
        let run = try Scratch().run(#"""
            tar cf backup.1 -T /dev/null
            tar tf backup.1; echo "tar: $?"
            "$BALE" verify backup.1; echo "file: $?"
            "$BALE" verify - < backup.1; echo "stdin: $?"
            """#)
        #expect(run.stdout == "tar: 0\nbackup.1: OK (0 entries)\nfile: 0\nstdin: OK (0 entries)\nstdin: 0\n",
                "\(run.stdout)\(run.stderr)")
    }

    @Test func theHelpNamesEveryExitStatus() throws {
        let run = try Scratch().run(#"""
            "$BALE" help verify | tr '\n' ' ' | tr -s ' ' > help
            grep -q 'Exit 0 or 1' help && echo "help: 0 or 1 only"
            grep -o 'Exit 2[^:]*' help
            grep -q 'trailing garbage' help && grep -q 'end-of-archive blocks' help && echo "help names both causes"
            mkdir d && seq 1 20 > d/f && tar cf - d > whole.tar && gzip -c whole.tar > whole.tar.gz
            (cat whole.tar.gz; echo junk) > tail.tar.gz
            head -c 1536 whole.tar | gzip > noend.tar.gz      # d/ and d/f whole, no end blocks
            for f in whole tail noend; do "$BALE" verify $f.tar.gz > /dev/null 2>&1; echo "$f: $?"; done
            """#)
        #expect(run.stdout == """
            Exit 2, "read with warnings"
            help names both causes
            whole: 0
            tail: 2
            noend: 2

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test func passesGoodArchivesAndCatchesDamage() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir t && head -c 6000000 "$FIXTURES/mixed" > t/a && head -c 6000000 "$FIXTURES/text" > t/b && seq 1 99999 > t/c
            "$BALE" pack t -o bale.tar.gz --manifest t.sha256 && tar -czf gnu.tar.gz t && tar -cf - t | pigz > pigz.tar.gz
            gzip -c t/c > c.gz
            for f in bale gnu pigz; do "$BALE" verify $f.tar.gz --manifest t.sha256 2>&1 | sed 's/ (.*//'; done
            "$BALE" verify c.gz
            size=$(stat -c %s bale.tar.gz)
            cp bale.tar.gz flip.tar.gz && printf '\377' | dd of=flip.tar.gz bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
            "$BALE" verify flip.tar.gz 2> err; echo "flipped: $?"; grep -c 'flip.tar.gz: the first damaged member is at byte [0-9]* ' err
            head -c $((size * 2 / 3)) bale.tar.gz > cut.tar.gz; "$BALE" verify cut.tar.gz 2>/dev/null; echo "truncated: $?"
            python3 - <<'PY'
            import struct
            d = open('bale.tar.gz', 'rb').read(); members = []; o = 0
            while d[o + 12:o + 14] == b'BL':  # the data members, then the end member as it is
                n = struct.unpack('<I', d[o + 18:o + 22])[0]; members.append(d[o:o + n]); o += n
            members.append(d[o:])
            members[1], members[2] = members[2], members[1]
            open('swapped.tar.gz', 'wb').write(b''.join(members))
            PY
            "$BALE" verify swapped.tar.gz 2> err; echo "swapped: $?"; grep -c 'the damage is in or after t/a' err
            echo more >> t/c && "$BALE" sum t/c | sed 's|t/c$|t/c|' > /dev/null
            cat bale.tar.gz > tail.tar.gz && echo garbage >> tail.tar.gz
            "$BALE" verify tail.tar.gz 2> err; echo "trailing bytes: $?"; grep -c 'decompression OK, trailing garbage ignored' err
            sed -i '$ s/^[0-9a-f]\{8\}/00000000/' t.sha256
            "$BALE" verify bale.tar.gz --manifest t.sha256 2>&1 | grep -c 'FAILED'
            """#)
        #expect(run.stdout == """
            bale.tar.gz: OK
            gnu.tar.gz: OK
            pigz.tar.gz: OK
            c.gz: OK
            flipped: 1
            1
            truncated: 1
            swapped: 1
            1
            tail.tar.gz: read with warnings (4 entries)
            trailing bytes: 2
            1
            1

            """, "\(run.stdout)\(run.stderr)")
    }
}
