import Foundation
import Testing

/// Outputs the user names (`-o`, `--manifest`, `--json-file`) and what
/// stands at those names (`OutputDestination`): a symbolic link is
/// written through, a name for a descriptor bale was handed is that
/// descriptor, and two names for one file are refused before anything
/// is written. Each case here once lost data with exit 0.
@Suite struct NamedOutputTests {
    @Test func aLinkIsWrittenThroughAndADescriptorNameIsTheDescriptor() throws {
        let run = try Scratch().run(#"""
            mkdir rr && echo precious > rr/data
            : > real.tgz && ln -s real.tgz lk.tgz
            "$BALE" pack rr -o lk.tgz; echo "link: $?"
            [ -L lk.tgz ] && tar -tzf real.tgz
            ln -s /proc/self/fd/1 mystdout
            "$BALE" pack rr -o mystdout > out.bin; echo "link to standard output: $?"
            [ -L mystdout ] && tar -tzf out.bin | head -1
            "$BALE" pack rr -o /dev/stdout > out2.bin; echo "/dev/stdout: $?"
            tar -tzf out2.bin | head -1
            "$BALE" pack rr -o x.tgz --manifest /dev/fd/3 3> m.txt; echo "/dev/fd/3: $?"
            cut -c67- m.txt
            echo "first line" > log
            "$BALE" pack rr -o y.tgz --manifest /dev/stdout >> log; echo "appended: $?"
            cut -c1-10 log
            "$BALE" pack rr -o z.tgz --manifest /dev/fd/7; echo "not handed over: $?"
            seq 1000 > a && "$BALE" gzip -o /dev/stdout a > a.gz; echo "gzip: $?"
            gzip -dc a.gz | cmp - a && echo "a.gz whole"
            """#)
        #expect(run.stdout == """
            link: 0
            rr/
            rr/data
            link to standard output: 0
            rr/
            /dev/stdout: 0
            rr/
            /dev/fd/3: 0
            rr/data
            appended: 0
            first line
            a37214679d
            not handed over: 1
            gzip: 0
            a.gz whole

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("/dev/fd/7: Bad file descriptor"), "\(run.stderr)")
    }

    @Test func twoNamesForOneFileAreRefused() throws {
        let run = try Scratch().run(#"""
            mkdir rr && echo precious > rr/data
            "$BALE" pack --remove-files rr -o x.tgz --manifest ./x.tgz 2> err; echo "pack: $?"
            cat rr/data; [ -e x.tgz ] || echo "no x.tgz"; head -1 err
            "$BALE" pack rr -o - --manifest /dev/stdout > o.bin 2> /dev/null; echo "standard output twice: $?"
            ln -s x.tgz lx
            "$BALE" pack rr -o x.tgz --json-file lx 2> /dev/null; echo "through a link: $?"
            "$BALE" pack rr -o /dev/null --manifest /dev/null; echo "/dev/null twice: $?"
            cp rr/data b && "$BALE" gzip -f -o b b; echo "gzip -o the input: $?"
            cat b
            "$BALE" gzip -f -o /dev/fd/3 b 3>> b 2> /dev/null; echo "gzip -o a descriptor on the input: $?"
            cat b
            """#)
        #expect(run.stdout == """
            pack: 64
            precious
            no x.tgz
            Error: -o and --manifest name the same file ('./x.tgz'): one would overwrite the other
            standard output twice: 64
            through a link: 64
            /dev/null twice: 0
            gzip -o the input: 1
            precious
            gzip -o a descriptor on the input: 1
            precious

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("b: -o names the input itself; not written"), "\(run.stderr)")
    }

