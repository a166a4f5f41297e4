import Foundation
import Testing

/// What stands at an output's name. An output bale names beside its input
/// (`gzip -f FILE`, `gunzip -f FILE.gz`, `gzip -r -f`) replaces whatever
/// is there, as gzip's does: a FILE.gz that is a symbolic link to
/// /dev/null (or a FIFO: not tried here, as the old code would wait on it
/// for ever) used to be written into, and the input was then removed,
/// its data gone. A device named by `-o` is written into, even
/// without -f (`-o /dev/null`).
@Suite struct GzipOutputTargetTests {
    /// In an append-only directory (`chattr +a`) the output is written
    /// whole under its temporary name, which cannot then take the output's
    /// name: the message says so (it said "write error: Operation not
    /// permitted", blaming the writing: a probe helper), exit 1, the input
    /// kept. The temporary file, which the directory will not let go
    /// either, holds the whole output: it is named (it was left unsaid);
    /// so is pack's manifest beside it, and unpack's file.
    @Test(.enabled(if: Machine.canMakeAppendOnlyDirectory, "needs chattr +a (root, a file system with the attribute)"))
    func anOutputThatCannotTakeItsNameIsSaidSo() throws {
        let run = try Scratch().run("""
            mkdir ap && echo hello > ap/f && chattr +a ap
            "$BALE" gzip ap/f 2> err; echo "status $?"
            chattr -a ap
            left=$(sed -n "s/.*beside it as '\\(.*\\)', which.*/\\1/p" err)
            sed "s/'$left'/'TEMPORARY'/" err; cat ap/f; gzip -dc "ap/$left"; ls -A ap | wc -l
            mkdir -p mp/d && echo hi > mp/d/a && chattr +a mp
            "$BALE" pack mp/d -o mp/d.tgz --manifest mp/d.man 2> err; echo "pack status $?"
            chattr -a mp
            sed -E 's/bale-[A-Za-z0-9]{6}/bale-XXXXXX/g' err; cat mp/.d.man.bale-*
            mkdir -p u/d && echo old > u/d/x && echo new > x && "$BALE" pack x -o x.tgz && chattr +a u/d
            "$BALE" unpack x.tgz -C u/d 2> err; echo "unpack status $?"
            chattr -a u/d
            sed -E 's/bale-[A-Za-z0-9]{6}/bale-XXXXXX/g' err; cat u/d/x u/d/.x.bale-*
            """)
        #expect(run.stdout == """
            status 1
            bale: ap/f.gz: cannot give the finished output its name (rename): Operation not permitted; \
            it is left whole beside it as 'TEMPORARY', which cannot be removed (Operation not permitted)
            hello
            hello
            2
            pack status 1
            bale: mp/d.tgz: cannot give the finished output its name (rename): Operation not permitted; \
            it is left whole beside it as '.d.tgz.bale-XXXXXX', which cannot be removed (Operation not permitted)
            bale: mp/.d.man.bale-XXXXXX: a temporary file of this run is left: it cannot be removed (Operation not permitted)
            98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4  mp/d/a
            unpack status 1
            bale: x: Operation not permitted; its content is left whole beside it as '.x.bale-XXXXXX', \
            which cannot be removed (Operation not permitted); not extracted
            old
            new

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test func anOutputBesideItsInputReplacesADeviceOrAFIFO() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            seq 1 1000 > orig
            cp orig a && ln -s /dev/null a.gz && "$BALE" gzip -f a; echo "gzip -f=$?"
            [ -f a.gz ] && [ ! -L a.gz ] && gzip -dc a.gz | cmp - orig && echo "a.gz holds the data"
            gzip -c orig > b.gz && ln -s /dev/null b && "$BALE" gunzip -f b.gz; echo "gunzip -f=$?"
            [ -f b ] && [ ! -L b ] && cmp b orig && echo "b holds the data"
            mkdir d && cp orig d/e && ln -s /dev/null d/e.gz && "$BALE" gzip -q -r -f d; echo "gzip -r -f=$?"
            [ -f d/e.gz ] && [ ! -L d/e.gz ] && gzip -dc d/e.gz | cmp - orig && echo "d/e.gz holds the data"
            "$BALE" gzip -o /dev/null orig; echo "-o /dev/null=$?"
            [ -c /dev/null ] && echo "/dev/null still a device"
            """#)
        #expect(run.stdout == """
            gzip -f=0
            a.gz holds the data
            gunzip -f=0
            b holds the data
            gzip -r -f=2
            d/e.gz holds the data
            -o /dev/null=0
            /dev/null still a device

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The output's directory renamed while it is written (a log
    /// directory rotated by `mv`): the finished file lands in it, beside
    /// its input, as GNU gzip's does, and no temporary file is left; the
    /// input is kept (its name no longer leads to it), exit 2. By path, the
    /// rename at the end failed (exit 1) and the whole temporary file was
    /// left in the renamed directory (a probe). The move is made once the
    /// temporary file exists, and the test says whether it was still there
    /// after the move, so a run that ended too soon fails rather than passes.
    @Test(arguments: ["gzip -9", "gunzip"])
    func aDirectoryRenamedMidWriteGetsItsOutput(command: String) throws {
        let run = try Scratch().run("""
            mkdir d && seq 1 12000000 > d/f && sum=$(sha256sum < d/f)
            if [ "\(command)" = gunzip ]; then gzip -1 d/f; name=f.gz; out=f; else name=f; out=f.gz; fi
            "$BALE" \(command) -p 1 d/$name 2> err & pid=$!
            for _ in $(seq 1 1500); do ls -A d | grep -q '\\.bale-' && break; sleep 0.01; done
            mv d d2 && mkdir d && ls -A d2 | grep -q '\\.bale-' && echo "moved while writing"
            wait $pid; echo "status $?"
            ls -A d d2 | tr '\\n' ' '; echo
            if [ "\(command)" = gunzip ]; then sha256sum < d2/f; else gzip -dc d2/f.gz | sha256sum; fi | grep -q "$sum" && echo "same data"
            """)
        let input = command == "gunzip" ? "f.gz" : "f"
        let output = command == "gunzip" ? "f" : "f.gz"
        #expect(run.stdout == "moved while writing\nstatus 2\nd:  d2: \([input, output].sorted().joined(separator: " ")) \nsame data\n",
                "\(run.stdout)\(run.stderr)")
    }
}
