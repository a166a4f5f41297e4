import Foundation
import Testing

/// `pack --sparse` on the example: a 1 GiB file holding three
/// small islands of data becomes an archive of kilobytes, and GNU tar
/// restores it with its holes (`du`) and its content (`cmp`). The formats
/// and the other tools are tested in `TarReadingTests.packSparse`.
@Suite struct SparseTests {
    @Test(.enabled(if: TarReadingTests.fileSystemKeepsHoles, "the temporary directory's file system does not keep holes"))
    func aGibibyteOfHolesPacksIntoKilobytes() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            set -e
            mkdir src
            truncate -s 1G src/islands
            printf 'first island' | dd of=src/islands bs=1 seek=4096 conv=notrunc 2> /dev/null
            printf 'second island' | dd of=src/islands bs=1 seek=500000000 conv=notrunc 2> /dev/null
            # the last one ends the file: no hole at its end
            printf 'third island' | dd of=src/islands bs=1 seek=$(( (1 << 30) - 12 )) conv=notrunc 2> /dev/null
            stat -c %s src/islands
            "$BALE" pack -S src -o s.tar.gz
            set +e
            size=$(stat -c %s s.tar.gz); echo "archive under 64 KiB: $(( size < 65536 ))"
            mkdir out && tar -xzf s.tar.gz -C out && echo "GNU tar extracted it"
            stat -c %s out/src/islands
            echo "restored with holes: $(( $(du -k out/src/islands | cut -f1) < 1024 ))"
            cmp src/islands out/src/islands && echo "the same content"
            """)
        #expect(run.stdout == """
            1073741824
            archive under 64 KiB: 1
            GNU tar extracted it
            1073741824
            restored with holes: 1
            the same content

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `list` of a `pack -S` archive whose first or last entry is a sparse
    /// file uses the index, with no warning: the check of the index reads
    /// on past such an entry's header to its map (pax 1.0, at the start
    /// of its data), where `TarReader` begins it. It read to the data only,
    /// never saw the entry begin, and called the honest index unusable
    /// ("no tar header for sp at byte 0", exit 2). So with a sparse file
    /// in the middle whose header ends the first 4 MiB member: its map
    /// opens the second, and the check of the first member's entries read
    /// no further ("m is in the index, not in the tar stream"). Each
    /// listing is the stream's (from a pipe); a lie about those entries
    /// is still caught.
    /// An index forged to leave out the entry right after a sparse file (a
    /// later copy of a name), the next entry's header kept where it is:
    /// the index's check of itself cannot see the gap, for it does not
    /// hold a sparse map's length, and `cat` and a named `unpack` gave the
    /// earlier copy, exit 0 (a probe helper's forgery), and `list`, which
    /// reads the first and the last members, left it out, exit 0. The
    /// sparse file's header is now read for where its data ends: a
    /// warning, and the stream read, held to the index as `unpack` of the
    /// whole archive holds it (`IndexHeldExtraction`): the later copy,
    /// which the index lacks, is left out and named, exit 1, so `cat`
    /// writes the earlier copy alone and `unpack` leaves it; `list` lists
    /// the stream as `tar -tv`, with the warning. Not forged: exit 0,
    /// nothing said.
    @Test(.enabled(if: TarReadingTests.fileSystemKeepsHoles, "the temporary directory's file system does not keep holes"),
          .enabled(if: Machine.has("python3"), "python3 forges the index"))
    func anEntryHiddenAfterASparseFileIsSeen() throws {
        let run = try Scratch().run("""
            \(IndexForgery.helpers)
            mkdir -p src d/sub d/src && echo first > src/A && echo later > d/src/A && echo 2 > z
            truncate -s 2M sp && echo middle | dd of=sp bs=1 seek=1000000 conv=notrunc status=none
            # big puts the rest in a second member, which reading src/A's first copy
            # does not touch; big2 puts z in a third, so the second is neither end's.
            head -c 5000000 /dev/urandom > big && head -c 5000000 /dev/urandom > big2
            "$BALE" pack -q -S src/A big sp d/sub/../src/A big2 z -o dup.tgz 2> /dev/null && cp dup.tgz forged.tgz
            tar -tvzf dup.tgz | awk '{ print $NF }' | tr '\\n' ' '; echo
            forge forged.tgz drop 3
            laterCopyOfA dup.tgz forged.tgz
            for f in dup.tgz forged.tgz; do
                "$BALE" list $f > got 2> err; status=$?
                tar -tvzf $f | cmp -s - got && echo "$f list $status, as tar -tv, $(grep -c 'index is not usable' err)"
            done
            """)
        #expect(run.stdout == """
            src/A big sp src/A big2 z 
            dup.tgz cat 0, as tar -xO, 0
            dup.tgz unpack 0, the later copy, 0
            forged.tgz cat 1, the earlier copy alone, 1, held
            forged.tgz unpack 1, the earlier copy, 1, held
            dup.tgz list 0, as tar -tv, 0
            forged.tgz list 2, as tar -tv, 1

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test(.enabled(if: TarReadingTests.fileSystemKeepsHoles, "the temporary directory's file system does not keep holes"),
          .enabled(if: Machine.has("python3"), "python3 forges the index"))
    func sparseEntriesAtTheEndsOfAnIndexedArchiveList() throws {
        let run = try Scratch().run("""
            \(IndexForgery.helpers)
            truncate -s 2M sp && truncate -s 2M m && echo 1 > a && echo 2 > z
            head -c $(( (4 << 20) - 3072 )) /dev/urandom > big
            touch -d '2020-02-02 02:02:02.123456789' a big m sp z
            "$BALE" pack -q -S sp -o alone.tgz && "$BALE" pack -q -S a sp -o last.tgz \\
                && "$BALE" pack -q -S sp z -o first.tgz && "$BALE" pack -q -S big m z -o across.tgz || exit 1
            # big's pax and ustar headers, its data, m's three header blocks: m's map begins at 4 MiB
            tar -tvRzf across.tgz | grep -q '^block 8191: .* m$' && echo "m's map opens the second member"
            for c in alone last first across; do
                "$BALE" list $c.tgz > out 2> err; echo "$c $? $(wc -c < err)"
                cat $c.tgz | "$BALE" list - | cmp -s - out && echo "$c = stream"
            done
            for lie in "alone.tgz rename sp sX" "last.tgz rename sp sX" "first.tgz size sp 5" "across.tgz rename m X"; do
                set -- $lie; cp $1 lie.tgz && forge lie.tgz $2 $3 $4 || exit 1
                "$BALE" list lie.tgz > out 2> err; echo "$2 $3 in $1 $?"
                grep -q "index is not usable" err && cat $1 | "$BALE" list - | cmp -s - out && echo "warned, listed from the stream"
            done
            """)
        #expect(run.stdout == """
            m's map opens the second member
            alone 0 0
            alone = stream
            last 0 0
            last = stream
            first 0 0
            first = stream
            across 0 0
            across = stream
            rename sp in alone.tgz 2
            warned, listed from the stream
            rename sp in last.tgz 2
            warned, listed from the stream
            size sp in first.tgz 2
            warned, listed from the stream
            rename m in across.tgz 2
            warned, listed from the stream

            """, "\(run.stdout)\(run.stderr)")
    }
}
