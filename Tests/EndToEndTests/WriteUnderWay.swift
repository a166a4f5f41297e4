/// A python3 script that runs a bale command while one write to its
/// input, `f`, is under way (`SettledStatus`): `f` holds 160 MiB of 'A',
/// and one pwrite puts 160 MiB of 'B' over it from a file put out of the
/// page cache, so the write is slower than bale's reading, which
/// overtakes it. Three runs; after each, `judge(result)` (python, with
/// `old`, `new` and the subprocess' `result` at hand) returns what it saw,
/// and the script prints `seen:` and the list, then whether bale began
/// while the write was under way at least once (the race was run).
enum WriteUnderWay {
    static func script(_ command: String, judge: String) -> String {
        #"""
        python3 - "$BALE" <<'PY'
        import gzip, hashlib, mmap, os, subprocess, sys, threading, time
        bale, size = sys.argv[1], 160 << 20
        old, new = b'A' * size, b'B' * size
        with open('source', 'wb') as f:
            f.write(new); f.flush(); os.fsync(f.fileno())
        def judge(result):
        \#(judge.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        seen, during = [], 0
        for run in range(3):
            with open('f', 'wb') as f: f.write(old)
            source = os.open('source', os.O_RDONLY)
            os.posix_fadvise(source, 0, 0, os.POSIX_FADV_DONTNEED)
            pages = mmap.mmap(source, 0, prot=mmap.PROT_READ)
            fd = os.open('f', os.O_WRONLY)
            ended = []
            writer = threading.Thread(target=lambda: (os.pwrite(fd, pages, 0), ended.append(time.monotonic())))
            writer.start(); time.sleep(0.01)
            began = time.monotonic()
            result = subprocess.run([bale] + \#(command), capture_output=True, text=True)
            writer.join(); os.close(fd); pages.close(); os.close(source)
            during += began < ended[0]
            seen.append(judge(result))
        print('seen:', sorted(set(seen)))
        print('begun during the write:', during > 0)
        PY
        """#
    }
}
