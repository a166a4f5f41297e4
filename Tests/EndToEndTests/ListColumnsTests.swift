import Foundation
import Testing

/// `bale list` prints what `tar -tv` (GNU tar) prints, byte for byte,
/// columns included: a device's numbers (`1,3`) where a file's size goes,
/// and the owner and size columns as wide as tar makes them (19 at first,
/// widened by a long owner for the lines after it). Both listings: from
/// bale's index, and from the stream of an archive without one.
@Suite struct ListColumnsTests {
    @Test(.enabled(if: Machine.isRoot, "needs root to make devices and give a file a 10-digit owner"))
    func listingIsTarsByteForByte() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir t; echo a > t/a; echo b > t/b; echo c > t/c
            chown 4000000000:4000000000 t/b
            mknod t/null c 1 3; mknod t/loop b 7 200
            touch -d '2026-01-02 03:04:05' t t/*
            "$BALE" pack -o own.tar.gz t; echo "pack: status $?"
            tar -czf gnu.tar.gz t
            "$BALE" list own.tar.gz > own.list; echo "list: status $?"
            tar -tvzf own.tar.gz | cmp - own.list && echo "from the index: tar -tv's bytes"
            "$BALE" list gnu.tar.gz > gnu.list
            tar -tvzf gnu.tar.gz | cmp - gnu.list && echo "from the stream: tar -tv's bytes"
            grep -c ' 1,3 2026-01-02 03:04 t/null$' own.list
            grep -c ' 7,200 2026-01-02 03:04 t/loop$' own.list
            grep -c '^-rw-r--r-- 4000000000/4000000000 2 ' own.list
            """#)
        #expect(run.stdout == """
            pack: status 0
            list: status 0
            from the index: tar -tv's bytes
            from the stream: tar -tv's bytes
            1
            1
            1

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The time column widens as tar's `datewidth` does: after a time of
    /// more than 16 columns (year 33658, or one shown in seconds), the
    /// shorter times after it are padded on their right. From the stream
    /// (an archive python's tarfile wrote) and from the index (a tree on
    /// tmpfs, whose times reach past the year 9999, packed by bale).
    @Test(.enabled(if: FileManager.default.isWritableFile(atPath: "/dev/shm"), "needs /dev/shm (tmpfs) for times past the year 9999"))
    func theTimeColumnWidensAsTarsDoes() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            python3 - <<'EOF'
            import io, tarfile
            with tarfile.open("py.tar", "w", format=tarfile.PAX_FORMAT) as t:
                for name, seconds in [("a", 0), ("b", 10**12), ("c", -10**10), ("d", 253402300800), ("e", 5)]:
                    info = tarfile.TarInfo(name); info.size = 1; info.mtime = seconds
                    t.addfile(info, io.BytesIO(b"x"))
            EOF
            gzip py.tar
            TZ=UTC "$BALE" list py.tar.gz > py.list; echo "list: status $?"
            TZ=UTC tar -tvzf py.tar.gz | cmp - py.list && echo "from the stream: tar -tv's bytes"
            grep -c '^-rw-r--r-- 0/0  *1 1653-02-10 06:13  c$' py.list
            tree=$(mktemp -d /dev/shm/bale-list-times.XXXXXX)
            mkdir "$tree/t"; for n in 1 2 3; do echo $n > "$tree/t/$n"; done
            touch -d @1000000000000 "$tree/t/2"; touch -d @0 "$tree/t/1" "$tree/t/3" "$tree/t"
            "$BALE" pack -o own.tar.gz -C "$tree" t; echo "pack: status $?"
            rm -rf "$tree"
            TZ=UTC "$BALE" list own.tar.gz > own.list; echo "list: status $?"
            TZ=UTC tar -tvzf own.tar.gz | cmp - own.list && echo "from the index: tar -tv's bytes"
            grep -c ' 1970-01-01 00:00  t/3$' own.list
            """#)
        #expect(run.stdout == """
            list: status 0
            from the stream: tar -tv's bytes
            1
            pack: status 0
            list: status 0
            from the index: tar -tv's bytes
            1

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Hard link targets as `tar -tv` shows them (GNU tar's
    /// safer_name_suffix): no leading `/`, nothing up to the last `..`,
    /// and `.` for an empty one ("Substituting `.' for empty hard link
    /// target"), where bale showed `link to ` and nothing.
    @Test(.enabled(if: Machine.has("python3"), "python3 writes the archive"))
    func hardLinkTargetsAsTarListsThem() throws {
        let run = try Scratch().run(#"""
            python3 - <<'EOF'
            import io, tarfile
            with tarfile.open("h.tar", "w", format=tarfile.GNU_FORMAT) as t:
                info = tarfile.TarInfo("a"); info.size = 1; t.addfile(info, io.BytesIO(b"x"))
                for name, target in (("h1", ""), ("h2", "/a"), ("h3", "../a"), ("h4", "./a"), ("h5", "x/../../a")):
                    info = tarfile.TarInfo(name); info.type = tarfile.LNKTYPE; info.linkname = target; t.addfile(info)
            EOF
            "$BALE" list h.tar > bale.list; echo "list $?"
            tar -tvf h.tar 2> /dev/null | cmp - bale.list && echo "tar -tv's bytes"
            grep -c ' h1 link to \.$' bale.list
            """#)
        #expect(run.stdout == "list 0\ntar -tv's bytes\n1\n", "\(run.stdout)\(run.stderr)")
    }

    /// The size column of an entry whose header has a size field though
    /// the entry holds no file content, as GNU tar 1.34 lists it: a hard
    /// link's field read as 0 ("links 0 size on tape"; no data follows
    /// it) unless a pax size record gives one, which is listed; a
    /// directory's listed (no data follows either); a symbolic link's, a
    /// FIFO's and a contiguous file's listed (their data follows, and is
    /// skipped); a device's numbers instead. bale listed the hard link's
    /// field (`hrw-r--r-- 0/0 4 … h link to a`). Archives python's
    /// tarfile wrote, in the three formats; bsdtar lists 0 for the hard
    /// link too.
    @Test(.enabled(if: Machine.has("python3"), "python3 writes the archives"))
    func sizeFieldsOfEntriesWithoutContentAreListedAsTarListsThem() throws {
        let run = try Scratch().run(#"""
            python3 - <<'EOF'
            import io, tarfile
            for name, form in [("gnu", tarfile.GNU_FORMAT), ("ustar", tarfile.USTAR_FORMAT), ("pax", tarfile.PAX_FORMAT)]:
                with tarfile.open(name + ".tar", "w", format=form) as t:
                    def add(member, kind, data=b"", size=4, **fields):
                        info = tarfile.TarInfo(member); info.type = kind; info.size = size; info.mtime = 1600000000
                        for key, value in fields.items(): setattr(info, key, value)
                        t.addfile(info, io.BytesIO(data) if data else None)
                    add("a", tarfile.REGTYPE, b"xxxx")
                    add("h", tarfile.LNKTYPE, linkname="a")
                    add("s", tarfile.SYMTYPE, b"yyyy", linkname="a")
                    add("c", tarfile.CHRTYPE, b"yyyy", devmajor=1, devminor=3)
                    add("b", tarfile.BLKTYPE, b"yyyy", devmajor=8, devminor=1)
                    add("f", tarfile.FIFOTYPE, b"yyyy")
                    add("d", tarfile.DIRTYPE)
                    add("k", tarfile.CONTTYPE, b"yyyy")
                    add("z", tarfile.REGTYPE, b"z", size=1)
                    # Last: GNU tar's list skips 4 bytes of data after it, its extraction none.
                    if form == tarfile.PAX_FORMAT:
                        add("p", tarfile.LNKTYPE, size=0, linkname="a", pax_headers={"size": "4"})
            EOF
            for f in gnu ustar pax; do
                "$BALE" list $f.tar > $f.list 2> err; echo "$f: list $? $(wc -c < err)"
                tar -tvf $f.tar | cmp - $f.list && echo "$f: tar -tv's bytes"
            done
            grep -c '^hrw-r--r-- 0/0  *0 2020-09-13 [0-9:]* h link to a$' gnu.list
            grep -c '^hrw-r--r-- 0/0  *4 2020-09-13 [0-9:]* p link to a$' pax.list
            wc -l < pax.list
            """#)
        #expect(run.stdout == """
            gnu: list 0 0
            gnu: tar -tv's bytes
            ustar: list 0 0
            ustar: tar -tv's bytes
            pax: list 0 0
            pax: tar -tv's bytes
            1
            1
            10

            """, "\(run.stdout)\(run.stderr)")
    }
}
