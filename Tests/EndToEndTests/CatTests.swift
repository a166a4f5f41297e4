import Foundation
import Testing

/// `bale cat ARCHIVE PATH...`, judged by GNU tar 1.34's `tar -xzOf` on the
/// same archive: the same bytes on standard output, the same exit status,
/// the same "Not found in archive" lines, on an archive from GNU tar, one
/// from bale without an index (both read as a stream) and one with an
/// index (only the members holding the named entries are read); and on
/// indexes that lie or are damaged: the right bytes (read from the stream
/// after a warning) or an error, never wrong bytes with exit 0.
@Suite struct CatTests {
    /// `same ARCHIVE NAMES...`: "same" when `bale cat` writes what `tar
    /// -xzOf` writes, exits as it does and names the same names not found.
    static let compare = #"""
        same() { local archive=$1; shift
                 tar -xzOf "$archive" "$@" > tar.out 2> tar.err; local gnu=$?
                 "$BALE" cat "$archive" "$@" > bale.out 2> bale.err; local ours=$?
                 grep 'Not found' tar.err | sed 's/^tar: /bale: /' > tar.missing; grep 'Not found' bale.err > bale.missing
                 if cmp -s tar.out bale.out && [ $gnu = $ours ] && cmp -s tar.missing bale.missing; then echo same
                 else echo "differs ($archive $*): tar $gnu, bale $ours"; cat bale.err; fi; }
        """#

    /// Names of every sort, on the three archives: each as tar writes it.
    @Test(arguments: ["foreign.tgz", "plain.tgz", "indexed.tgz"])
    func namesAsGNUTar(archive: String) throws {
        let run = try Scratch().run("""
            \(IndexForgery.helpers)
            \(Self.compare)
            tree
            same \(archive) top/1one
            same \(archive) top/a/big top/1one top/logs/x       # archive order, whatever the command line's
            same \(archive) top/logs                            # a directory: the files under it
            same \(archive) top/logs/                           # trailing slash
            same \(archive) top/nope top/1one                   # not found: exit 2, the others written
            same \(archive) top/1one top/1one                   # given twice: the second not found, as tar
            same \(archive) ./top/1one                          # names are compared byte for byte
            same \(archive) top/sym top/a/b                     # a link writes nothing
            same \(archive) 'top/st*r/in'                       # wildcard characters, taken literally
            same \(archive) 'top/*.log'                         # not a pattern without --wildcards
            same \(archive) --wildcards 'top/*.log'             # '*' matches '/'
            same \(archive) --wildcards 'top/a/b/[cg]*'
            same \(archive) --wildcards 'log*'                  # anchored: not found
            same \(archive) top/logs --wildcards '*.txt'
            """)
        #expect(run.stdout == String(repeating: "same\n", count: 14), "\(run.stdout)\(run.stderr)")
    }

    /// Names with C escapes, undone as GNU tar's default `--unquote`
    /// undoes them, so a name copied from `tar -t` or `bale list` (which
    /// print `\\` and `\n`) is found: `\\`, `\n`, `\t`, octal, and a
    /// backslash before anything else kept; in patterns too. bale took
    /// them byte for byte: "Not found in archive", exit 2, where tar wrote
    /// them.
    @Test(arguments: ["foreign.tgz", "indexed.tgz"])
    func escapedNamesAsGNUTarUnquotesThem(archive: String) throws {
        let run = try Scratch().run(#"""
            mkdir -p d && echo x > 'd/back\slash' && echo y > "$(printf 'd/nl\nname')" && echo z > "$(printf 'd/tab\tt')"
            tar -czf foreign.tgz d && "$BALE" pack -q d -o indexed.tgz
            \#(Self.compare)
            same \#(archive) 'd/back\\slash'
            same \#(archive) 'd/back\slash'                       # \s is no escape: kept
            same \#(archive) 'd/nl\nname' 'd/tab\tt'
            same \#(archive) 'd/nl\012name'                       # octal
            same \#(archive) 'd/back\qslash'                      # not found
            same \#(archive) --wildcards 'd/b\ack*'               # \a is BEL: not found
            same \#(archive) --wildcards 'd/nl\n*'
            """#)
        #expect(run.stdout == String(repeating: "same\n", count: 7), "\(run.stdout)\(run.stderr)")
    }

    /// A hard link named alone: `tar -xO` writes nothing for it; bale, with
    /// the index, writes its target's content (read from the target's own
    /// members), and without one reads the stream as tar does.
    @Test func hardLinkGetsItsTargetsContent() throws {
        let run = try Scratch().run("""
            \(IndexForgery.helpers)
            tree
            "$BALE" cat indexed.tgz top/a/hard; echo "indexed $?"
            "$BALE" cat indexed.tgz top/a/b/g top/a/hard top/logs/x; echo "indexed $?"
            "$BALE" cat plain.tgz top/a/hard | wc -c; tar -xzOf plain.tgz top/a/hard | wc -c
            """)
        #expect(run.stdout == "4\nindexed 0\n2\n4\n3\nindexed 0\n0\n0\n", "\(run.stdout)\(run.stderr)")
    }

    /// A hard link named with its target (both, or a directory holding
    /// both) writes nothing, as `tar -xO` and bale's reading of the stream
    /// write it: the target's content comes once. Through the index each
    /// link wrote it again (`cat` of a directory with a file and two links
    /// to it: three times; a probe helper).
    @Test func aHardLinkNamedWithItsTargetWritesNothing() throws {
        let run = try Scratch().run("""
            mkdir -p hk/d && echo HL > hk/d/t && ln hk/d/t hk/l1 && ln hk/d/t hk/l2 && echo Z > hk/z
            "$BALE" pack -q hk -o hk.tgz && gzip -dc hk.tgz | gzip > plain.tgz
            for names in hk "hk/d/t hk/l1" "hk/l1 hk/d hk/z"; do
                a=$("$BALE" cat hk.tgz $names | md5sum); b=$("$BALE" cat plain.tgz $names | md5sum)
                c=$(tar -xzOf hk.tgz $names | md5sum)
                [ "$a" = "$c" ] && [ "$b" = "$c" ] && echo "$names: as tar"
            done
            """)
        #expect(run.stdout == "hk: as tar\nhk/d/t hk/l1: as tar\nhk/l1 hk/d hk/z: as tar\n", "\(run.stdout)\(run.stderr)")
    }

    /// From a pipe, and with --exclude, as tar.
    @Test func pipeAndExclude() throws {
        let run = try Scratch().run("""
            \(IndexForgery.helpers)
            tree
            cat indexed.tgz | "$BALE" cat - top/a top/logs/x | md5sum
            tar -xzOf indexed.tgz top/a top/logs/x | md5sum
            "$BALE" cat indexed.tgz top/a --exclude big --exclude hard | md5sum
            tar -xzOf indexed.tgz top/a --exclude big | md5sum
            """)
        let sums = run.stdout.split(separator: "\n")
        #expect(sums.count == 4 && sums[0] == sums[1] && sums[2] == sums[3], "\(run.stdout)\(run.stderr)")
    }

    /// Only the members holding the named entry are read, and the one
    /// holding the end of the archive (`IndexedMemberReader.hiddenEntry`:
    /// the end read where the index puts it): the bytes the feeders splice
    /// from the archive into the workers' pipes (the members,
    /// `SelectedMemberCutter`), with any pread of a gzip member (the bytes
    /// read start with gzip's magic), add up to two members at most, in an
    /// archive of ten (here the last is 2.5 MB). (The index and the end
    /// member are read too: they are small.)
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func readsOnlyTheMembersItNeeds() throws {
        let run = try Scratch().run("""
            mkdir d && for i in 1 2 3 4 5 6 7 8 9; do head -c 4000000 /dev/urandom > d/part$i; done
            echo middle > d/part5b
            "$BALE" pack -q d -o d.tgz && stat -c %s d.tgz
            # One file a thread (-ff), so that no call is split across lines.
            strace -ff -qq -e trace=pread64,splice -o trace "$BALE" cat d.tgz d/part5b
            cat trace.* | grep -o -e 'pread64([0-9]*, "\\\\37\\\\213\\\\10\\\\4\\\\0\\\\0\\\\0\\\\0\\\\0\\\\3\\\\16\\\\0BL.*= [0-9]*' \\
                -e '^splice(.*= [0-9]*' | awk '{ total += $NF } END { print "member bytes read", total }'
            """)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 3 && lines[1] == "middle", "\(run.stdout)\(run.stderr)")
        let size = Int(lines.first ?? "") ?? 0
        let read = Int(lines.last?.split(separator: " ").last ?? "") ?? -1
        #expect(read > 0 && read <= 8_600_000 && size > 36_000_000, "read \(read) of \(size): \(run.stdout)\(run.stderr)")
    }

    /// The same proof another way: a member far from the named entry is
    /// damaged (neither its member nor the last, which holds the end of
    /// the archive). With the index, cat never reads it and succeeds;
    /// without one it reads the stream and stops at the damage (exit 1).
    @Test func damageElsewhereDoesNotMatterWithAnIndex() throws {
        let run = try Scratch().run("""
            mkdir d && echo first > d/a && for i in 1 2 3; do head -c 4000000 /dev/urandom > d/r$i; done
            "$BALE" pack -q d -o i.tgz && "$BALE" pack -q --no-index d -o n.tgz
            # A byte in the middle of the second member of three (well past d/a's),
            # changed whatever it was (written as 0xff, it stayed one run in 256).
            for f in i.tgz n.tgz; do
                b=$(od -An -tu1 -j6000000 -N1 $f)
                printf "\\\\$(printf %o $((255 - b)))" | dd of=$f bs=1 seek=6000000 conv=notrunc status=none
            done
            "$BALE" cat i.tgz d/a; echo "indexed $?"
            "$BALE" cat n.tgz d/a 2> /dev/null; echo "stream $?"
            """)
        #expect(run.stdout == "first\nindexed 0\nfirst\nstream 1\n", "\(run.stdout)\(run.stderr)")
    }

    /// Damage that stops the stream before a named entry: the name is not
    /// "Not found in archive" (the archive may hold it past the damage; GNU
    /// tar, stopped by damage, names nothing more), but not found in the
    /// part read, exit 1, for `cat` and `unpack`. Found by a probe: `cat`
    /// of a file whose member failed its CRC said the archive lacked it.
    @Test func aNameAfterTheDamageIsNotCalledMissing() throws {
        let run = try Scratch().run("""
            mkdir d && head -c 300000 /dev/urandom > d/a && echo last > d/z
            "$BALE" pack -q --no-index d -o n.tgz
            # Random bytes are stored, not compressed: a byte changed in
            # them leaves the deflate stream whole and fails the CRC at its end.
            printf '\\xff' | dd of=n.tgz bs=1 seek=150000 conv=notrunc status=none
            "$BALE" cat n.tgz d/z d/absent > out 2> cat.err; echo "cat $? $(wc -c < out)"
            mkdir x && "$BALE" unpack n.tgz -C x d/z 2> unpack.err; echo "unpack $?"
            grep -c 'Not found in archive' cat.err unpack.err
            grep -c 'not found in the part of the archive read before the error' cat.err unpack.err
            """)
        #expect(run.stdout == "cat 1 0\nunpack 1\ncat.err:0\nunpack.err:0\ncat.err:2\nunpack.err:1\n",
                "\(run.stdout)\(run.stderr)")
    }

    /// Lying indexes, their checksums right: the header at the offset the
    /// index gives is not what it says, so bale warns and reads the stream,
    /// holding the named entries to the index as `unpack` holds every
    /// entry (`IndexHeldExtraction`): one the index describes otherwise is
    /// not written and is named, exit 1; the others' bytes are tar's.
    /// Never wrong bytes with exit 0. An index that lacks a name the
    /// stream holds (renamed) is found out by the stream: before, `cat`
    /// took the name from the stream with no word, exit 0, where `list`
    /// and `verify` said the index was not to be trusted. Where no named
    /// entry differs, the stream's bytes with the warning, exit 2. (The
    /// cases: the lie, the entries left out.)
    /// (`top/a/b/g` named `top/1one` in the index: the stream's `top/1one`
    /// is where the index has it; `g`, which differs, is not named.)
    @Test(arguments: [["swap-names top/1one top/logs/x", "top/1one top/logs/x"], ["size top/1one 3", "top/1one"],
                      ["rename top/a/b/g top/1one", ""], ["swap-names top/a/big top/a/b/c.txt", "top/a/big"],
                      ["rename top/logs/x top/elsewhere", "top/logs/x"]])
    func lyingIndexFallsBackToTheStreamHeldToTheIndex(edit: [String]) throws {
        let kept = ["top/1one", "top/a/big", "top/logs/x"].filter { !edit[1].split(separator: " ").contains(Substring($0)) }
        let run = try Scratch().run("""
            \(IndexForgery.helpers)
            tree
            forge indexed.tgz \(edit[0])
            "$BALE" cat indexed.tgz top/1one top/a/big top/logs/x > bale.out 2> bale.err; echo "cat $?"
            tar -xzOf indexed.tgz \(kept.joined(separator: " ")) | cmp - bale.out && echo "bytes right"
            grep -c "index is not usable" bale.err
            sed -n 's/^bale: \\(.*\\): differs from the archive.s index.*the archive was changed after it was made; not extracted$/\\1/p' bale.err | paste -sd ' '
            """)
        let status = edit[1].isEmpty ? 2 : 1
        #expect(run.stdout == "cat \(status)\nbytes right\n1\n\(edit[1])\n", "\(edit): \(run.stdout)\(run.stderr)")
    }

    /// An index rewritten to leave out the last entry, a later copy of a
    /// name: `cat` wrote the earlier copy alone and a named `unpack`
    /// extracted it, exit 0, where tar takes the later (a probe helper's
    /// forgery; `list` warned). The index is held to the stream at both
    /// ends first, as `list` holds it: a warning, and the stream read, so
    /// `cat` writes both copies as `tar -xO` does, `unpack` the later.
    /// Not forged, the index serves: exit 0, nothing said. A later copy
    /// small enough (6 bytes) to fit, header and all, in the padding of
    /// the archive's last record escaped the index's check of its own
    /// end; the end of the archive is now read where the index puts it,
    /// and the stream is held to the index, whose records read whole
    /// (`IndexHeldExtraction`, as for `unpack` of the whole archive): the
    /// later copy, which the index lacks, is left out and named, exit 1.
    @Test(arguments: [200_000, 6])
    func anIndexWithoutItsLastEntryIsNotUsed(laterCopyBytes: Int) throws {
        let run = try Scratch().run("""
            \(IndexForgery.helpers)
            mkdir -p src d/sub d/src && echo first > src/A && head -c 9000000 /dev/urandom > src/big
            head -c \(laterCopyBytes) /dev/urandom > d/src/A
            "$BALE" pack -q src/A src/big d/sub/../src/A -o dup.tgz 2> /dev/null && cp dup.tgz forged.tgz
            forge forged.tgz drop-last
            laterCopyOfA dup.tgz forged.tgz
            """)
        let forged = laterCopyBytes == 6
            ? "forged.tgz cat 1, the earlier copy alone, 1, held\nforged.tgz unpack 1, the earlier copy, 1, held"
            : "forged.tgz cat 2, as tar -xO, 1\nforged.tgz unpack 2, the later copy, 1"
        #expect(run.stdout == """
            dup.tgz cat 0, as tar -xO, 0
            dup.tgz unpack 0, the later copy, 0
            \(forged)

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The forger itself changes nothing when asked for no lie (so the
    /// tests above fail for the lie, not for the forger).
    @Test func forgerWithoutALieKeepsTheIndexUsable() throws {
        let run = try Scratch().run("""
            \(IndexForgery.helpers)
            tree
            forge indexed.tgz same
            "$BALE" cat indexed.tgz top/1one; echo "cat $?"
            """)
        #expect(run.stdout == "4\ncat 0\n", "\(run.stdout)\(run.stderr)")
    }

    /// Damaged indexes: bits flipped in the tail, the index cut short (the
    /// file then ends inside it, and the end member is gone too). A clear warning and
    /// the stream (exit 2), or an error (exit 1); never wrong bytes with
    /// exit 0.
    @Test func damagedIndexes() throws {
        let run = try Scratch().run("""
            \(IndexForgery.helpers)
            tree
            tar -xzOf indexed.tgz top/a/big top/1one > want
            size=$(stat -c %s indexed.tgz)
            check() { "$BALE" cat x.tgz top/a/big top/1one > got 2> err; local status=$?
                      if [ $status = 0 ] && ! cmp -s got want; then echo "WRONG BYTES, exit 0: $1"
                      elif [ $status = 0 ] && [ -s err ]; then echo "exit 0 with words: $1"
                      elif [ $status != 0 ] && [ ! -s err ]; then echo "silent failure: $1"
                      elif [ $status = 2 ] && ! cmp -s got want; then echo "wrong bytes, exit 2: $1"
                      else echo "ok $status"; fi; }
            for at in 80 100 150 200; do
                cp indexed.tgz x.tgz
                python3 -c "import sys; f = open('x.tgz', 'r+b'); f.seek($size - $at); b = f.read(1); f.seek($size - $at); f.write(bytes([b[0] ^ 0x10]))"
                check "flip at -$at"
            done
            head -c $((size - 90)) indexed.tgz > x.tgz; check "cut inside the index"
            """)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 5 && lines.allSatisfy { $0 == "ok 1" || $0 == "ok 2" }, "\(run.stdout)\(run.stderr)")
    }

