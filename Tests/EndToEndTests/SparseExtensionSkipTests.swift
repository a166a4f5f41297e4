import Testing

/// An old GNU sparse entry (type 'S') whose map cannot be used, in its
/// header or in an extension block that is not the last: the extension
/// blocks still to come are not counted in the entry's size, so they are
/// read and ignored first, and only then its data skipped. Skipping at
/// once ended inside the data, which was then read as headers (a file
/// of the sparse entry's content could come out as an entry of its own).
/// The entries after it are read, as for any unusable map; `list` shows
/// the entry itself too, as `tar -tv` lists it.
@Suite struct SparseExtensionSkipTests {
    @Test(arguments: [("header", 386), ("first extension block", 512)])
    func theEntryAfterAnUnusableMapIsRead(place: String, at: Int) throws {
        let run = try Scratch().run(#"""
            python3 - <<'EOF'
            with open('many', 'wb') as f:           # 50 data regions: 3 extension blocks
                for i in range(50):
                    f.seek(i * 131072); f.write(b'x' * 4096)
                f.truncate(50 * 131072)
            EOF
            echo after > zafter
            tar --format=gnu --sparse -cf s.tar many zafter
            python3 - "$AT" <<'EOF'
            import sys
            at = int(sys.argv[1])
            d = bytearray(open('s.tar', 'rb').read())
            assert d[156:157] == b'S' and d[482] == 1
            d[at:at + 12] = b'zzzzzzzzzzz\0'
            if at < 512:
                d[148:156] = b' ' * 8
                d[148:156] = ('%06o\0 ' % sum(d[0:512])).encode()
            open('s.tar', 'wb').write(d)
            EOF
            mkdir o && "$BALE" unpack s.tar -C o; echo "unpack $?"; ls o
            "$BALE" list s.tar | awk '{ print $NF }'
            """#.replacingOccurrences(of: "$AT", with: String(at)))
        // `list` shows the entry as its header gives it, as `tar -tv` does
        // (it left it out, named only in the error).
        #expect(run.stdout == """
            unpack 1
            zafter
            many
            zafter

            """, "\(place): \(run.stdout)\(run.stderr)")
        #expect(run.stderr == """
            bale: s.tar: many: invalid sparse file at byte 0 of the tar stream (bad sparse map); not read
            bale: s.tar: many: invalid sparse file at byte 0 of the tar stream (bad sparse map); not read

            """, "\(place): \(run.stderr)")
    }
}
