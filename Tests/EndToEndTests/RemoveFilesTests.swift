import Foundation
import Testing

/// `bale pack --remove-files`: what was archived is removed, as GNU tar
/// removes it, but only once the archive is whole on disk, and only while
/// each name is still the file archived. A run killed midway, or one that
/// could not archive everything, removes nothing.
///
/// The moments between reading and removing are made deterministic with
/// the worker test hooks: with `BALE_TEST_STALL_WORKER_MID_FRAME=0` and
/// `--worker-timeout 0` the worker given the first chunk stalls until the
/// test kills it (`BALE_TEST_HOOK_ONCE` says when it has stalled, and lets
/// its replacement do the chunk). A tree that fits in one chunk has then
/// been read whole; a file larger than the job's window of chunks is then
/// still being read.
@Suite struct RemoveFilesTests {
    /// Starts `bale pack ARGS` in the background as $pid, stalled as said
    /// above once its first chunk reaches a worker (which is in $stalled).
    static func stalledPack(_ arguments: String) -> String {
        """
        set -m   # background jobs keep SIGINT's default action
        BALE_TEST_STALL_WORKER_MID_FRAME=0 BALE_TEST_HOOK_ONCE="$PWD/stalled" \\
            "$BALE" pack -p 1 --worker-timeout 0 \(arguments) 2> err & pid=$!
        for i in $(seq 1 3000); do [ -e stalled ] && break; sleep 0.01; done
        [ -e stalled ] || echo "the worker never stalled"
        stalled=$(pgrep -P $pid)
        """
    }

    /// Every kind of entry, the same tree for bale and for GNU tar 1.34
    /// (`tar --remove-files`): the same names are left (a socket is not
    /// archived, an excluded file is not, and their directories stay, each
    /// named with "Cannot rmdir: Directory not empty"), the same messages,
    /// the same exit status.
    @Test func removesWhatGNUTarRemoves() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p bale/t/sub/deeper bale/t/empty bale/t/keep && cd bale
            seq 1 100 > t/a && seq 1 5 > t/sub/deeper/b && echo x > t/keep/x.tmp && echo y > t/keep/y
            ln -s a t/link && ln -s /nonexistent t/dangling && mkfifo t/fifo && ln t/a t/sub/hard
            python3 -c "import socket; s = socket.socket(socket.AF_UNIX); s.bind('t/sock')"
            cd .. && cp -a bale gnu
            (cd bale && "$BALE" pack --remove-files --exclude '*.tmp' t -o t.tar.gz 2> ../bale.err; echo "bale: $?")
            (cd gnu && tar --remove-files --exclude '*.tmp' -czf t.tar.gz t 2> ../gnu.err; echo "tar: $?")
            (cd bale && find t | sort) > bale.left
            (cd gnu && find t | sort) > gnu.left
            diff bale.left gnu.left && echo "the same names left"
            cat bale.left | tr '\\n' ' '; echo
            sed 's/^bale: //' bale.err | sort > bale.said
            grep -v 'Exiting with failure' gnu.err | sed 's/^tar: //' | sort > gnu.said
            diff bale.said gnu.said && echo "the same messages"
            diff <(tar -tzf bale/t.tar.gz | sort) <(tar -tzf gnu/t.tar.gz | sort) && echo "the same entries archived"
            """)
        #expect(run.stdout == """
            bale: 2
            tar: 2
            the same names left
            t t/keep t/keep/x.tmp t/sock \n\
            the same messages
            the same entries archived

