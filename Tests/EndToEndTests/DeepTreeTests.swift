import Foundation
import Testing

/// `unpack` of archives deeper than the descriptors a process may hold:
/// the extractor's open directories (`Archive/DirectoryStack`) keep only
/// the deepest of a path open, a share of `ulimit -n`, and open the others
/// again when an entry needs them. Holding every directory of the path,
/// a path 1,100 directories deep failed under the usual limit of 1,024
/// ("Too many open files; not extracted", exit 1), and a tree 30 deep
/// under `ulimit -n 24`.
@Suite struct DeepTreeTests {
    /// 1,100 directories deep (a pax archive, as python writes it), under
    /// `ulimit -n 1024`: bale extracts the file at the bottom, as GNU tar
    /// does.
    @Test(.enabled(if: Machine.has("python3"), "needs python3 to write the archive"))
    func anArchiveDeeperThanTheDescriptorLimitExtracts() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            python3 -c "
            import io, tarfile
            with tarfile.open('deep.tar.gz', 'w:gz', format=tarfile.PAX_FORMAT) as t:
                p = 'top'
                for _ in range(1100):
                    p += '/d'
                    i = tarfile.TarInfo(p); i.type = tarfile.DIRTYPE; i.mode = 0o755; t.addfile(i)
                i = tarfile.TarInfo(p + '/bottom'); i.size = 5; t.addfile(i, io.BytesIO(b'deep\n'))
            "
            mkdir bale tar
            (ulimit -n 1024; "$BALE" unpack deep.tar.gz -C bale); echo "bale: status $?"
            tar -xzf deep.tar.gz -C tar; echo "tar: status $?"
            (cd bale && find . | sort) > bale.list; (cd tar && find . | sort) > tar.list
            cmp -s bale.list tar.list && echo "the same $(wc -l < bale.list) names as tar's"
            find bale -name bottom -exec cat {} \;
            """#)
        #expect(run.stdout == """
            bale: status 0
            tar: status 0
            the same 1103 names as tar's
            deep

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Going back up a deep path: a chain 3,000 directories deep whose
    /// files come after all its directories, deepest first (as an archive
    /// of a tree listed directories first has them), then each directory's
    /// time set at the end, deepest first. The extractor keeps the deepest
    /// 64 directories open; each level above them was opened again name by
    /// name from the destination, the square of the depth over 128 (a
    /// chain 10,000 deep: ~1.5 million opens, 8.3 s, 4.9 of them in the
    /// kernel). It goes up by `..` now, each directory held to the device
    /// and inode it had (`DirectoryStack.climb`): ~15,000 opens, bounded
    /// here at 30,000 (counted by strace, not timed), and every file and
    /// time is at its level.
    @Test(.enabled(if: Machine.has("strace") && Machine.has("python3"), "strace counts the opens; python3 writes the archive"))
    func aDeepArchiveIsClimbedInLinearOpens() throws {
        let run = try Scratch().run(Self.writeChain(depth: 3000, files: true) + #"""
            mkdir out
            strace -f -c -e trace=openat -o opens "$BALE" unpack -p 1 chain.tar.gz -C out; echo "unpack: $?"
            calls=$(awk '$NF == "openat" { print $4 }' opens)
            [ "$calls" -lt 30000 ] && echo "linear opens" || echo "opens: $calls"

            """# + Self.checkChain(depth: 3000, files: true))
        #expect(run.stdout == "unpack: 0\nlinear opens\n3000 levels right\n", "\(run.stdout)\(run.stderr)")
    }

    /// Each directory waiting for its time and mode at the end kept its
    /// whole path: the square of the depth, 400 MB for a chain 20,000
    /// deep (a .tar.gz of 3 MB), where GNU tar refuses such names. Kept
    /// as a tree of components (`DirectoryNames`), a chain 8,000 deep
    /// (116 MiB before, 23 MiB after, debug build) extracts within 60
    /// MiB, every directory with its time.
    @Test(.enabled(if: Machine.has("python3"), "needs python3 to write the archive"))
    func aDeepArchiveIsUnpackedInMemoryOfItsDepth() throws {
        let run = try Scratch().run(Self.writeChain(depth: 8000, files: false) + #"""
            mkdir out
            /usr/bin/time -f '%M' -o rss "$BALE" unpack chain.tar.gz -C out; echo "unpack: $?"
            [ $(cat rss) -lt $((60 * 1024)) ] && echo "under 60 MiB" || echo "peak $(cat rss) KiB"

            """# + Self.checkChain(depth: 8000, files: false))
        #expect(run.stdout == "unpack: 0\nunder 60 MiB\n8000 levels right\n", "\(run.stdout)\(run.stderr)")
    }

    /// Python writing chain.tar.gz (pax): `top`, then `depth` directories
    /// each in the one before (`top/d/d/…`), level i dated 1000000 + i;
    /// with `files`, after all of them, a file `f` in each holding its
    /// level, the deepest first (as an archive of a tree listed directories
    /// first has them).
    static func writeChain(depth: Int, files: Bool) -> String {
        """
        python3 -c "
        import io, tarfile
        with tarfile.open('chain.tar.gz', 'w:gz', format=tarfile.PAX_FORMAT, compresslevel=1) as t:
            p = 'top'; dirs = []
            for i in range(\(depth)):
                p += '/d'; dirs.append(p)
                e = tarfile.TarInfo(p); e.type = tarfile.DIRTYPE; e.mode = 0o755; e.mtime = 1000000 + i; t.addfile(e)
            for i in reversed(range(\(files ? depth : 0))):
                data = b'%d\\n' % i
                e = tarfile.TarInfo(dirs[i] + '/f'); e.size = len(data); t.addfile(e, io.BytesIO(data))"

        """
    }

    /// Python going down out/top's chain (by descriptor: past PATH_MAX),
    /// printing how many levels have their time, and with `files` their
    /// file's bytes, as `writeChain` wrote them.
    static func checkChain(depth: Int, files: Bool) -> String {
        """
        python3 -c "
        import os
        fd = os.open('out/top', os.O_RDONLY); right = 0
        for i in range(\(depth)):
            below = os.open('d', os.O_RDONLY, dir_fd=fd); os.close(fd); fd = below
            data = b'%d\\n' % i
            if \(files ? "True" : "False"):
                f = os.open('f', os.O_RDONLY, dir_fd=fd); data = os.read(f, 100); os.close(f)
            right += data == b'%d\\n' % i and os.fstat(fd).st_mtime == 1000000 + i
        print(right, 'levels right')"

        """
    }

    /// A pax path of 65,537 components (`a/a/…/a/f`, a .tar.gz of a few
    /// hundred bytes) is refused, named, exit 1, and the entry after it is
    /// extracted: every component is a directory made, so the bound
    /// (`TarExtractor.maximumDepth`) bounds an entry's cost. Before, such a
    /// name was extracted in time that grew with its depth squared (20,000
    /// components 4.4 s, 100,000 about 90 s), and 30 million (a 61 kB
    /// .tar.gz) took 1.9 GB before anything was made. GNU tar refuses it
    /// too ("File name too long", exit 2).
    @Test(.enabled(if: Machine.has("python3"), "needs python3 to write the archive"))
    func aNameDeeperThanTheBoundIsRefused() throws {
        let run = try Scratch().run(#"""
            python3 -c "
            import io, tarfile
            with tarfile.open('deep.tar.gz', 'w:gz', format=tarfile.PAX_FORMAT) as t:
                for name in ['a/' * 65536 + 'f', 'after']:
                    i = tarfile.TarInfo(name); i.size = 5; t.addfile(i, io.BytesIO(b'data\\n'))
            "
            mkdir out tarout
            "$BALE" unpack deep.tar.gz -C out 2> err; echo "unpack: status $?"
            (cd out && find . | sort)
            sed -E 's|^bale: (a/)+f:|bale: a/…/f:|' err
            tar -xzf deep.tar.gz -C tarout 2> /dev/null; echo "tar: status $?"
            """#)
        #expect(run.stdout == """
            unpack: status 1
            .
            ./after
            bale: a/…/f: has more than 65536 components; not extracted
            tar: status 2

            """, "\(run.stdout)\(run.stderr.prefix(2000))")
    }

    /// A tree 30 directories deep, 50 files at the bottom, packed and
    /// unpacked under `ulimit -n 24`: every file, every byte.
    @Test func aDeepTreeUnpacksUnderALowLimit() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            p=tree; for i in $(seq 30); do p=$p/d$i; done; mkdir -p $p
            for i in $(seq 50); do echo "file $i" > $p/f$i; done
            "$BALE" pack -o t.tar.gz tree; echo "pack: status $?"
            mkdir out
            (ulimit -n 24; "$BALE" unpack t.tar.gz -C out); echo "unpack: status $?"
            diff -r tree out/tree && echo "the tree, whole"
            """#)
        #expect(run.stdout == """
            pack: status 0
            unpack: status 0
            the tree, whole

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A script's start: the descriptors above 2 it inherited (a test
    /// runner's, a shell's), which would count against a `ulimit -n`,
    /// closed; then `tree`, 150 directories deep, a file at the bottom and
    /// three beside its directory.
    static let deepTreeWithNoDescriptorInherited = #"""
        for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2> /dev/null; done
        p=tree; for i in $(seq 150); do p=$p/d$i; done; mkdir -p $p
        echo bottom > $p/f; for i in 1 2 3; do echo side$i > $(dirname $p)/g$i; done

        """#

    /// A tree 150 directories deep, a file at the bottom and three beside
    /// its directory, packed, then unpacked under a `ulimit -n` that
    /// bale's own descriptors leave little room under: with two workers,
    /// the standard streams, the archive, the destination, the arena's
    /// three and the workers' pipes take 14 of 17. The directory stack's
    /// share (a quarter of the limit: 4) was more than was left: every
    /// directory from the third down was refused ("Too many open files;
    /// not extracted"), no file came out, exit 1 (under 18 it held). Out of
    /// descriptors, the stack now gives up the directories above the one it
    /// opens in, and keeps to fewer: it holds down to 16 (15 with one
    /// worker).
    @Test func aDeepArchiveUnpacksWithTheDescriptorsLeft() throws {
        let run = try Scratch().run(Self.deepTreeWithNoDescriptorInherited + #"""
            "$BALE" pack -o t.tar.gz tree; echo "pack: status $?"
            for run in "2 17" "1 15"; do
                set -- $run
                mkdir out$1
                (ulimit -n $2; "$BALE" unpack -p $1 t.tar.gz -C out$1 2> err); echo "-p $1, ulimit -n $2: status $? $(wc -l < err)"
                diff -r tree out$1/tree && echo "the tree, whole"
            done
            """#)
        #expect(run.stdout == """
            pack: status 0
            -p 2, ulimit -n 17: status 0 0
            the tree, whole
            -p 1, ulimit -n 15: status 0 0
            the tree, whole

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The same tree, summed and compressed file by file (`gzip -r`) with
    /// two workers under `ulimit -n 16`. The walk's share of directory
    /// descriptors (4) was more than was left: "cannot read the directory:
    /// Too many open files", no line, no file, exit 1; and `pack`'s walk,
    /// started before the workers, could take the descriptors they needed
    /// ("cannot start ...: Too many open files": 8 runs in 10 under 17).
    /// Now the workers start first, and the walk, out of descriptors,
    /// gives up its open directories but the one it reads and keeps to
    /// fewer. Each line is sha256sum's; each member decompresses to its
    /// file. `pack` is checked under 18, a descriptor above its lowest:
    /// its read-ahead and output open files on other threads as the walk
    /// goes, and at its lowest which of them runs short first is chance.
    @Test func aDeepTreeIsWalkedWithTheDescriptorsLeft() throws {
        let run = try Scratch().run(Self.deepTreeWithNoDescriptorInherited + #"""
            mkdir gz
            (ulimit -n 16; "$BALE" sum -p 2 tree > sums 2> err); echo "sum: status $? $(wc -l < err)"
            diff <(find tree -type f -print0 | sort -z | xargs -0 sha256sum) <(sort -k 2 sums) && echo "sha256sum's lines"
            (ulimit -n 16; "$BALE" gzip -r -k -p 2 --out-dir gz tree 2> err); echo "gzip -r: status $? $(wc -l < err)"
            find tree -type f | while read -r f; do gzip -dc "gz/$f.gz" | cmp -s - "$f" || echo "differs: $f"; done
            echo "$(find gz -type f | wc -l) members"
            (ulimit -n 18; "$BALE" pack -p 2 -o t.tar.gz tree 2> err); echo "pack: status $? $(wc -l < err)"
            mkdir out; tar -xzf t.tar.gz -C out && diff -r tree out/tree && echo "the tree, whole"
            """#)
        #expect(run.stdout == """
            sum: status 0 0
            sha256sum's lines
            gzip -r: status 0 0
            4 members
            pack: status 0 0
            the tree, whole

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `sum` of files whose paths are longer than PATH_MAX (40 levels of
    /// 200-byte names, a file at each): the workers opened each by its
    /// whole path and failed past the twentieth ("File name too long",
    /// exit 1), against the README's "any depth". A file the walk listed
    /// is opened in its directory, reached one component at a time where
    /// its path is too long (`DirectoryOfPaths`): every file has its line,
    /// its digest python's (sha256sum cannot open them either).
    @Test func filesPastPathMaxAreSummed() throws {
        let run = try Scratch().run(#"""
            python3 -c "
            import os
            os.mkdir('t'); fd = os.open('t', os.O_RDONLY)
            for i in range(40):
                os.mkdir('d' * 200, dir_fd=fd); below = os.open('d' * 200, os.O_RDONLY, dir_fd=fd); os.close(fd); fd = below
                f = os.open('f', os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd); os.write(f, b'%d\n' % i); os.close(f)"
            "$BALE" sum -p 2 t > sums 2> err; echo "sum: status $? $(wc -l < err)"
            python3 -c "
            import hashlib
            lines = [line.split('  ', 1) for line in open('sums').read().splitlines()]
            print(len(lines), 'lines', all(digest == hashlib.sha256(b'%d\n' % (name.count('/') - 2)).hexdigest()
                                           for digest, name in lines))"
            """#)
        #expect(run.stdout == "sum: status 0 0\n40 lines True\n", "\(run.stdout)\(run.stderr)")
    }

    /// The walk kept each open directory's whole path and name on its
    /// stack: memory the square of the depth, `sum` of a chain 20,000
    /// directories deep 805 MiB at its peak (`find | sha256sum` 9 MB; a
    /// reading helper), over the README's 160 MiB. Each frame keeps where
    /// its path ends in the deepest one's now: 38 MiB. (And giving up the
    /// shallowest directory began at the top of the stack each time, the
    /// square of the depth in time.)
    @Test func aChainTwentyThousandDeepIsWalkedInMemoryOfItsDepth() throws {
        let run = try Scratch().run(#"""
            python3 -c "
            import os
            os.mkdir('t'); fd = os.open('t', os.O_RDONLY)
            for i in range(20000):
                os.mkdir('a', dir_fd=fd); below = os.open('a', os.O_RDONLY, dir_fd=fd); os.close(fd); fd = below
            f = os.open('f', os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd); os.write(f, b'deep\n'); os.close(f)"
            /usr/bin/time -f '%M' -o rss "$BALE" sum -p 2 t > sums; echo "sum: status $?"
            [ "$(cut -d ' ' -f 1 sums)" = "$(printf 'deep\n' | sha256sum | cut -d ' ' -f 1)" ] && echo "its digest"
            [ $(cat rss) -lt $((100 * 1024)) ] && echo "under 100 MiB" || echo "peak $(cat rss) KiB"
            """#)
        #expect(run.stdout == "sum: status 0\nits digest\nunder 100 MiB\n", "\(run.stdout)\(run.stderr)")
    }

    /// `sum` of a deep chain with a file at each level held the paths of
    /// thousands of files at once: the walk's groups and the batches were
    /// bounded by their count of files (64, 256), whatever their paths'
    /// length (up to 40 KB in a chain 20,000 deep: 455 MiB at the peak).
    /// They are bounded by their paths' bytes too (`SumCommand.groupPathBytes`,
    /// `batchPathBytes`), and each worker keeps the directory of deep paths
    /// open from one batch to the next (given up after each, every one of
    /// the now smaller batches went down from the top again). 8,000 deep:
    /// 137 MiB before, 84 after (the debug build these tests run),
    /// bounded at 110; every line is sha256sum's.
    @Test func aDeepChainIsSummedInMemoryOfItsDepth() throws {
        let run = try Scratch().run(#"""
            python3 -c "
            import os
            os.mkdir('t'); fd = os.open('t', os.O_RDONLY)
            for i in range(8000):
                os.mkdir('d', dir_fd=fd)
                f = os.open('f', os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd); os.write(f, b'%d\n' % i); os.close(f)
                below = os.open('d', os.O_RDONLY, dir_fd=fd); os.close(fd); fd = below"
            /usr/bin/time -f '%M' -o rss "$BALE" sum -p 2 t > sums; echo "sum: status $?"
            python3 -c "
            import hashlib
            lines = [line.split('  ', 1) for line in open('sums').read().splitlines()]
            print(len(lines), 'lines', all(digest == hashlib.sha256(b'%d\n' % (name.count('/') - 1)).hexdigest()
                                           for digest, name in lines))"
            [ $(cat rss) -lt $((110 * 1024)) ] && echo "under 110 MiB" || echo "peak $(cat rss) KiB"
            """#)
        #expect(run.stdout == "sum: status 0\n8000 lines True\nunder 110 MiB\n", "\(run.stdout)\(run.stderr)")
    }

    /// `pack` held every name of a deep chain at once: the feed bounded
    /// the entries the walk runs ahead by their count alone (16,384, each
    /// with its whole path: up to 40 KB in a chain 20,000 deep with a file
    /// at each level, 553 MiB held; GNU tar 365 MB), and the directories
    /// the stream is in were kept with their whole paths down to the
    /// deepest (267 MiB of the 553 at 10,000 deep). The feed now bounds
    /// their bytes too (`EntryFeed`), and a directory past PATH_MAX, never
    /// looked at again, is not kept (that chain: 95 MiB at 20,000 deep).
    /// Here a chain of 6,000 directories: 107 MiB before, 70 after (the
    /// debug build these tests run), bounded at 90. The archive holds
    /// every level.
    @Test func aDeepChainIsPackedInMemoryOfItsDepth() throws {
        let run = try Scratch().run(#"""
            python3 -c "
            import os
            os.mkdir('t'); fd = os.open('t', os.O_RDONLY)
            for i in range(6000):
                os.mkdir('d', dir_fd=fd); below = os.open('d', os.O_RDONLY, dir_fd=fd); os.close(fd); fd = below
            os.close(os.open('f', os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))"
            /usr/bin/time -f '%M' -o rss "$BALE" pack -p 2 -o t.tar.gz t; echo "pack: status $?"
            python3 -c "
            import tarfile
            names = tarfile.open('t.tar.gz').getnames()
            print(len(names), 'entries,', max(n.count('/') for n in names), 'deep')"
            [ $(cat rss) -lt $((90 * 1024)) ] && echo "under 90 MiB" || echo "peak $(cat rss) KiB"
            """#)
        #expect(run.stdout == "pack: status 0\n6002 entries, 6001 deep\nunder 90 MiB\n", "\(run.stdout)\(run.stderr)")
    }

    /// Each entry of a tree deeper than PATH_MAX had its attributes read
    /// through its whole path, opened one component at a time from the
    /// top: a chain of 3,000 directories took ~4.5 million opens (8 s;
    /// 5,000 ran past a minute, where GNU tar took half a second: a
    /// reading helper). Each is now opened in the directory the walk
    /// holds: the opens grow with the entries, not with their square
    /// (counted by strace, not timed), and the deepest directory's
    /// extended attribute is stored, as python's tarfile reads it.
    @Test(.enabled(if: Machine.has("strace"), "strace counts the opens"))
    func aTreeDeeperThanPathMaxIsPackedInLinearOpens() throws {
        let run = try Scratch().run(#"""
            python3 -c "
            import os
            os.mkdir('y'); fd = os.open('y', os.O_RDONLY)
            for i in range(3000):
                os.mkdir('a', dir_fd=fd); below = os.open('a', os.O_RDONLY, dir_fd=fd); os.close(fd); fd = below
            f = os.open('f', os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd); os.write(f, b'hi\\n'); os.close(f)
            os.setxattr(fd, 'user.deep', b'1')"
            strace -f -c -e trace=openat -o opens "$BALE" pack -p 1 -o y.tar.gz y; echo "pack: $?"
            calls=$(awk '$NF == "openat" { print $4 }' opens)
            [ "$calls" -lt 30000 ] && echo "linear opens" || echo "opens: $calls"
            python3 -c "
            import tarfile
            t = tarfile.open('y.tar.gz')
            print([m.name.count('/') for m in t if 'SCHILY.xattr.user.deep' in m.pax_headers])"
            """#)
        #expect(run.stdout == "pack: 0\nlinear opens\n[3000]\n", "\(run.stdout)\(run.stderr)")
    }

    /// Each file deeper than PATH_MAX was opened for its content through
    /// its whole path, one component at a time from the top: a chain of
    /// 3,000 directories with a file at every level took ~2.4 million
    /// opens (3.4-4.1 s here, GNU tar 0.36 s). Each thread opening files
    /// now keeps the directory of its last long path open and goes from
    /// there (`LongPathOpener`): ~86,000 opens, most of them the walk's:
    /// going up, each directory it had given up on the way down (it keeps
    /// 64 open) was opened again name by name from the top, the square of
    /// the depth (a chain 20,000 deep: ~6 million opens, 12 s, GNU tar 1.9
    /// s). It goes up by `..` now (`TreeWalk.reopenParentByDotDot`):
    /// ~23,000 opens, bounded here at 40,000 (counted by strace, not
    /// timed), and every file holds its level.
    @Test(.enabled(if: Machine.has("strace"), "strace counts the opens"))
    func aFileAtEveryLevelPastPathMaxIsOpenedInLinearOpens() throws {
        let run = try Scratch().run(#"""
            python3 -c "
            import os
            os.mkdir('y'); fd = os.open('y', os.O_RDONLY)
            for i in range(3000):
                os.mkdir('a', dir_fd=fd); below = os.open('a', os.O_RDONLY, dir_fd=fd); os.close(fd); fd = below
                f = os.open('f', os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd); os.write(f, b'%d\n' % i); os.close(f)"
            strace -f -c -e trace=openat -o opens "$BALE" pack -p 1 -o y.tar.gz y; echo "pack: $?"
            calls=$(awk '$NF == "openat" { print $4 }' opens)
            [ "$calls" -lt 40000 ] && echo "linear opens" || echo "opens: $calls"
            python3 -c "
            import tarfile
            t = tarfile.open('y.tar.gz')
            files = [(m.name.count('/') - 2, t.extractfile(m).read()) for m in t if m.isfile()]
            print(len(files), 'files', all(data == b'%d\n' % level for level, data in files))"
            """#)
        #expect(run.stdout == "pack: 0\nlinear opens\n3000 files True\n", "\(run.stdout)\(run.stderr)")
    }

    /// The walk went up by `..` only into a directory with entries left:
    /// in a chain with a file every 50 levels, the levels between had
    /// nothing left, were not opened on the way up, and each level with a
    /// file was opened again name by name from the top (the square of the
    /// depth over 50). It goes up by `..` through every level now: a chain
    /// of 3,000, ~57,000 opens before, ~17,000 after, bounded at 25,000
    /// (counted by strace, not timed).
    @Test(.enabled(if: Machine.has("strace"), "strace counts the opens"))
    func aChainWithFilesFarApartIsWalkedUpInLinearOpens() throws {
        let run = try Scratch().run(#"""
            python3 -c "
            import os
            os.mkdir('y'); fd = os.open('y', os.O_RDONLY)
            for i in range(3000):
                os.mkdir('a', dir_fd=fd)
                if i % 50 == 0:
                    f = os.open('f', os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd); os.write(f, b'%d\n' % i); os.close(f)
                below = os.open('a', os.O_RDONLY, dir_fd=fd); os.close(fd); fd = below"
            strace -f -c -e trace=openat -o opens "$BALE" pack -p 1 -o y.tar.gz y; echo "pack: $?"
            calls=$(awk '$NF == "openat" { print $4 }' opens)
            [ "$calls" -lt 25000 ] && echo "linear opens" || echo "opens: $calls"
            python3 -c "
            import tarfile
            t = tarfile.open('y.tar.gz')
            files = [(m.name.count('/') - 1, t.extractfile(m).read()) for m in t if m.isfile()]
            print(len(files), 'files', all(data == b'%d\n' % level for level, data in files))"
            """#)
        #expect(run.stdout == "pack: 0\nlinear opens\n60 files True\n", "\(run.stdout)\(run.stderr)")
    }

    /// The directory kept open is left upwards by `..`, which is the path's
    /// own parent only when no symbolic link led there: with `-h`, a link
    /// 2,100 levels down to a directory elsewhere, whose files come first
    /// (`b` sorts before `f`), then `t` beside the link, then the files
    /// above. Each `..` is held to the directory the path led to on the
    /// way down (device and inode); without that check, 53 of the files
    /// were not stored ("file changed as we read it", exit 2), and when
    /// the last step up was the one that left the link (to `t`), the
    /// directory held was taken for `t`'s ("File removed before we read
    /// it", exit 2).
    @Test func aLinkedDirectoryPastPathMaxIsLeftByItsPath() throws {
        let run = try Scratch().run(#"""
            python3 -c "
            import os
            top = os.getcwd()
            os.mkdir('z'); fd = os.open('z', os.O_RDONLY)
            f = os.open('f', os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd); os.write(f, b'z top\n'); os.close(f)
            for i in range(40):
                os.mkdir('b', dir_fd=fd); below = os.open('b', os.O_RDONLY, dir_fd=fd); os.close(fd); fd = below
                f = os.open('f', os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd); os.write(f, b'z %d\n' % i); os.close(f)
            os.mkdir('y'); fd = os.open('y', os.O_RDONLY)
            for i in range(2100):
                os.mkdir('a', dir_fd=fd); below = os.open('a', os.O_RDONLY, dir_fd=fd); os.close(fd); fd = below
                f = os.open('f', os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd); os.write(f, b'%d\n' % i); os.close(f)
            os.symlink(top + '/z', 's', dir_fd=fd)
            f = os.open('t', os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd); os.write(f, b'tee\n'); os.close(f)"
            "$BALE" pack -h -p 1 -o y.tar.gz y 2> err; echo "pack: $? $(wc -l < err)"
            python3 -c "
            import tarfile
            t = tarfile.open('y.tar.gz'); wrong = 0; count = 0
            for m in t:
                if not m.isfile(): continue
                count += 1; parts = m.name.split('/'); data = t.extractfile(m).read()
                if parts[-1] == 't':
                    wrong += data != b'tee\n'
                elif 's' in parts:
                    below = len(parts) - parts.index('s') - 2
                    wrong += data != (b'z top\n' if below == 0 else b'z %d\n' % (below - 1))
                else:
                    wrong += data != b'%d\n' % (len(parts) - 3)
            print(count, 'files,', wrong, 'wrong')"
            """#)
        #expect(run.stdout == "pack: 0 0\n2142 files, 0 wrong\n", "\(run.stdout)\(run.stderr)")
    }

    /// A file whose own path fits but whose output's does not (4,095
    /// bytes, `f.gz` 4,098; a stored name under `gunzip -rN`) is named
    /// and left as it is, "File name too long", exit 1, nothing made, as
    /// GNU gzip leaves it, and as bale leaves a file whose own path is
    /// that long. The output was made through its directory, then every
    /// check by path failed on it: "taken by another process", exit 2,
    /// both files kept, and each later run stopped at the pair (a probe
    /// helper). The file beside it, whose output fits, is compressed.
    @Test func anOutputPastPathMaxIsRefusedBeforeItIsMade() throws {
        let run = try Scratch().run(#"""
            python3 -c "
            import os, gzip, io
            p = 'T'
            for i in range(372): p += '/d%09d' % i
            os.makedirs(p); open(p + '/f', 'w').write('hello\\n' * 100); open(p[:-11] + '/g', 'w').write('g\\n')
            b = io.BytesIO()
            with gzip.GzipFile(filename='N' * 250, mode='wb', fileobj=b, mtime=10**9) as g: g.write(b'data\\n')
            q = 'B'
            for i in range(350): q += '/d%09d' % i
            os.makedirs(q); open(q + '/f.gz', 'wb').write(b.getvalue())"
            "$BALE" gzip -r T 2> err; echo "gzip -r: $? $(grep -c 'File name too long' err) $(wc -l < err)"
            find T -type f | sed 's|.*/||' | sort | tr '\n' ' '; echo
            "$BALE" gunzip -rN B 2> err; echo "gunzip -rN: $? $(grep -c 'File name too long' err) $(wc -l < err)"
            find B -type f | sed 's|.*/||'
            """#)
        #expect(run.stdout == """
            gzip -r: 1 1 1
            f g.gz\u{20}
            gunzip -rN: 1 1 1
            f.gz

            """, "\(run.stdout)\(run.stderr)")
    }
}
