// Sparse files whose map comes after their header (pax 1.0's map at the
// start of the data, old GNU extension blocks) and cannot be used: the
// entry alone is named and skipped, as a bad map in the headers is.
import Testing

@Suite struct SparseMapAfterHeaderTests {
    /// GNU tar writes `a`, a sparse `sp` and `z` (pax 1.0 with `-S
    /// --format=pax`, extension blocks with `--format=gnu` and more than
    /// four regions); python spoils the map after `sp`'s header (a letter
    /// in a number, a count beyond the map, a region past the file's size,
    /// a region offset in an extension block past it). GNU tar names `sp`
    /// ("malformed sparse archive member", "invalid sparse archive member")
    /// and reads `z`; bale stopped the whole archive at the bad map (`z`
    /// neither listed nor extracted). Now `sp` is named (exit 1), nothing
    /// is made of it (`list` shows its header's line, as `tar -tv`), and
    /// `z` is listed, extracted, verified and written
    /// by `cat`; `cat` of `sp` by name names it, not "Not found in
    /// archive" (GNU tar: "malformed sparse archive member" alone).
    @Test func anUnusableMapAfterTheHeaderSkipsItsEntryOnly() throws {
        let run = try Scratch().run(#"""
            echo before > a; echo after > z
            truncate -s 3M one && printf hello | dd of=one bs=1 seek=1048576 conv=notrunc 2> /dev/null
            truncate -s 20M many
            for i in 1 3 5 7 9 11 13 15; do printf x | dd of=many bs=1 seek=$((i * 1048576)) conv=notrunc 2> /dev/null; done
            cp one sp && tar --format=pax -S -cf pax.tar a sp z
            cp many sp && tar --format=gnu -S -cf gnu.tar a sp z
            python3 - <<'EOF'
            pax = open('pax.tar', 'rb').read()
            data = (pax.find(b'GNUSparseFile') // 512 + 1) * 512   # the map, after sp's own header
            for name, spoiled in [('letter', b'2\n10x8576\n'), ('count', b'9\n1048576\n'),
                                  ('region', b'2\n9048576\n4096\n3145728\n0\n')]:
                open(name + '.tar', 'wb').write(pax[:data] + spoiled + pax[data + len(spoiled):])
            gnu = open('gnu.tar', 'rb').read()
            extension = 1024 + 512   # a's header and data, then sp's header
            open('extension.tar', 'wb').write(gnu[:extension] + b'99999999999\0' + gnu[extension + 12:])
            EOF
            for c in letter count region extension; do
                "$BALE" list $c.tar > listing 2> err; echo "$c: list $? $(awk '{print $NF}' listing | tr '\n' ' ')"
                sed 's/ at byte [0-9]*//' err
                mkdir b; "$BALE" unpack $c.tar -C b 2> /dev/null; echo "unpack $? $(ls b | tr '\n' ' ')$(cat b/z)"; rm -rf b
                "$BALE" verify $c.tar > /dev/null 2>&1; echo "verify $?"
            done
            "$BALE" cat letter.tar sp z 2> err; echo "cat: $?"; sed 's/ at byte [0-9]*//' err
            """#)
        let each = ["letter", "count", "region", "extension"].map { archive in
            """
            \(archive): list 1 a sp z \("")
            bale: \(archive).tar: sp: invalid sparse file of the tar stream (bad sparse map); not read
            unpack 1 a z after
            verify 1

            """
        }
        #expect(run.stdout == each.joined() + """
            after
            cat: 1
            bale: letter.tar: sp: invalid sparse file of the tar stream (bad sparse map); not read

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The same archives unspoiled are read whole, holes and all (so the
    /// test above spoils only the map).
    @Test func theSameArchivesUnspoiledAreReadWhole() throws {
        let run = try Scratch().run(#"""
            truncate -s 3M sp && printf hello | dd of=sp bs=1 seek=1048576 conv=notrunc 2> /dev/null
            echo after > z; tar --format=pax -S -cf pax.tar sp z
            truncate -s 20M sp
            for i in 1 3 5 7 9 11 13 15; do printf x | dd of=sp bs=1 seek=$((i * 1048576)) conv=notrunc 2> /dev/null; done
            tar --format=gnu -S -cf gnu.tar sp z
            for c in pax gnu; do
                mkdir b t; "$BALE" unpack $c.tar -C b; echo "$c: $?"; tar -xf $c.tar -C t; diff -r b t && echo same; rm -rf b t
            done
            """#)
        #expect(run.stdout == "pax: 0\nsame\ngnu: 0\nsame\n", "\(run.stdout)\(run.stderr)")
    }
}