    /// Members whose data lengths the index moves (512 bytes from the
    /// first to the second: the totals still add up): the members do not
    /// inflate to what it says, so bale warns and reads the stream.
    @Test func memberSizesThatLie() throws {
        let run = try Scratch().run("""
            \(IndexForgery.helpers)
            mkdir d && head -c 5000000 /dev/urandom > d/r && echo tail > d/s
            "$BALE" pack -q d -o d.tgz && forge d.tgz member-data 0 512
            "$BALE" cat d.tgz d/s d/r > got 2> err; echo "cat $?"
            cat d/r d/s | cmp - got && echo "bytes right"; grep -c "index is not usable" err
            """)
        #expect(run.stdout == "cat 2\nbytes right\n1\n", "\(run.stdout)\(run.stderr)")
    }

    /// Entries with extended headers, read from their first header block
    /// on (the index points at the pax header): a name of 200 bytes, a
    /// sparse file (pax sparse 1.0, its map at the start of its data,
    /// written out with its holes as zeros), as tar writes them.
    @Test func longNamesAndSparseFilesFromTheIndex() throws {
        let run = try Scratch().run("""
            long=$(printf 'd%.0s' {1..90})/$(printf 'e%.0s' {1..90})
            mkdir -p s/$long && echo deep > s/$long/name.txt
            truncate -s 3M s/holes && printf here | dd of=s/holes bs=1 seek=2000000 conv=notrunc status=none
            head -c 1000000 /dev/urandom > s/after
            "$BALE" pack -q -S s -o s.tgz
            for name in s/$long/name.txt s/holes s/after; do
                "$BALE" cat s.tgz $name | cmp - <(tar -xzOf s.tgz $name) && echo same
            done
            "$BALE" cat s.tgz s/holes s/$long/name.txt 2>&1 | cmp - <(tar -xzOf s.tgz s/holes s/$long/name.txt) && echo same
            """)
        #expect(run.stdout == "same\nsame\nsame\nsame\n", "\(run.stdout)\(run.stderr)")
    }

