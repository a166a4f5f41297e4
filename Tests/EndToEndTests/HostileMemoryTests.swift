import Testing

/// Inputs made to cost memory with little data, against the bound the
/// README's Memory section promises: each test takes the slope of the
/// peak (/usr/bin/time's %M) between two inputs that differ only in how
/// many of the costly things they hold, as `UnpackMemoryTests` does; no
/// timing. A probe found both unbounded: 130 bytes an empty gzip member
/// (ten million: 1.6 GiB, GNU gzip 1 MiB), and every warning kept with
/// its entry's name until the end (`list` of 60,000 entries of 60 kB
/// names: 3.4 GiB, GNU tar 3 MiB).
@Suite struct HostileMemoryTests {
    /// Peaks in KiB of `command` (with `$F` the file) over the files
    /// `make` writes (python, given `count` and `name`), for each count.
    /// `succeeding`: each run must exit 0 (a run that fails early peaks low).
    func peaks(_ counts: [Int], command: String, make: String, succeeding: Bool = false) throws -> [Int] {
        let run = try Scratch().run("""
            for count in \(counts.map(String.init).joined(separator: " ")); do
                python3 -c '
            import sys, zlib, struct
            count = int(sys.argv[1]); name = sys.argv[2]
            \(make)
            ' $count input$count || exit 1
                F=input$count
                /usr/bin/time -f '%M' -o rss \(command) > /dev/null 2> err
                echo "status $?"
                tail -n 1 rss
            done
            """)
        let figures = run.stdout.split(separator: "\n").compactMap { Int($0) }
        if succeeding {
            #expect(run.stdout.split(separator: "\n").filter { $0 == "status 0" }.count == counts.count, "\(run.stdout)")
        }
        #expect(figures.count == counts.count, "\(run.stdout)\(run.stderr)")
        return figures.count == counts.count ? figures : counts.map { _ in 0 }
    }