    /// `pack d -o d/x.tgz` run again (a nightly job) stored the last
    /// run's archive in the new one; GNU tar passes the archive over, and
    /// says so ("file is the archive; not dumped", exit 0), as bale now
    /// does, also of a hard link to it elsewhere in the tree (left out
    /// without a word before; a probe helper). The temporary file being
    /// written is passed over in silence.
    @Test func theArchiveReplacedIsNotStored() throws {
        let run = try Scratch().run(#"""
            mkdir d && seq 1000 > d/f
            "$BALE" pack d -o d/x.tgz && "$BALE" pack d -o d/x.tgz 2> err; echo "status $? $(cat err)"
            tar -tzf d/x.tgz
            ln d/x.tgz d/backup.tgz; "$BALE" pack d -o d/x.tgz 2> err; echo "status $? $(sort err | tr '\n' ' ')"
            tar -tzf d/x.tgz
            """#)
        #expect(run.stdout == """
            status 0 bale: d/x.tgz: file is the archive; not dumped
            d/
            d/f
            status 0 bale: d/backup.tgz: file is the archive; not dumped bale: d/x.tgz: file is the archive; not dumped \("")
            d/
            d/f

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `pack d -o x.tgz --manifest d/MANIFEST` run again stored the last
    /// run's manifest and listed its digest in the new one, which then
    /// replaced it: `sha256sum -c` of the manifest failed on its own name
    /// right after an exit 0 (a probe helper). The manifest being replaced
    /// is passed over, with a notice, as the archive is.
    @Test func theManifestReplacedIsNotStored() throws {
        let run = try Scratch().run(#"""
            mkdir d && seq 1000 > d/f
            "$BALE" pack d -o x.tgz --manifest d/MANIFEST && "$BALE" pack d -o x.tgz --manifest d/MANIFEST 2> err
            echo "status $? $(cat err)"
            sha256sum -c d/MANIFEST
            tar -tzf x.tgz
            """#)
        #expect(run.stdout == """
            status 0 bale: d/MANIFEST: file is the manifest; not dumped
            d/f: OK
            d/
            d/f

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The outputs a run writes into a tree it walks are never its inputs:
    /// `sum d > d/SHA256SUMS` (the manifest being written, empty or
    /// growing as it was hashed: listed with a digest that `sha256sum -c`
    /// failed right after exit 0; again with `>>`), `gzip -rc d > d/all`
    /// (its own output compressed into itself as it grew, "file changed
    /// as we read it") and an earlier `--json-file` report inside the tree
    /// (emptied as the run begins: stored, hashed or compressed as an
    /// empty file beside the report written at the end). Each is left out
    /// with a notice, exit 0, as `pack` leaves out its archive; a path
    /// given is still taken, as sha256sum takes it.
    @Test func theRunsOwnOutputsInATreeAreNotRead() throws {
        let run = try Scratch().run(#"""
            mkdir d && seq 100000 > d/f && echo '{"command": "old"}' > d/r.json
            "$BALE" sum d > d/SHA256SUMS 2> err; echo "sum $? $(cat err)"
            sha256sum -c d/SHA256SUMS
            "$BALE" sum d >> d/SHA256SUMS 2> err; echo "sum >> $? $(cat err)"
            sha256sum -c d/SHA256SUMS | sort -u
            rm d/SHA256SUMS
            "$BALE" sum d --json-file d/r.json > sums 2> err; echo "sum --json-file $? $(cat err)"
            cut -c67- sums; grep -c '"command": "sum"' d/r.json
            "$BALE" pack d -o x.tgz --json-file d/r.json 2> err; echo "pack $? $(cat err)"
            tar -tzf x.tgz
            "$BALE" gzip -rc d > d/all 2> err; echo "gzip -rc $? $(cat err)"
            gzip -dc d/all | cmp - <(cat d/f d/r.json) && echo "f and r.json"
            rm d/all
            "$BALE" gzip -r d --json-file d/r.json 2> err; echo "gzip -r $? $(cat err)"
            ls d; grep -c '"command": "gzip"' d/r.json
            "$BALE" sum d/r.json > /dev/null && echo "given: hashed"
            """#)
        #expect(run.stdout == """
            sum 0 bale: d/SHA256SUMS: is an output of this run; not read
            d/f: OK
            d/r.json: OK
            sum >> 0 bale: d/SHA256SUMS: is an output of this run; not read
            d/f: OK
            d/r.json: OK
            sum --json-file 0 bale: d/r.json: is an output of this run; not read
            d/f
            1
            pack 0 bale: d/r.json: file is the JSON summary; not dumped
            d/
            d/f
            gzip -rc 0 bale: d/all: is an output of this run; not read
            f and r.json
            gzip -r 0 bale: d/r.json: is an output of this run; not read
            f.gz
            r.json
            1
            given: hashed

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A run of `pack d -o d/y.tgz` killed (SIGKILL: no handler removes
    /// its temporary file) leaves its half-made archive in the tree; a run
    /// writing another archive there leaves it out, with a notice (exit 0),
    /// and so any other run's temporary file (a run writing the same
    /// archive removes it first: InterruptionTests). It was stored (tens
    /// of MB of a half-written gzip, a probe helper). A file merely named
    /// like one (its check letters wrong) is stored.
    @Test func anotherRunsTemporaryFileIsNotStored() throws {
        let run = try Scratch().run(#"""
            mkdir d && seq 3000000 > d/f && echo x > d/.notes.bale-backup
            "$BALE" pack -9 -p 1 --codec zlib d -o d/y.tgz & pid=$!
            for i in $(seq 200); do ls -A d | grep -q '^\.y\.tgz\.bale-' && break; sleep 0.02; done
            kill -KILL $pid; wait $pid 2> /dev/null
            left=$(ls -A d | grep '^\.y\.tgz\.bale-')
            "$BALE" pack d -o d/x.tgz 2> err; echo "status $? $(sed "s/$left/TEMP/" err)"
            tar -tzf d/x.tgz
            """#)
        #expect(run.stdout == """
            status 0 bale: d/TEMP: a temporary file of another bale run (killed, or still writing); not dumped
            d/
            d/.notes.bale-backup
            d/f

            """, "\(run.stdout)\(run.stderr)")
    }

    /// An empty manifest (never written, cut to nothing) checks nothing:
    /// `verify --manifest` of it said OK. It passes only an archive with
    /// no regular file, for which `pack --manifest` writes one.
    @Test func anEmptyManifestPassesOnlyAnArchiveWithoutFiles() throws {
        let run = try Scratch().run(#"""
            mkdir -p t/e && echo x > t/f
            "$BALE" pack t -o t.tgz --manifest t.sum
            : > empty.sum && printf '# a comment\n' > comment.sum
            for m in t.sum empty.sum comment.sum /dev/null; do "$BALE" verify t.tgz --manifest $m > /dev/null; echo "$m: $?"; done
            "$BALE" pack t/e -o e.tgz --manifest e.sum && wc -c < e.sum
            "$BALE" verify e.tgz --manifest e.sum > /dev/null; echo "no files: $?"
            """#)
        #expect(run.stdout == """
            t.sum: 0
            empty.sum: 1
            comment.sum: 1
            /dev/null: 1
            0
            no files: 0

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("bale: empty.sum: no properly formatted checksum lines found"), "\(run.stderr)")
    }

    /// Links bale would follow by hand and the kernel would not: a loop
    /// (it was replaced by the archive, exit 0), and a link another user
    /// put in a sticky directory anyone may write, which
    /// `fs.protected_symlinks` keeps root from following (`tar -czf`
    /// fails there; bale replaced the file it pointed to).
    @Test func aLinkTheKernelWouldNotFollowIsNotFollowed() throws {
        let run = try Scratch().run(#"""
            mkdir d && echo x > d/f
            ln -s lp lp && "$BALE" pack d -o lp 2> err; echo "loop: $?"; [ -L lp ] && echo "lp still a link"; cat err
            mkdir -m 1777 pub && echo secret > victim && ln -s ../victim pub/b.tgz && chown -h nobody pub/b.tgz
            "$BALE" pack d -o pub/b.tgz 2> err; echo "planted: $?"; cat victim err
            """#)
        #expect(run.stdout == """
            loop: 1
            lp still a link
            bale: lp: Too many levels of symbolic links
            planted: 1
            secret
            bale: pub/b.tgz: Permission denied

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A path given is stored whatever it is, even the file the archive
    /// will replace (`pack a b -o a` keeps a's bytes, in the archive);
    /// standard output's file inside the tree is not stored.
    @Test func aPathGivenIsStoredAndStandardOutputIsNot() throws {
        let run = try Scratch().run(#"""
            echo precious > a && echo b > b
            "$BALE" pack a b -o a; echo "status $?"; tar -xzOf a a
            mkdir d && echo x > d/f && "$BALE" pack d -o - > d/x.tgz; tar -tzf d/x.tgz
            """#)
        #expect(run.stdout == "status 0\nprecious\nd/\nd/f\n", "\(run.stdout)\(run.stderr)")
    }

    /// `--json-file` naming what the run reads or makes: the summary took
    /// its place, exit 0, the data gone (a reading helper): `gzip f
    /// --json-file f.gz` (the output), `pack --remove-files d --json-file
    /// d.tar.gz` (the archive, the tree removed), `unpack` of a file over
    /// the summary's old one, `gzip -k g --json-file g` (the input kept); and `--json`
    /// with `-o /dev/stdout` appended the summary to the archive. Now an
    /// input named is refused before any work (exit 1), an output made
    /// there is kept and the summary not written (exit 1, the work done),
    /// and standard output by any name is `-` (64).
    @Test func theSummaryNeverTakesTheDatasPlace() throws {
        let run = try Scratch().run(#"""
            seq 1 100000 > f && cp f g && cp f orig && mkdir d && cp f d/x
            "$BALE" gzip f --json-file f.gz 2> err; echo "gzip: $? $(grep -c 'made or replaced while bale worked' err)"
            gzip -dc f.gz | cmp - orig && echo "f.gz is the data"
            "$BALE" gzip -k g --json-file g 2> err; echo "gzip -k: $? $(grep -c 'is an input of this run' err)"
            cmp g orig && [ ! -e g.gz ] && echo "g kept, nothing done"
            "$BALE" pack --remove-files d --json-file d.tar.gz 2> err; echo "pack: $? $(grep -c 'made or replaced' err)"
            tar -xzOf d.tar.gz d/x | cmp - orig && echo "d.tar.gz is the archive"
            mkdir -p u/d && echo old > u/d/x && "$BALE" unpack d.tar.gz -C u --json-file u/d/x 2> err; echo "unpack: $? $(grep -c 'made or replaced' err)"
            cmp u/d/x orig && echo "u/d/x extracted"
            "$BALE" pack g -o /dev/stdout --json > s.tgz 2> /dev/null; echo "pack -o /dev/stdout --json: $?"
            "$BALE" gzip -k g -o /dev/fd/1 --json > s.gz 2> /dev/null; echo "gzip -o /dev/fd/1 --json: $?"
            "$BALE" sum g --json-file j > /dev/null && "$BALE" sum g --json-file j > /dev/null && python3 -m json.tool j > /dev/null \
                && echo "a summary of the run before is replaced"
            """#)
        #expect(run.stdout == """
            gzip: 1 1
            f.gz is the data
            gzip -k: 1 1
            g kept, nothing done
            pack: 1 1
            d.tar.gz is the archive
            unpack: 1 1
            u/d/x extracted
            pack -o /dev/stdout --json: 64
            gzip -o /dev/fd/1 --json: 64
            a summary of the run before is replaced

            """, "\(run.stdout)\(run.stderr)")
    }
}
