// `unpack` of a deep tree with a file in every directory under a low
// `ulimit -n`: the small files waiting for the writer threads hold their
// directories open, and must stay within the limit too.
import Testing

@Suite struct DeepFilesLowLimitTests {
    /// A tree 120 directories deep with a file in each (and a side branch
    /// every seventh level), made by GNU tar, unpacked under `ulimit -n`
    /// 24 and 40: each small file queued for the writer threads kept its
    /// own directory open, up to 224 at once, and bale failed with "Too
    /// many open files; not extracted" on some 230 entries (exit 1) where
    /// GNU tar extracts them all. Now every file is there, every byte.
    @Test func aFileInEveryDirectoryUnpacksUnderALowLimit() throws {
        let run = try Scratch().run(#"""
            python3 - <<'EOF'
            import os
            path = 't'
            for level in range(120):
                path = os.path.join(path, 'd%d' % level); os.makedirs(path)
                open(os.path.join(path, 'f'), 'w').write(str(level))
                if level % 7 == 0:
                    os.makedirs(os.path.join(path, 'side', 'x')); open(os.path.join(path, 'side', 'x', 'g'), 'w').write('s')
            EOF
            tar -czf t.tar.gz t
            for limit in 24 40; do
                mkdir out$limit
                (ulimit -n $limit; "$BALE" unpack t.tar.gz -C out$limit 2> err); echo "ulimit -n $limit: status $? $(wc -l < err)"
                diff -r t out$limit/t && echo "every file"
            done
            """#)
        #expect(run.stdout == """
            ulimit -n 24: status 0 0
            every file
            ulimit -n 40: status 0 0
            every file

            """, "\(run.stdout)\(run.stderr)")
    }
}
