import Testing

/// `bale list` of an indexed archive prints, byte for byte, what it
/// prints from the stream (the same tree packed with `--no-index`), and
/// the names, dates and times GNU tar's `-tv` prints, for names that
/// must be escaped (ESC and other controls, a newline, a backslash, a
/// tab, DEL, C1 controls, U+2028, bytes that are not UTF-8 or cut short,
/// a surrogate), in every kind of entry (directories, hard and symbolic
/// links with such targets, devices, a FIFO, names longer than 100 and
/// 255 bytes), and in time zones with half-hour offsets and summer time.
/// (`list` builds its lines as bytes, `TarLister`; the listing from the
/// index never makes a `TarEntry`.)
@Suite struct IndexedListingTests {
    @Test(.enabled(if: Machine.isRoot, "devices need root"), .enabled(if: Machine.has("python3"), "python3 makes the names"))
    func listFromTheIndexIsTheStreamAndTarListing() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            export LC_ALL=C.UTF-8
            python3 - <<'EOF'
            import os
            os.makedirs(b't/dir\x1b[31mred/sub')
            names = [b'esc\x1b]0;x\x07', b'nl\nforged', b'cr\rx', b'back\\slash', b'tab\tx', b'del\x7f', b'latin\xe9\xff',
                     b'c1\xc2\x9bm', b'sep\xe2\x80\xa8x', b'ok\xc3\xa9', b'cut\xf0\x9f\x98', b'sur\xed\xa0\x80',
                     b'dir\x1b[31mred/sub/inner', b'x' * 180, b'sp ace  two', b'plain-ascii-name-longer-than-eight']
            for n in names:
                open(b't/' + n, 'wb').write(b'data')
            os.symlink(b'to\x1b[31m\xff', b't/link\x1bx')
            os.link(b't/back\\slash', b't/hard\nlink')
            os.mkfifo(b't/fifo\x01')
            os.mknod(b't/char\x02', 0o20644, os.makedev(1, 3))
            os.mknod(b't/block', 0o60600, os.makedev(7, 0))
            deep = b't/' + b'/'.join([b'd' * 60] * 5)
            os.makedirs(deep)
            open(deep + b'/f\x1b', 'wb').write(b'z')
            for i, n in enumerate(names):
                os.utime(b't/' + n, (0, 1_000_000_000 + i * 4000))
            EOF
            "$BALE" pack t -o i.tar.gz && "$BALE" pack --no-index t -o n.tar.gz && gzip -dc n.tar.gz > n.tar || exit 1
            for tz in UTC IST-5:30 NST+3:30NDT,M3.2.0,M11.1.0; do
                TZ=$tz "$BALE" list i.tar.gz > index; echo "index $?"
                TZ=$tz "$BALE" list n.tar.gz > stream; echo "stream $?"
                cmp index stream && echo "$tz: index = stream"
                TZ=$tz tar -tvf n.tar | sed -E 's/^([^ ]+ +){3}//' > tar-tv
                sed -E 's/^([^ ]+ +){3}//' index | cmp - tar-tv && echo "$tz: dates, times, names = tar -tv's"
            done
            tar -tf n.tar | cmp - <(sed -E 's/^([^ ]+ +){5}//; s/ (->|link to) .*//' index) && echo "names = tar -tf's"
            grep -c . index
            """#)
        #expect(run.stdout == """
            index 0
            stream 0
            UTC: index = stream
            UTC: dates, times, names = tar -tv's
            index 0
            stream 0
            IST-5:30: index = stream
            IST-5:30: dates, times, names = tar -tv's
            index 0
            stream 0
            NST+3:30NDT,M3.2.0,M11.1.0: index = stream
            NST+3:30NDT,M3.2.0,M11.1.0: dates, times, names = tar -tv's
            names = tar -tf's
            30

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `list` from the index inflates the first and the last data members
    /// (the check that the index describes the stream at both ends) once
    /// each: the gzip members it preads, in an archive of nine, add up to
    /// those two, not more (the check goes between them twice; with one
    /// member kept it read each of them twice).
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func readsTheEndMembersOnce() throws {
        let run = try Scratch().run("""
            mkdir d && for i in 1 2 3 4 5 6 7 8; do head -c 4000000 /dev/urandom > d/part$i; done
            echo last > d/z
            "$BALE" pack -q d -o d.tgz
            strace -ff -qq -e trace=pread64 -o trace "$BALE" list d.tgz > listed
            wc -l < listed
            cat trace.* | grep -o -e 'pread64([0-9]*, "\\\\37\\\\213\\\\10\\\\4\\\\0\\\\0\\\\0\\\\0\\\\0\\\\3\\\\16\\\\0BL.*= [0-9]*' \\
                | awk '{ total += $NF } END { print total }'
            """)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.first == "10", "\(run.stdout)\(run.stderr)")
        let read = Int(lines.last ?? "") ?? -1
        // The first member is 4 MiB of random data, the last the rest of
        // part8 and z: together under 2 × 4.2 MB; read twice, over it.
        #expect(read > 4_000_000 && read <= 8_400_000, "read \(read): \(run.stdout)\(run.stderr)")
    }
}