            """, "\(run.stdout)\(run.stderr)")
    }

    /// An archive another process puts under `-o`'s name while `pack
    /// --remove-files` packs (strace holds the rename into place for three
    /// seconds) is not replaced: this archive is discarded and nothing is
    /// removed, exit 1. Two such runs at once each removed the files its
    /// archive held, and the later commit replaced the earlier's archive,
    /// its files then in none (a reading helper: 3 to 293 of 3,000 lost,
    /// exit 0).
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func anArchiveMadeMeanwhileIsNotReplaced() throws {
        let run = try Scratch().run(#"""
            mkdir T && seq 1000 > T/a && seq 2000 > T/b
            strace -f -qq -o /dev/null -e inject=renameat,renameat2:delay_enter=3000000 \
                "$BALE" pack -q --remove-files -o a.tgz T 2> err & pid=$!
            for i in $(seq 1 1000); do [ -n "$(ls -A | grep 'a.tgz.bale-')" ] && break; sleep 0.01; done
            sleep 0.5; echo other > a.tgz
            wait $pid; echo "status=$?"
            cat a.tgz; ls T | tr '\n' ' '; echo; ls -A | grep -c 'bale-'
            grep -c 'made or replaced by another process while bale worked' err
            """#)
        #expect(run.stdout == "status=1\nother\na b \n0\n1\n", "\(run.stdout)\(run.stderr)")
    }

    /// A `pack --remove-files` keeps its archive locked from its commit
    /// until it has removed what the archive holds (strace holds each
    /// unlink here); a second one for the same archive meanwhile is
    /// refused at its start, exit 1, nothing read or removed: its walk
    /// would have missed what the first removed before it got there, and
    /// its archive, replacing the first's, lost it.
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func anArchiveWhoseSourcesAreBeingRemovedIsNotReplaced() throws {
        let run = try Scratch().run(#"""
            mkdir T U && seq 1000 > T/a && seq 2000 > T/b && seq 10 > U/c
            strace -f -qq -o /dev/null -e inject=unlinkat:delay_enter=1500000 \
                "$BALE" pack -q --remove-files -o a.tgz T 2> first.err & pid=$!
            for i in $(seq 1 1000); do [ -e a.tgz ] && break; sleep 0.01; done
            "$BALE" pack -q --remove-files -o a.tgz U 2> err; echo "second: $?"
            wait $pid; echo "first: $?"
            tar -tzf a.tgz | tr '\n' ' '; echo; ls U
            grep -c 'is held by another bale, still removing the inputs it holds' err
            """#)
        #expect(run.stdout == "second: 1\nfirst: 0\nT/ T/a T/b \nc\n1\n", "\(run.stdout)\(run.stderr)")
    }

    /// `gzip -r --manifest M`, removing its inputs, guards its manifest
    /// as pack its archive: one another process put under the name
    /// meanwhile (strace holds the renames into place) is not replaced,
    /// and every input is kept beside its output, exit 1. Two such runs at
    /// once each removed inputs, and the later manifest replaced the
    /// earlier's: the digests of those inputs were in none, exit 0.
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func aManifestMadeMeanwhileIsNotReplaced() throws {
        let run = try Scratch().run(#"""
            mkdir T && seq 1000 > T/a && seq 2000 > T/b
            strace -f -qq -o /dev/null -e inject=renameat,renameat2:delay_enter=1500000 \
                "$BALE" gzip -r -q --manifest M T 2> err & pid=$!
            for i in $(seq 1 1500); do [ -n "$(ls -A | grep 'M.bale-')" ] && break; sleep 0.01; done
            sleep 0.3; echo other > M
            wait $pid; echo "status=$?"
            cat M; ls T | tr '\n' ' '; echo
            grep -c 'made or replaced by another process while bale worked' err
            """#)
        #expect(run.stdout == "status=1\nother\na a.gz b b.gz \n1\n", "\(run.stdout)\(run.stderr)")
    }

    /// `--shard` parts run one after another with the same arguments, -o
    /// too: the second found the first's archive, the only copy of the
    /// files the first removed, and replaced it (every exit 0, half the
    /// tree in no archive; a reading helper). Without -f an archive there
    /// is not replaced by `--remove-files`: the part is refused before any
    /// work (exit 1), its files kept; with its own -o it goes on.
    @Test func anArchiveThereIsNotReplacedWithoutForce() throws {
        let run = try Scratch().run(#"""
            mkdir T && for i in $(seq 1 40); do echo $i > T/f$i; done
            "$BALE" pack -q --remove-files --shard 1/2 -o T.tgz T; echo "part 1: $?"
            "$BALE" pack -q --remove-files --shard 2/2 -o T.tgz T 2> err; echo "part 2: $?"
            grep -c 'does not replace an archive without -f' err
            echo "kept: $(ls T | wc -l), in T.tgz: $(tar -tzf T.tgz | grep -c f)"
            "$BALE" pack -q --remove-files --shard 2/2 -o T-2.tgz T; echo "part 2, its own -o: $?"
            echo "left: $(ls T | wc -l), in both: $(tar -tzf T.tgz; tar -tzf T-2.tgz) " | grep -o 'left: [0-9]*'
            (tar -tzf T.tgz; tar -tzf T-2.tgz) | grep -c 'T/f'
            """#)
        #expect(run.stdout.hasPrefix("part 1: 0\npart 2: 1\n1\n"), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasSuffix("part 2, its own -o: 0\nleft: 0\n40\n"), "\(run.stdout)\(run.stderr)")
    }

    /// tar's `-f ARCHIVE` typed to pack (`bale pack --remove-files -f
    /// backup.tar.gz logs`): pack's -f is --force, so the old archive was
    /// packed as a path into backup.tar.gz.tar.gz and then removed, exit 0.
    /// Refused now (64), naming -o, with nothing touched; with -o the same
    /// paths are packed as asked.
    @Test func tarsDashFIsRefusedNamingDashO() throws {
        let run = try Scratch().run("""
            mkdir logs && echo a > logs/a && echo old > backup.tar.gz
            "$BALE" pack --remove-files -f backup.tar.gz logs 2> err; echo "status=$?"
            grep -c "the archive is named with -o" err; ls | tr '\\n' ' '; echo
            "$BALE" pack -q --remove-files -f -o new.tgz backup.tar.gz logs; echo "status=$?"; ls | tr '\\n' ' '; echo
            """)
        #expect(run.stdout == "status=64\n1\nbackup.tar.gz err logs \nstatus=0\nerr new.tgz \n", "\(run.stdout)\(run.stderr)")
    }

    /// After a clean run the tree is gone, and the archive (and the
    /// manifest) hold it whole: GNU tar extracts it identical to a copy
    /// made before, hard links and a multi-chunk file included; a tree
    /// deeper than PATH_MAX (and than the directories the removal keeps
    /// open) is removed too.
    @Test func theArchiveHoldsWhatWasRemoved() throws {
        let scratch = Scratch()
        let run = try scratch.run(Fixtures.gen + """