    /// An index that hides an entry between two it lists: here `x/b`
    /// renamed `x/a` in the tar stream (its member rebuilt to the same
    /// length), the index left as it was. `cat x/a x/z` wrote the first
    /// `x/a` and `x/z`, exit 0, where `tar -xO` writes both `x/a`; an
    /// entry met between two items must now be where the index puts one
    /// and say what it says, or the archive is read as a stream (warning),
    /// held to the index as `unpack` of the whole archive holds it
    /// (`IndexHeldExtraction`): the planted `x/a`, which the index calls
    /// `x/b`, is left out and named, exit 1; the two the index lists are
    /// written.
    @Test func anEntryTheIndexHidesBetweenTwoItIsCaught() throws {
        let run = try Scratch().run(#"""
            mkdir x && printf 'GOOD\n' > x/a && printf 'EVIL\n' > x/b && printf 'zzz\n' > x/z
            touch -d @1000000000 x/a x/b x/z x  # the same bytes every run, for the search below
            "$BALE" pack --owner 0 --group 0 x -o good.tgz
            python3 - <<'EOF' || exit 1
            import struct, zlib, itertools, sys
            d=open('good.tgz','rb').read(); mlen,dlen=struct.unpack('<II',d[18:26])
            tar=bytearray(zlib.decompress(d[26:mlen-8],-15)); i=tar.index(b'x/b\0'); tar[i:i+3]=b'x/a'
            h=tar[i:i+512]; h[148:156]=b' '*8; h[148:156]=b'%06o\0 '%sum(h); tar[i:i+512]=h
            tar=bytes(tar); target=mlen-26-8
            found=None
            for level,mem,strat in itertools.product(range(0,10),range(1,10),range(0,4)):
                for flushes in range(0,40):
                    c=zlib.compressobj(level,zlib.DEFLATED,-15,mem,strat); out=c.compress(tar)
                    for _ in range(flushes): out+=c.flush(zlib.Z_SYNC_FLUSH)
                    out+=c.flush()
                    if len(out)==target: found=out; break
                    if len(out)>target: break
                if found: break
            if not found: sys.exit("no match %d" % target)
            comp=found; crc=zlib.crc32(tar); n=26+len(comp)+8
            rest=bytearray(d[mlen:]); e=len(rest)-66
            rest[e+36:e+40]=struct.pack('<I',crc); rest[e+40:e+48]=struct.pack('<Q',n+e); rest[e+48:e+56]=struct.pack('<Q',n)
            open('lie.tgz','wb').write(d[:18]+struct.pack('<II',n,dlen)+comp+struct.pack('<II',crc,dlen)+rest)
            print("ok")
            EOF
            tar -tzf lie.tgz | paste -sd ' '
            "$BALE" cat lie.tgz x/a x/z > out 2> err; echo "status=$?"
            paste -sd ' ' out
            grep -c "index is not usable" err
            grep -c "^bale: x/a: differs from the archive's index (.*): the archive was changed after it was made; not extracted$" err
            """#)
        #expect(run.stdout == "ok\nx/ x/a x/a x/z\nstatus=1\nGOOD zzz\n1\n1\n", "\(run.stdout)\(run.stderr)")
    }

    /// An entry whose name has a ".." component is refused, as `tar -xO`
    /// refuses it ("Member name contains '..'") and `unpack` does: `cat`
    /// wrote its content, exit 0, by its name or with no name given (found
    /// by a read-only probe of foreign archives). A hard link of such a
    /// name too, which writes nothing: it was passed over, exit 0 (a
    /// probe helper).
    @Test func aNameWithDotDotIsNotWritten() throws {
        let run = try Scratch().run(#"""
            python3 -c "import tarfile, io
            z = tarfile.open('d.tgz', 'w:gz')
            for name, data in (('../etc/passwd', b'SECRET\n'), ('ok', b'ok\n')):
                t = tarfile.TarInfo(name); t.size = len(data); z.addfile(t, io.BytesIO(data))
            h = tarfile.TarInfo('../x/hard'); h.type = tarfile.LNKTYPE; h.linkname = 'ok'; z.addfile(h)
            z.close()"
            "$BALE" cat d.tgz 2> err; echo "all: $? $(grep -c "contains '..'" err)"
            "$BALE" cat d.tgz ../etc/passwd 2> err; echo "named: $? $(grep -c "contains '..'" err)"
            "$BALE" cat d.tgz ../x/hard 2> err; echo "link: $? $(grep -c "contains '..'" err)"
            """#)
        #expect(run.stdout == "ok\nall: 1 2\nnamed: 1 1\nlink: 1 1\n", "\(run.stdout)\(run.stderr)")
    }

    /// A file continued from another volume (GNU tar's multi-volume 'M'
    /// entry) is named and not written, exit 1, as `unpack` refuses it and
    /// GNU tar -xO says it ("Cannot extract -- file is continued from
    /// another volume", exit 2); bale cat wrote nothing, exit 0.
    @Test(.enabled(if: Machine.has("tar"), "needs GNU tar"))
    func aFileContinuedFromAnotherVolumeIsNamed() throws {
        let run = try Scratch().run("""
            head -c 25000 /dev/urandom > mv.bin && tar -M -L 20 -cf v1.tar -f v2.tar mv.bin
            tar -tvf v2.tar | cut -c 1 | head -n 1
            "$BALE" cat v2.tar mv.bin > out; echo "status=$? $(wc -c < out)"
            """)
        #expect(run.stdout == "M\nstatus=1 0\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == "bale: mv.bin: cannot extract -- file is continued from another volume; not written\n",
                "\(run.stderr)")
    }
}
