import Testing

/// `gzip -r` given paths that overlap: a directory named twice, a path
/// inside a directory named before or after it, a file named twice. GNU
/// gzip walks its arguments one after another and passes over what the
/// first already made `.gz`: every file compressed once, status 0, nothing
/// said. bale listed every file under both paths, and the second turn of
/// each found the first's output: "already exists; not overwritten", status
/// 2 (`CoveredPaths` now drops a covered path before the walk). The trees
/// and statuses are judged against GNU gzip's, run on a copy. (A file
/// named after a directory that holds it, `d d/s/b`, is done once too,
/// status 0, where GNU gzip then says "No such file or directory".)
@Suite struct OverlappingPathsTests {
    @Test(arguments: ["d d", "d d/s", "d/s d", "d ./d/", "d/s/../s d/s", "d/s/b d"])
    func eachFileIsCompressedOnceAsByGNUGzip(arguments: String) throws {
        let run = try Scratch().run("""
            make() { mkdir -p "$1/d/s" && echo a > "$1/d/a" && seq 1 500 > "$1/d/s/b"; }
            make gnu && make bale
            (cd gnu && gzip -r \(arguments) 2>&1; echo "gnu status $?")
            (cd bale && "$BALE" gzip -r \(arguments) 2>&1; echo "bale status $?")
            (cd gnu && find . | LC_ALL=C sort) > gnu.list; (cd bale && find . | LC_ALL=C sort) > bale.list
            cmp -s gnu.list bale.list && echo "same files"
            gzip -t $(find bale -name '*.gz') && zcat bale/d/s/b.gz | cmp -s - <(seq 1 500) && echo "outputs whole"
            """)
        #expect(run.stdout == """
            gnu status 0
            bale status 0
            same files
            outputs whole

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `gunzip -r` the same way: each member decompressed once, status 0.
    @Test func gunzipOfOverlappingPathsDecompressesEachOnce() throws {
        let run = try Scratch().run("""
            mkdir -p d/s && echo a > d/a && seq 1 500 > d/s/b && gzip -r d
            "$BALE" gunzip -r d/s d 2>&1; echo "status $?"
            find d -type f | LC_ALL=C sort
            """)
        #expect(run.stdout == """
            status 0
            d/a
            d/s/b

            """, "\(run.stdout)\(run.stderr)")
    }
}