            mkdir -p t/sub/deeper t/empty
            gen 9000000 t/sub/big && gen 300000 t/sub/deeper/small && seq 1 100 > t/a
            ln t/a t/sub/hard-to-a && ln t/a t/hard-to-a && ln -s sub/big t/link
            cp -a t orig
            "$BALE" pack --remove-files t -o t.tar.gz --manifest t.sha256; echo "status=$?"
            [ -e t ] && find t | head -5 || echo "the tree is gone"
            ls -A | tr '\\n' ' '; echo
            mkdir out && tar -xzf t.tar.gz -C out && diff -r out/t orig && echo "the archive holds it all"
            stat -c %h out/t/a
            (cd out && sha256sum -c --quiet ../t.sha256) && echo "the manifest too"
            python3 -c "
            import os
            os.mkdir('deep'); os.chdir('deep')
            for level in range(200):
                os.mkdir('d' * 40); os.chdir('d' * 40)
            open('bottom', 'w').write('deep')
            "
            "$BALE" pack --remove-files deep -o deep.tar.gz; echo "deep: $? $(tar -tzf deep.tar.gz | grep -c bottom)"
            [ -e deep ] || echo "the deep tree is gone"
            """)
        #expect(run.stdout == """
            status=0
            the tree is gone
            orig t.sha256 t.tar.gz \n\
            the archive holds it all
            3
            the manifest too
            deep: 0 1
            the deep tree is gone

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
    }

    /// A file with two names, rewritten in place between the walk of the
    /// first and of the second and its time put back (`rsync --inplace
    /// -t`): the first name is "changed since it was archived" and stays,
    /// with the new content. The removal of the second gave the file a
    /// change time that was then expected of the first as well, and both
    /// went: the new content on no name and in no archive, exit 0. (strace
    /// holds the walk before the second name's directory.)
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func aLinkedFileChangedBetweenItsNamesIsKept() throws {
        let run = try Scratch().run(#"""
            mkdir -p h/a h/b h/z && printf 'ORIGINAL\n' > h/a/f && ln h/a/f h/z/g && touch -d 2020-01-01 h/a/f
            for i in $(seq 300); do : > h/b/e$i; done
            strace -f -qq -o /dev/null -P h/z -e trace=getdents64 -e inject=getdents64:delay_enter=4000000:when=1 \
                "$BALE" pack --remove-files h -o out.tgz 2> err & pid=$!
            sleep 2
            python3 -c '
            import os
            st = os.stat("h/a/f")
            with open("h/a/f", "r+b") as f: f.write(b"CHANGED!")
            os.utime("h/a/f", ns=(st.st_atime_ns, st.st_mtime_ns))'
            wait $pid; echo "status $?"
            cat h/a/f; grep -c 'h/a/f: not removed: it changed since it was archived' err
            """#)
        #expect(run.stdout == "status 2\nCHANGED!\n1\n", "\(run.stdout)\(run.stderr)")
    }

    /// A file that changes while bale reads it is kept, with a warning
    /// naming it (GNU tar removes it): the archive holds it as it was read.
    /// The other files go; their directory stays, holding it.
    @Test func aFileChangedWhileReadIsKept() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir t && seq 1 10 > t/a && head -c 64M /dev/zero > t/big && seq 1 10 > t/z

            """ + Self.stalledPack("--remove-files t -o t.tar.gz") + """

            echo more >> t/big    # the first chunk is stalled: most of t/big is still to be read
            kill -KILL $stalled
            wait $pid; echo "status=$?"
            find t | sort | tr '\\n' ' '; echo
            tar -tzf t.tar.gz | tr '\\n' ' '; echo
            grep -v 'took over its chunks' err
            """)
        #expect(run.stdout == """
            status=2
            t t/big \n\
            t/ t/a t/big t/z \n\
            bale: t/big: file changed as we read it
            bale: t/big: not removed: it changed while it was read
            bale: t: Cannot rmdir: Directory not empty

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A name that is no longer the file archived when its turn to be
    /// removed comes is kept, with a warning: appended to, chmod'ed (only
    /// its change time moves), replaced by a file of the same size and
    /// time. A directory replaced by a symbolic link is not followed:
    /// what the link points to is untouched, and so is the directory
    /// under its new name.
    @Test func aNameChangedAfterItWasReadIsKept() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p t/sub t/other && for f in a b c d; do echo $f > t/$f; done
            echo s > t/sub/s && echo o > t/other/o && cp -a t/sub elsewhere

            """ + Self.stalledPack("--remove-files t -o t.tar.gz") + """

            # the whole tree fits in the first chunk: it has all been read
            echo more >> t/a
            chmod 600 t/b
            echo c > c.new && touch -r t/c c.new && mv c.new t/c
            mv t/sub t/sub.old && ln -s ../elsewhere t/sub
            kill -KILL $stalled
            wait $pid; echo "status=$?"
            find t elsewhere | sort | tr '\\n' ' '; echo
            grep -v 'took over its chunks' err
            """)
        #expect(run.stdout == """
            status=2
            elsewhere elsewhere/s t t/a t/b t/c t/sub t/sub.old t/sub.old/s \n\
            bale: t/sub: not removed: no longer the directory archived (replaced since); nothing in it removed
            bale: t/c: not removed: it changed since it was archived
            bale: t/b: not removed: it changed since it was archived
            bale: t/a: not removed: it changed since it was archived
            bale: t: Cannot rmdir: Directory not empty

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A kill in the middle, by SIGKILL (no handler runs) or by SIGINT and
    /// SIGTERM (the handler removes the temporary archive): every source
    /// is still there, unchanged, and no archive exists under its name.
    @Test(arguments: [("KILL", 137), ("INT", 130), ("TERM", 143)])
    func aKillInTheMiddleRemovesNothing(signal: String, expected: Int) throws {
        let scratch = Scratch()
        let run = try scratch.run(Fixtures.gen + """

            # t/sub/big is larger than the job's window: the stream is not read whole while the first chunk stalls
            mkdir -p t/sub && gen 3000000 t/sub/data && head -c 64M /dev/zero > t/sub/big
            for i in $(seq 1 50); do seq 1 $i > t/f$i; done
            cp -a t orig

            """ + Self.stalledPack("--remove-files t -o t.tar.gz --manifest t.sha256") + """

            kill -\(signal) $pid
            wait $pid; echo "status=$?"
            kill -KILL $stalled 2> /dev/null
            diff -r t orig && echo "every source is there"
            ls -A | grep -v -x -e err -e stalled -e orig -e t | sed 's/\\.t\\.tar\\.gz\\.bale-.*/a temporary archive/'
            """)
        // SIGKILL leaves the temporary file (no handler can run); the others remove it.
        let left = signal == "KILL" ? "a temporary archive\n" : ""
        #expect(run.stdout == "status=\(expected)\nevery source is there\n\(left)", "\(run.stdout)\(run.stderr)")
    }

    /// A run that could not archive everything removes nothing, and says
    /// so: a path given that is missing (no archive, exit 1), a file that
    /// cannot be read (the archive made without it, exit 2), a manifest
    /// that cannot be written. An archive that cannot be made durable is
    /// refused before anything is written: standard output and -h are
    /// usage errors (64), a device is an error (1).
    @Test(.enabled(if: Machine.isRoot, "needs root to make a file unreadable to bale run as nobody (setpriv)"))
    func aRunWithTroubleRemovesNothing() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p t/sub && seq 1 10 > t/a && seq 1 10 > t/sub/b && seq 1 10 > t/sub/unreadable
            chmod 000 t/sub/unreadable && chown -R nobody t && chmod 777 . && cp -a t orig
            "$BALE" pack --remove-files t missing -o 1.tar.gz 2> missing.err; echo "missing: $? $(ls 1.tar.gz 2>&1 | grep -c 'No such')"
            # nobody may not reach the build directory (a clone in a 0700 mktemp -d): run a copy
            cp "$BALE" ./bale-copy && chmod 755 ./bale-copy
            setpriv --reuid=nobody --regid=nogroup --clear-groups ./bale-copy pack --remove-files t -o 2.tar.gz 2> unreadable.err
            echo "unreadable: $? $(tar -tzf 2.tar.gz | tr '\\n' ' ')"
            "$BALE" pack --remove-files t -o 3.tar.gz --manifest no/such/dir/m 2> manifest.err; echo "manifest: $?"
            "$BALE" pack --remove-files t -o - > /dev/null 2>&1; echo "stdout: $?"
            "$BALE" pack --remove-files -h t -o 4.tar.gz 2> /dev/null; echo "-h: $?"
            "$BALE" pack --remove-files t -o /dev/null 2> device.err; echo "device: $?"
            diff -r t orig && echo "nothing removed"
            cat missing.err unreadable.err manifest.err device.err
            """)
        #expect(run.stdout == """
            missing: 1 1
            unreadable: 2 t/ t/a t/sub/ t/sub/b \n\
            manifest: 1
            stdout: 64
            -h: 64
            device: 1
            nothing removed
            bale: missing: Cannot stat: No such file or directory
            bale: no archive written: 1 of the 2 paths given cannot be read
            bale: --remove-files: nothing removed, as the run failed
            bale: t/sub/unreadable: Cannot open: Permission denied
            bale: --remove-files: nothing removed, as not everything asked for could be archived (named above)
            bale: no/such/dir/m: No such file or directory (the manifest)
            bale: --remove-files: nothing removed, as the run failed
            bale: /dev/null: --remove-files needs the archive in a regular file (renamed into place and flushed when whole), not a device or a FIFO; nothing written
            bale: --remove-files: nothing removed, as the run failed

            """, "\(run.stdout)\(run.stderr)")
    }

    /// With `--shard K/N` each part removes its own files only; every part
    /// archives every directory, and one still holding another part's
    /// files stays quietly. The last part leaves the directories empty and
    /// removes them.
    @Test func eachShardRemovesItsOwnFiles() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p t/x t/y && for i in $(seq 1 20); do seq 1 $i > t/x/f$i; seq 1 $i > t/y/g$i; done
            cp -a t orig
            "$BALE" pack --remove-files --shard 1/2 t -o 1.tar.gz; echo "first: $?"
            left=$(find t -type f | wc -l); echo "files left: $(( left > 0 && left < 40 ))"
            tar -tzf 1.tar.gz | grep -v '/$' | while read -r f; do [ -e "$f" ] && echo "still there: $f"; done
            "$BALE" pack --remove-files --shard 2/2 t -o 2.tar.gz; echo "second: $?"
            [ -e t ] || echo "the tree is gone"
            mkdir out && tar -xzf 1.tar.gz -C out && tar -xzf 2.tar.gz -C out && diff -r out/t orig && echo "the parts hold it all"
            """)
        #expect(run.stdout == "first: 0\nfiles left: 1\nsecond: 0\nthe tree is gone\nthe parts hold it all\n",
                "\(run.stdout)\(run.stderr)")
    }

    /// An input goes only once its digest is in a manifest that is in
    /// place. `pack --remove-files --manifest -` and `gzip -r --manifest -`
    /// whose reader went away (exit 141), and `gzip -r --manifest` to a
    /// full device, removed every input with their digests lost for good
    /// (gzip -r removed them in batches as it went, and wrote the
    /// manifest last). Each keeps them all now; the run after it lists
    /// the files the first one compressed (its outputs whole beside their
    /// inputs), and sha256sum agrees with the manifest. A file already
    /// compressed by an earlier run (`gzip -k`) was left out of the
    /// manifest, its input removed, exit 0: it is listed too.
    @Test func noInputGoesBeforeItsManifestIsInPlace() throws {
        let run = try Scratch().run(#"""
            make() { rm -rf $1 && mkdir $1 && for i in $(seq 1 300); do seq $i 5000 > $1/f$i; done; }
            make p && "$BALE" pack p -o p.tgz --manifest - --remove-files | true
            echo "pack to a closed pipe: ${PIPESTATUS[0]}, inputs left: $(ls p | wc -l)"
            make g && "$BALE" gzip -r g --manifest - 2> err | true
            echo "gzip -r to a closed pipe: ${PIPESTATUS[0]}, inputs left: $(ls g | grep -vc 'gz$')"
            make f && sha256sum f/* | sort > want
            "$BALE" gzip -r f --manifest /dev/full 2> err; echo "gzip -r to a full device: $?, inputs left: $(ls f | grep -vc 'gz$')"
            grep -c 'the manifest was not written whole, so the 300 inputs compressed are kept' err
            "$BALE" gzip -r f --manifest m; echo "the run after: $?, inputs left: $(ls f | grep -vc 'gz$')"
            sort m | cmp - want && echo "its manifest lists them all"
            rm -rf l && mkdir l && seq 1 100000 > l/a && seq 2 100000 > l/b && sha256sum l/a l/b | sort > want2 && gzip -k l/a
            "$BALE" gzip -r l --manifest m2; echo "after gzip -k: $? $(ls l | tr '\n' ' ')"
            sort m2 | cmp - want2 && echo "the file gzip -k compressed is listed"
            """#)
        #expect(run.stdout == """
            pack to a closed pipe: 141, inputs left: 300
            gzip -r to a closed pipe: 141, inputs left: 300
            gzip -r to a full device: 1, inputs left: 300
            1
            the run after: 0, inputs left: 0
            its manifest lists them all
            after gzip -k: 0 a.gz b.gz \("")
            the file gzip -k compressed is listed

            """, "\(run.stdout)\(run.stderr)")
    }
}
