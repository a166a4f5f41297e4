import Foundation
import Testing

/// `bale pack` on trees that change between the walk and the read, and on
/// odd times, judged against GNU tar.
///
/// The walk lists the entries before the cutter reads them. To change a
/// file in between without a race, the scripts hold bale's archive in a
/// pipe: bale's first member cannot be made before the walk has listed
/// the whole small tree (it hands its entries over in batches of 256),
/// and while the pipe is not read bale stays within the first chunks of
/// `t/a` (a few of 4 MiB each; `t/a` is 48 MB). So once the first byte
/// has come, the tree is listed and `t/b`, after `t/a`, not yet opened.
///
/// A name made, removed or renamed in a directory while it is archived is
/// said of the directory too, once its entries are stored (`t: file
/// changed as we read it`), as GNU tar says it.
@Suite struct HostileTreeTests {
    private static let tree = """
        mkdir t && head -c 48000000 /dev/urandom > t/a && head -c 2000000 /dev/urandom > t/b
        """

    /// A file replaced by a FIFO: the old code opened it for reading and
    /// waited for a writer for ever. GNU tar opens without waiting
    /// (O_NONBLOCK); bale too, and leaves out what is no longer a regular
    /// file, named, exit 2, the archive whole.
    @Test func aFileReplacedByAFifoIsLeftOutNotWaitedFor() throws {
        let run = try Scratch().run("""
            \(Self.tree)
            timeout -s KILL 60 "$BALE" pack -1 -p 1 t -o - 2> err \\
                | { dd bs=1 count=1 2> /dev/null; mkfifo new && mv new t/b; cat; } > out.tar.gz
            echo "status=${PIPESTATUS[0]}"
            tar -tzf out.tar.gz
            cat err
            """)
        #expect(run.stdout == """
            status=2
            t/
            t/a
            bale: t/b: Cannot open: replaced by a FIFO since it was listed; not dumped
            bale: t: file changed as we read it

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A file replaced by another of the same size and time (an atomic
    /// `mv` over it): its content is the new file's, its header the old
    /// one's (mode, owner), so it is "file changed as we read it", exit 2,
    /// and `--remove-files` keeps it. Its other name, a hard link of the
    /// walk's file, is not a link to it: it is stored as that file. The old
    /// code said nothing (exit 0) and stored the other name as a link to
    /// the new content.
    @Test func aFileReplacedBySameSizeAndTimeIsChanged() throws {
        let run = try Scratch().run("""
            \(Self.tree) && ln t/b t/c
            head -c 2000000 /dev/urandom > other && chmod 600 other && touch -r t/b other
            timeout -s KILL 60 "$BALE" pack -1 -p 1 t -o - 2> err \\
                | { dd bs=1 count=1 2> /dev/null; mv other t/b; cat; } > out.tar.gz
            echo "status=${PIPESTATUS[0]}"
            mkdir x && tar -xzf out.tar.gz -C x && cmp x/t/b t/b && echo "the new content"
            cmp x/t/c t/c && echo "its old hard link the old content"
            cat err
            """)
        #expect(run.stdout == """
            status=2
            the new content
            its old hard link the old content
            bale: t/b: file changed as we read it
            bale: t: file changed as we read it

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Directories of the tree replaced between the walk and the read: `d`
    /// by a symbolic link to a directory outside the tree with a file of
    /// the same name, size and time (an attack on a backup run as root),
    /// `e` rotated (moved away, a new `e` made with a new `f`). The old
    /// code opened `t/d/f` by its whole path, O_NOFOLLOW on its last
    /// component only, and stored the outside file as `t/d/f`, and the new
    /// `t/e/f` as the old one ("file changed as we read it"). The files
    /// are read only from the directories walked now: anything else at
    /// their path is left out, named, exit 2, and no outside byte is in
    /// the archive.
    @Test func aDirectoryReplacedSinceTheWalkIsNotReadThrough() throws {
        let run = try Scratch().run("""
            \(Self.tree) && mkdir t/d t/e t/g outside
            head -c 2000000 /dev/urandom > t/d/f && head -c 2000000 /dev/urandom > t/e/f
            head -c 2000000 /dev/urandom > t/g/f
            head -c 2000000 /dev/urandom > outside/f && touch -r t/d/f outside/f
            timeout -s KILL 60 "$BALE" pack -1 -p 1 t -o - 2> err \\
                | { dd bs=1 count=1 2> /dev/null
                    mv t/d d.moved && ln -s ../outside t/d
                    mv t/e e.old && mkdir t/e && head -c 2000000 /dev/urandom > t/e/f
                    mv t/g g.moved
                    cat; } > out.tar.gz
            echo "status=${PIPESTATUS[0]}"
            tar -tzf out.tar.gz
            gzip -dc out.tar.gz > out.tar
            python3 -c "print('outside bytes stored:', open('outside/f','rb').read()[:4096] in open('out.tar','rb').read())"
            cat err
            """)
        #expect(run.stdout == """
            status=2
            t/
            t/a
            t/b
            t/d/
            t/e/
            t/g/
            outside bytes stored: False
            bale: t/d/f: Cannot open: its directory was moved, removed or replaced since it was listed; not dumped
            bale: t/e/f: Cannot open: its directory was moved, removed or replaced since it was listed; not dumped
            bale: t/g/f: Cannot open: its directory was moved, removed or replaced since it was listed; not dumped
            bale: t: file changed as we read it

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The same swap, to a directory holding a FIFO of the file's name with
    /// a writer waiting on it: the file was opened by its whole path first
    /// and checked after, so the outside FIFO was opened (O_NONBLOCK: its
    /// writer let go), as would be a device whose open does something (a
    /// tape that rewinds on close) for a backup run as root (a reading
    /// helper). The directory is checked first now and nothing in another
    /// is opened: the writer still waits.
    @Test func nothingOutsideTheTreeIsOpened() throws {
        let run = try Scratch().run("""
            \(Self.tree) && mkdir t/d outside && head -c 2000000 /dev/urandom > t/d/f && mkfifo outside/f
            ( exec 3> outside/f; echo opened > flag ) > /dev/null 2>&1 & writer=$!
            timeout -s KILL 60 "$BALE" pack -1 -p 1 t -o - 2> err \\
                | { dd bs=1 count=1 2> /dev/null; mv t/d d.moved && ln -s ../outside t/d; cat; } > out.tar.gz
            echo "status=${PIPESTATUS[0]}"
            sleep 0.2; [ -e flag ] && echo "the outside FIFO was opened" || echo "its writer still waits"
            kill -KILL $writer
            grep -c "t/d/f: Cannot open: its directory was moved, removed or replaced" err
            """)
        #expect(run.stdout == "status=2\nits writer still waits\n1\n", "\(run.stdout)\(run.stderr)")
    }

    /// A file made in a directory of the tree, and another removed from a
    /// second, after the walk listed them and before the archive was done:
    /// the archive lacks the new file, and the old code said nothing, exit
    /// 0. As GNU tar, each directory is looked at again once its entries
    /// are stored: "file changed as we read it", exit 2. The archive and
    /// manifest written inside the tree they pack (their temporary files
    /// made there, renamed at the end) change nothing the check sees.
    /// (`t/e/g` is larger than the read-ahead takes: it is opened only at
    /// its turn, after it is gone.)
    @Test func aDirectoryWhoseEntriesChangedIsSaid() throws {
        let run = try Scratch().run("""
            \(Self.tree) && mkdir t/d t/e && echo x > t/d/f && echo x > t/e/f
            head -c 2000000 /dev/urandom > t/e/g
            timeout -s KILL 60 "$BALE" pack -1 -p 1 t -o - 2> err \\
                | { dd bs=1 count=1 2> /dev/null; echo new > t/d/new; rm t/e/g; cat; } > out.tar.gz
            echo "status=${PIPESTATUS[0]}"
            tar -tzf out.tar.gz
            cat err
            rm t/d/new
            "$BALE" pack -1 t --manifest t/m -o t/t.tar.gz; echo "inside the tree: status $?"
            """)
        #expect(run.stdout == """
            status=2
            t/
            t/a
            t/b
            t/d/
            t/d/f
            t/e/
            t/e/f
            bale: t/d: file changed as we read it
            bale: t/e/g: File removed before we read it
            bale: t/e: file changed as we read it
            inside the tree: status 0

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The first name of a hard-linked file removed before its read: the
    /// walk had made the other names links to it, and the old code wrote
    /// them so, links to an entry not in the archive: `tar -x` could not
    /// make them ("Cannot hard link to 't/b1'"), and the content, still on
    /// disk under t/b2 and t/b3, was in no entry. As GNU tar (which
    /// decides on links as it reads) the next name is stored as the file,
    /// the others as links to it; the manifest has a line for each name
    /// stored (t/b3's with t/b2's digest), none for t/b1, which is named in
    /// GNU tar's words for a file found in a directory and gone by its turn.
    @Test func aHardLinkStandsInForItsRemovedFirstName() throws {
        let run = try Scratch().run("""
            \(Self.tree) && mv t/b t/b1 && ln t/b1 t/b2 && ln t/b1 t/b3
            timeout -s KILL 60 "$BALE" pack -1 -p 1 t -o - --manifest m 2> err \\
                | { dd bs=1 count=1 2> /dev/null; rm t/b1; cat; } > out.tar.gz
            echo "status=${PIPESTATUS[0]}"
            tar -tzf out.tar.gz
            mkdir x && tar -xzf out.tar.gz -C x && cmp x/t/b2 t/b2 && stat -c %h x/t/b3
            "$BALE" verify out.tar.gz --manifest m
            cat err
            """)
        #expect(run.stdout == """
            status=2
            t/
            t/a
            t/b2
            t/b3
            2
            out.tar.gz: OK (4 entries, 3 files match the manifest)
            bale: t/b1: File removed before we read it
            bale: t: file changed as we read it

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Times before 1970 with a fraction: stat gives (-2 s, 0.5 s) for
    /// 1.5 s before the epoch, which pax writes "-1.5". The old code wrote
    /// "-2.5": GNU tar restored every such file a second early, and bale's
    /// own index disagreed with its stream (`list` warned, exit 2).
    @Test func fractionalTimesBeforeTheEpochKeepTheirValue() throws {
        let run = try Scratch().run("""
            mkdir t && for when in -1.5 -0.25 -100.000000001 -1 1.5; do touch -d "@$when" "t/at$when"; done
            "$BALE" pack t -o b.tar.gz; echo "pack=$?"
            mkdir x && tar -xzf b.tar.gz -C x 2> /dev/null
            (cd t && stat -c '%n %.9Y' *) > source
            (cd x/t && stat -c '%n %.9Y' *) > gnu
            cmp source gnu && echo "GNU tar restores the times"
            "$BALE" list b.tar.gz > listed; echo "list=$?"
            tar -tvzf b.tar.gz 2> /dev/null | cmp - listed && echo "listed as tar lists them"
            """)
        #expect(run.stdout == """
            pack=0
            GNU tar restores the times
            list=0
            listed as tar lists them

            """, "\(run.stdout)\(run.stderr)")
    }
}
