import Testing

/// The memory `bale unpack` promises in the README's Memory section: the
/// reorder window's bound (160 MiB with the defaults) whatever the number
/// of files, plus what it keeps of each directory until the end, when
/// directories get their modes and times (after the files in them, as
/// GNU tar sets them): its path, mode and time, and its entry only when it
/// has extended attributes or ACLs to restore.
///
/// As in `PackMemoryTests`, the cost is the slope of the peak between
/// two archives that differ only in how many files, or how many
/// directories, they hold; no timing. Measured with the debug build these
/// tests run: 2-144 bytes a file (the window fills further in a longer
/// run), bounded at 256; 102-230 bytes a directory between 20,000 and
/// 60,000 empty directories, bounded at 384. Before each directory kept
/// only that, it kept its whole entry and its path's components: 489-645
/// bytes (0.49 KiB with the release build from 20,000 to 100,000), and
/// the bound failed. Peaks are /usr/bin/time's %M: the largest single
/// process of the run (the parent, here).
@Suite struct UnpackMemoryTests {
    static let windowBoundMiB = 160

    /// Peak KiB of `bale unpack -p 2` of bale's archive of each tree
    /// `make(count)` writes into `t<count>`, in the order of `counts`.
    func peaks(_ counts: [Int], make: String) throws -> [Int] {
        let run = try Scratch().run("""
            python3 -c '
            import os
            for count in \(counts):
                top = f"t{count}"
            \(make)
            '
            for count in \(counts.map(String.init).joined(separator: " ")); do
                "$BALE" pack -o t$count.tar.gz t$count || exit 1
                mkdir x$count
                /usr/bin/time -f '%M' -o rss "$BALE" unpack -p 2 t$count.tar.gz -C x$count || exit 1
                tail -n 1 rss
                diff -r t$count x$count/t$count > /dev/null || echo "x$count differs"
            done
            """)
        let figures = run.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        #expect(run.status == 0 && figures.count == counts.count, "\(run.stdout)\(run.stderr)")
        return figures.count == counts.count ? figures : counts.map { _ in 0 }
    }

    /// Small files, a thousand to a directory: the window's bound, and
    /// next to nothing kept per file.
    @Test func unpackKeepsNextToNothingPerFile() throws {
        let counts = [20_000, 50_000]
        let peaks = try peaks(counts, make: """
                for d in range(count // 1000):
                    os.makedirs(f"{top}/d{d:03}")
                    for f in range(1000): open(f"{top}/d{d:03}/file-{f:04}.txt", "w").write("line\\n" * (f % 64))
            """)
        let perFile = (peaks[1] - peaks[0]) * 1024 / (counts[1] - counts[0])
        #expect(perFile <= 256, "unpack: \(perFile) bytes a file (peaks \(peaks) KiB)")
        #expect(peaks[1] <= Self.windowBoundMiB * 1024 + counts[1] / 4,
                "unpack of \(counts[1]) files: peak \(peaks[1]) KiB")
    }

    /// Empty directories, a thousand to a parent: what each keeps until
    /// its mode and time are set at the end.
    @Test func unpackKeepsItsStatedBoundPerDirectory() throws {
        let counts = [20_000, 60_000]
        let peaks = try peaks(counts, make: """
                for d in range(count):
                    os.makedirs(f"{top}/d{d // 1000:03}/e{d:05}")
            """)
        let perDirectory = (peaks[1] - peaks[0]) * 1024 / (counts[1] - counts[0])
        #expect(perDirectory <= 384, "unpack: \(perDirectory) bytes a directory (peaks \(peaks) KiB)")
        #expect(peaks[1] <= Self.windowBoundMiB * 1024 + counts[1] * 384 / 1024,
                "unpack of \(counts[1]) directories: peak \(peaks[1]) KiB")
    }

    /// One directory archived again and again (a hostile archive: each
    /// repeat a 512-byte header, 300,000 of them in under 1 MB of gzip):
    /// each kept its own place until the end, ~90 bytes a repeat, 287 MB
    /// for three million, where GNU tar kept 2 MB (a reading helper). A
    /// repeat now takes its path's place: the slope between 50,000 and
    /// 200,000 repeats is next to nothing (bounded at 16 bytes a repeat),
    /// and the last entry's mode is the directory's, as in GNU tar.
    @Test func aDirectoryArchivedAgainKeepsOnePlace() throws {
        let run = try Scratch().run(#"""
            python3 - <<'PY'
            import tarfile, io
            for count in (50000, 200000):
                with tarfile.open(f'r{count}.tar.gz', 'w:gz', format=tarfile.USTAR_FORMAT) as t:
                    for i in range(count):
                        info = tarfile.TarInfo('d')
                        info.type = tarfile.DIRTYPE
                        info.mode = 0o755 if i < count - 1 else 0o750
                        t.addfile(info)
            PY
            for count in 50000 200000; do
                mkdir x$count
                /usr/bin/time -f '%M' -o rss "$BALE" unpack -p 2 r$count.tar.gz -C x$count || exit 1
                tail -n 1 rss
                stat -c %a x$count/d
            done
            """#)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(run.status == 0 && lines.count == 4 && lines[1] == "750" && lines[3] == "750", "\(run.stdout)\(run.stderr)")
        if lines.count == 4, let small = Int(lines[0]), let large = Int(lines[2]) {
            let perRepeat = (large - small) * 1024 / 150_000
            #expect(perRepeat <= 16, "unpack: \(perRepeat) bytes a repeat (peaks \(small), \(large) KiB)")
        }
    }
}