    /// Empty members: each was a mark for the writing thread, queued and
    /// never taken off (no byte came to take it), now checked at once.
    @Test func emptyMembersCostNothingEach() throws {
        let counts = [200_000, 1_000_000]
        let peaks = try peaks(counts, command: #""$BALE" gunzip -t "$F""#, make: """
            member = b"\\x1f\\x8b\\x08\\0\\0\\0\\0\\0\\0\\x03\\x03\\0" + struct.pack("<II", 0, 0)
            open(name, "wb").write(member * count)
            """)
        let perMember = (peaks[1] - peaks[0]) * 1024 / (counts[1] - counts[0])
        #expect(perMember <= 8, "gunzip -t: \(perMember) bytes a member (peaks \(peaks) KiB)")
    }

    /// Members of one byte each, which `gunzip -t` inflates with zlib: a
    /// mark each for the writing thread, 4 MiB of them in one buffer of
    /// output (~50 bytes each: 212 MiB for 4,000,000, a probe helper),
    /// now handed over every 16,384 marks.
    @Test func oneByteMembersCostNothingEach() throws {
        let counts = [200_000, 1_000_000]
        let peaks = try peaks(counts, command: #""$BALE" gunzip -t "$F""#, make: """
            import gzip
            open(name, "wb").write(gzip.compress(b"x", mtime=0) * count)
            """)
        let perMember = (peaks[1] - peaks[0]) * 1024 / (counts[1] - counts[0])
        #expect(perMember <= 8, "gunzip -t: \(perMember) bytes a member (peaks \(peaks) KiB)")
    }

    /// A manifest of many lines, which `sum -c` checks as it reads it: read
    /// whole, each line cost ~0.25 KiB (a million: 252 MiB, a probe
    /// helper; `sha256sum -c` holds one line).
    @Test func aManifestIsCheckedAsItIsRead() throws {
        let counts = [100_000, 400_000]
        let peaks = try peaks(counts, command: #""$BALE" sum -c "$F""#, make: """
            open("e", "wb").close()
            line = b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  e\\n"
            open(name, "wb").write(line * count)
            """)
        let perLine = (peaks[1] - peaks[0]) * 1024 / (counts[1] - counts[0])
        #expect(perLine <= 16, "sum -c: \(perLine) bytes a manifest line (peaks \(peaks) KiB)")
    }

    /// `verify --manifest` of a tar of many files against their manifest:
    /// what each name holds once extracted, the names the manifest lists
    /// and its lines are kept to the end, in less than they were (names by
    /// a 128-bit key, digests in place, the manifest's digests in one flat
    /// array): ~0.45 KiB a line for this tar, 0.69 before (release build;
    /// bale's archive of 300,000 empty files: 0.29 and 0.53).
    @Test func verifyKeepsLittleOfEachManifestLine() throws {
        let counts = [50_000, 200_000]
        let peaks = try peaks(counts, command: #""$BALE" verify --manifest "$F.sha256" "$F""#, make: """
            def header(name, size, kind):
                h = name.encode().ljust(100, b"\\0") + b"0000644\\0" + b"0000000\\0" * 2 + b"%011o\\0" % size
                h += b"00000000000\\0" + b" " * 8 + kind + b"\\0" * 100 + b"ustar\\x0000"
                h = h.ljust(512, b"\\0")
                return h[:148] + b"%06o\\0 " % sum(h) + h[156:]
            names = ["d%03d/file-%06d.txt" % (i // 1000, i) for i in range(count)]
            with open(name, "wb") as tar:
                for i, n in enumerate(names):
                    if i % 1000 == 0: tar.write(header(n.split("/")[0] + "/", 0, b"5"))
                    tar.write(header(n, 0, b"0"))
                tar.write(b"\\0" * 1024)
            empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            open(name + ".sha256", "w").write("".join(empty + "  " + n + "\\n" for n in names))
            """, succeeding: true)
        let perLine = (peaks[1] - peaks[0]) * 1024 / (counts[1] - counts[0])
        #expect(perLine <= 560, "verify --manifest: \(perLine) bytes a manifest line (peaks \(peaks) KiB)")
    }

    /// A pax header of many records, read whole (it may be 64 MiB) and
    /// costing no more than itself: its body grown as it came held the old
    /// copy and the new at each doubling (1.7 million attribute records,
    /// 65 MB: `list` 141 MiB), and each unknown keyword was remembered to
    /// be warned of once (1.7 million of them, 43 MB: 218 MiB).
    @Test(arguments: ["SCHILY.xattr.user.a%d=vvvvvvvv", "NOPE.k%d=vvvvvvvv"])
    func aPaxHeaderCostsItsSize(_ record: String) throws {
        let counts = [150_000, 600_000]
        let peaks = try peaks(counts, command: #""$BALE" list "$F""#, make: """
            def rec(text):
                body = (" " + text + "\\n").encode()
                length = len(str(len(body))) + len(body)
                if len(str(length)) + len(body) != length: length += 1
                return str(length).encode() + body
            records = b"".join(rec("\(record)" % i) for i in range(count))
            def header(name, size, kind):
                h = name.encode().ljust(100, b"\\0") + b"0000644\\0" + b"0000000\\0" * 2 + b"%011o\\0" % size
                h += b"00000000000\\0" + b" " * 8 + kind + b"\\0" * 100 + b"ustar\\x0000"
                h = h.ljust(512, b"\\0")
                return h[:148] + b"%06o\\0 " % sum(h) + h[156:]
            tar = header("PaxHeaders/f", len(records), b"x") + records + b"\\0" * (-len(records) % 512)
            open(name, "wb").write(tar + header("f", 0, b"0") + b"\\0" * 1024)
            """)
        let recordBytes = record.utf8.count + 8  // "%d" a number of ~6 digits, the length, the blank, the newline
        let perRecord = (peaks[1] - peaks[0]) * 1024 / (counts[1] - counts[0])
        #expect(perRecord <= recordBytes * 3 / 2, "list: \(perRecord) bytes a record of ~\(recordBytes) (peaks \(peaks) KiB)")
    }

    /// A warning for each entry (a mode field that holds no number), each
    /// named with a 4 kB name: the warnings kept stop at 8 MiB of text.
    @Test func warningsForEveryEntryAreBounded() throws {
        let counts = [4_000, 16_000]
        let peaks = try peaks(counts, command: #""$BALE" list "$F""#, make: """
            def block(name, mode=b"0000644\\0", typ=b"0", size=0):
                h = bytearray(512); h[0:len(name)] = name; h[100:108] = mode; h[108:116] = b"0000000\\0"
                h[116:124] = b"0000000\\0"; h[124:136] = b"%011o\\0" % size; h[136:148] = b"00000000000\\0"
                h[156:157] = typ; h[257:263] = b"ustar\\0"; h[263:265] = b"00"; h[148:156] = b" " * 8
                h[148:156] = b"%06o\\0 " % sum(h); return bytes(h)
            def pax(path):
                record = b" path=" + path + b"\\n"
                n = len(record); n += len(str(n + len(str(n))))
                data = str(n).encode() + record
                return block(b"pax", typ=b"x", size=len(data)) + data + b"\\0" * (-len(data) % 512)
            out = bytearray()
            for i in range(count):
                out += pax(b"%07d" % i + b"n" * 4000) + block(b"dummy", mode=b"zzzzzzz\\0")
            out += b"\\0" * 1024
            import gzip
            open(name, "wb").write(gzip.compress(bytes(out), 1))
            """)
        let perEntry = (peaks[1] - peaks[0]) * 1024 / (counts[1] - counts[0])
        #expect(perEntry <= 512, "list: \(perEntry) bytes an entry (peaks \(peaks) KiB)")
    }

    /// A bale archive of `stream` bytes of zeros in members of 4 MiB, with
    /// an index of `count` entries, each a step of `span` blocks after the
    /// one before, their names the first one's `long` bytes and a number:
    /// python for `peaks`' `make`, the layout of Archive/ArchiveIndexLayout.
    /// With `shared` false, each name is its own (none taken from the one
    /// before). With `payload`, python that sets `p` to the payload
    /// instead of the entries' records.
    static func forgedIndex(long: Int, span: Int, stream: String, shared: Bool = true, payload: String? = nil) -> String {
        """
        def varint(n):
            out = bytearray()
            while n >= 0x80: out.append(n & 0x7f | 0x80); n >>= 7
            out.append(n); return bytes(out)
        def entry(step, shared, own):
            if not \(shared ? "True" : "False"): own = b"n" * shared + own; shared = 0
            r = varint(step) + varint(\(span)) + bytes([0, 0 if step == 0 else 2]) + varint(0o644) + bytes(5)
            if step == 0: r += varint(4) + b"root" + varint(4) + b"root"
            return r + varint(shared) + varint(len(own)) + own + varint(0)
        data = b"\\0" * (\(stream))
        body, sizes = b"", []
        for at in range(0, len(data), 4 << 20):
            piece = data[at:at + (4 << 20)]
            c = zlib.compressobj(6, zlib.DEFLATED, -15); d = c.compress(piece) + c.flush()
            length = 26 + len(d) + 8
            body += (bytes([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3, 14, 0, 0x42, 0x4c, 10, 0, 2, 0])
                     + struct.pack("<II", length, len(piece)) + d + struct.pack("<II", zlib.crc32(piece), len(piece)))
            sizes.append((length, len(piece)))
        p = entry(0, 0, b"n" * \(long)) + b"".join(entry(\(span), \(long), b"%07d" % i) for i in range(1, count))
        p += varint(len(data)) + varint(len(sizes)) + b"".join(varint(l) + varint(n) for l, n in sizes) + varint(0)
        \(payload ?? "")
        c = zlib.compressobj(9, zlib.DEFLATED, -15); comp = c.compress(p) + c.flush()
        blob = b"BIX\\x01\\x08\\0\\0\\0" + struct.pack("<QQIQ", len(p), len(comp), zlib.crc32(p), count) + comp
        index = b"".join(bytes([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3]) + struct.pack("<H", len(piece) + 4) + b"BI"
                         + struct.pack("<H", len(piece)) + piece + bytes([3, 0]) + bytes(8)
                         for piece in (blob[i:i + 65531] for i in range(0, len(blob), 65531)))
        end = (bytes([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3]) + struct.pack("<H", 44) + b"BE" + struct.pack("<H", 40)
               + bytes([1, 0, 0, 0]) + struct.pack("<QQIQQ", len(sizes), len(data), zlib.crc32(data), len(body) + len(index), len(body))
               + bytes([3, 0]) + bytes(8))
        open(name, "wb").write(body + index + end)
        """
    }

    /// An index's names are stored as a prefix of the name before and a
    /// tail: names sharing a 20 kB prefix cost 20 kB each once decoded
    /// (a probe's 156 KB file: 4.8 GiB for `verify`). Two forgeries of
    /// such names, refused as their records are read, before the names
    /// after them are made.
    enum NameForgery: CaseIterable {
        /// Each entry one block long: its name is longer than its headers.
        case longerThanTheirHeaders
        /// Names as long as their headers, the headers placed past the
        /// 1 MiB stream the members hold.
        case pastTheStream

        var python: String {
            switch self {
            case .longerThanTheirHeaders: HostileMemoryTests.forgedIndex(long: 20_000, span: 1, stream: "512 * 8_004")
            case .pastTheStream: HostileMemoryTests.forgedIndex(long: 20_000, span: 40, stream: "1 << 20")
            }
        }
    }

    /// Names that hold together: each as long as its headers, inside the
    /// 20 KiB spans of a stream of zeros long enough for them all (184 MB
    /// for 9,000). `verify` made every entry whole before reading
    /// the stream, 20 kB each (the old binary: 20 kB an entry); it makes
    /// them one at a time as the stream's entries come
    /// (`ArchiveIndexDecoder.EntryWalk`).
    @Test func verifyMakesOneEntryAtATime() throws {
        // Both streams longer than the reorder window's members (15 and 44
        // members), so the window's slots are the same in both.
        let counts = [3_000, 9_000]
        let peaks = try peaks(counts, command: #""$BALE" verify "$F""#,
                              make: Self.forgedIndex(long: 20_000, span: 40, stream: "512 * 40 * count"))
        // A fifth of a name: the two runs' peaks differ by a slot of the
        // window or two (8.5 MiB each, as the members' timing falls), 1.7
        // KiB an entry in one debug run, none in the release build's.
        let perEntry = (peaks[1] - peaks[0]) * 1024 / (counts[1] - counts[0])
        #expect(perEntry <= 4_096, "verify: \(perEntry) bytes an entry (peaks \(peaks) KiB)")
    }

    @Test(arguments: NameForgery.allCases)
    func namesSharingAPrefixAreBounded(_ forgery: NameForgery) throws {
        let counts = [2_000, 8_000]
        let peaks = try peaks(counts, command: #""$BALE" verify "$F""#, make: forgery.python)
        let perEntry = (peaks[1] - peaks[0]) * 1024 / (counts[1] - counts[0])
        #expect(perEntry <= 512, "verify: \(perEntry) bytes an entry (peaks \(peaks) KiB)")
    }

    /// An index's payload was inflated whole before its first record was
    /// read, and held while it was used: a forged payload of zeros (wrong
    /// at its first record) cost its length at once, and records that
    /// hold together (each name its own, 19 kB, as long as its headers, in
    /// a stream of zeros its members claim) cost it for the whole run,
    /// twice for `verify` (a probe: `list` of a 395 KB file held 285 MiB).
    /// It is read through a window as it is inflated
    /// (`ArchiveIndexPayload`): what is left is what a command keeps of
    /// each entry (its place, 32 bytes, and a checkpoint's name every
    /// 1,024 entries).
    enum PayloadForgery: CaseIterable {
        /// 20 kB of zeros an entry, one entry recorded.
        case zeros
        /// Records that hold together, each name its own.
        case ownNames

        var python: String {
            switch self {
            case .zeros:
                HostileMemoryTests.forgedIndex(long: 20_000, span: 40, stream: "512 * 40 * count",
                                               payload: "p = bytes(20_000 * count); count = 1")
            case .ownNames:
                HostileMemoryTests.forgedIndex(long: 19_000, span: 40, stream: "512 * 40 * count", shared: false)
            }
        }
    }

    @Test(arguments: PayloadForgery.allCases, ["list", "verify", "cat"])
    func aForgedPayloadIsNeverHeldWhole(_ forgery: PayloadForgery, _ command: String) throws {
        let counts = [2_000, 8_000]
        let name = command == "cat" ? #" "0000005""# : ""
        let peaks = try peaks(counts, command: #""$BALE" \#(command) "$F""# + name, make: forgery.python)
        let perEntry = (peaks[1] - peaks[0]) * 1024 / (counts[1] - counts[0])
        // A fifth of an entry's payload: the stream each command falls back
        // to reading (the index is found wrong) is longer in the second
        // run, and its peak may hold a slot of the window more (8.5 MiB, as
        // in `verifyMakesOneEntryAtATime`); 1.5 KiB an entry in one debug
        // run, 20 kB an entry before.
        #expect(perEntry <= 4_096, "\(command): \(perEntry) bytes an entry of 20 kB (peaks \(peaks) KiB)")
    }

    /// A string is checked against its entry's headers, and those could
    /// be as long as the stream the members claim (1,032 times their
    /// bytes): a forged name of 100 MiB in a 205 KB file made `list` hold
    /// 742 MB, each walk of the index copying it again (a reading helper).
    /// No header bale reads is longer than 64 MiB
    /// (`TarReader.maximumExtendedSize`), nor is any string of an index it
    /// uses: a name of 120 MiB is refused at its record, before it is
    /// read; and a long string is copied out of the window a window at a
    /// time, never held twice by one walk.
    @Test(arguments: ["list", "verify"])
    func aStringLongerThanAnyHeaderIsRefusedAtItsRecord(_ command: String) throws {
        let long = 120 << 20
        let peak = try peaks([1], command: #""$BALE" \#(command) "$F""#,
                             make: Self.forgedIndex(long: long, span: long / 512 + 2, stream: "512 * \(long / 512 + 2)"))
        #expect(peak[0] < 96 << 10, "\(command): peak \(peak[0]) KiB for a name of 120 MiB")
    }

    /// A name only the index claims is said in a warning up to PATH_MAX
    /// bytes, then how long it is: a forged name of 200 MiB was one line
    /// of 200 MiB on standard error (a reading helper). (The stream ends
    /// with a record of zeros after the last entry, as pack ends it, so
    /// that the index passes its own checks and the name is met.)
    @Test func aClaimedNameIsSaidInPart() throws {
        let run = try Scratch().run("""
            python3 -c '
            import sys, zlib, struct
            count = 3; name = "f.tar.gz"
            \(Self.forgedIndex(long: 19_000, span: 40, stream: "512 * 40 * count + 10240", shared: false))
            '
            "$BALE" list f.tar.gz > /dev/null 2> err; echo "list: $?"
            awk '{ print length($0) < 4400 }' err | sort -u
            grep -c "… (19000 bytes)" err
            """)
        #expect(run.stdout == "list: 2\n1\n1\n", "\(run.stdout)\(run.stderr)")
    }
}
