import Foundation
import Testing

/// The one tree walk (`TreeWalk`) as pack, gzip -r and sum use it: deep
/// trees, links followed into a loop, sockets, and `pack -C`, judged by
/// GNU tar, gzip, sha256sum and python's tarfile.
@Suite struct TreeWalkTests {
    /// Makes `t`, `levels` directories `d` deep, with a file at the top,
    /// one at level 1000 and one at the bottom. Each directory is made
    /// and entered relative to the one above (python's `dir_fd`), as a
    /// loop of `mkdir d; cd d` would, without the shell resolving its
    /// ever longer working directory at every step.
    private static func deepTree(levels: Int) -> String {
        """
        python3 -c '
        import os
        def write(directory, name, text):
            fd = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=directory)
            os.write(fd, text); os.close(fd)
        os.mkdir("t"); here = os.open("t", os.O_RDONLY)
        write(here, "f", b"top\\n")
        for level in range(1, \(levels) + 1):
            os.mkdir("d", dir_fd=here)
            below = os.open("d", os.O_RDONLY, dir_fd=here); os.close(here); here = below
            if level == 1000: write(here, "m", b"mid\\n")
        write(here, "b", b"bottom\\n")
        ' || echo "could not make the tree"
        """
    }

    /// The members of two archives (names, types, contents) compared by python's tarfile.
    private static let sameMembers = """
        same() { python3 -c '
        import sys, tarfile
        def members(path):
            with tarfile.open(path) as archive:
                return [(m.name, m.type, archive.extractfile(m).read() if m.isfile() else None) for m in archive]
        a, b = members(sys.argv[1]), members(sys.argv[2])
        print("same members" if a == b else "different members", len(a))
        ' "$1" "$2"; }
        """

    /// 1900 levels: the recursive walks this replaced overflowed their
    /// 512 KiB thread stacks here (a crash, exit 139), yet every path is
    /// under PATH_MAX, so gzip and sha256sum can judge the results.
    @Test func aDeepTreeIsPackedCompressedAndSummed() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            \(Self.sameMembers)
            \(Self.deepTree(levels: 1900))
            tar --sort=name -czf gnu.tar.gz t
            "$BALE" pack t -o bale.tar.gz 2> pack.err; echo "pack: $?"
            same gnu.tar.gz bale.tar.gz
            "$BALE" sum t > bale.sums 2> sum.err; echo "sum: $?"
            find t -type f -print0 | sort -z | xargs -0 sha256sum > gnu.sums
            cmp -s gnu.sums bale.sums && echo "sums as sha256sum's: $(wc -l < bale.sums) files"
            "$BALE" gzip -r t 2> gzip.err; echo "gzip -r: $?"
            find t -type f | sort | while read -r f; do
                # gzip's own path limit is 1024 bytes: it reads through a redirect.
                case "$f" in *.gz) gzip -dc < "$f" ;; *) echo "not compressed: ${f: -20}" ;; esac
            done
            cat pack.err sum.err gzip.err | cut -c1-200
            rm -rf t
            """)
        #expect(run.stdout == """
            pack: 0
            same members 1904
            sum: 0
            sums as sha256sum's: 3 files
            gzip -r: 0
            bottom
            mid
            top

            """, "\(run.stdout)\(run.stderr.prefix(1000))")
    }

    /// 3000 levels, past PATH_MAX (6000-byte paths): the walk and the
    /// readers open everything relative to directory descriptors, as GNU
    /// tar does, and the archive holds what GNU tar's holds.
    @Test func aTreeDeeperThanPathMaxIsPacked() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            \(Self.sameMembers)
            \(Self.deepTree(levels: 3000))
            tar --sort=name -czf gnu.tar.gz t; echo "GNU tar: $?"
            "$BALE" pack t -o bale.tar.gz 2> pack.err; echo "pack: $?"
            same gnu.tar.gz bale.tar.gz
            cut -c1-200 pack.err
            rm -rf t
            """)
        #expect(run.stdout == "GNU tar: 0\npack: 0\nsame members 3004\n", "\(run.stdout)\(run.stderr.prefix(1000))")
    }

    /// `-h` follows links; a link back to a directory on its own path is
    /// a loop: named, not entered, and the rest of the archive is whole
    /// (exit 2). GNU tar 1.34 recurses into such a loop until it crashes,
    /// so the expected listing is written out here.
    @Test func aSymbolicLinkLoopWithDereference() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p t/a/b && echo x > t/a/b/f && ln -s ../.. t/a/b/up && ln -s b/f t/a/link
            "$BALE" pack -h t -o loop.tar.gz 2> err; echo "pack -h: $?"
            tar -tzf loop.tar.gz
            tar -xzf loop.tar.gz -O t/a/link
            cat err
            """)
        #expect(run.stdout == """
            pack -h: 2
            t/
            t/a/
            t/a/b/
            t/a/b/f
            t/a/link
            x
            bale: t/a/b/up: Symbolic link loop: directory already being archived

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A socket cannot be stored: GNU tar says "socket ignored" and exits
    /// 0; bale says the same as a warning, which -q silences.
    @Test func aSocketIsAWarningThatQuietSilences() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir t && echo x > t/f
            python3 -c "import socket; s = socket.socket(socket.AF_UNIX); s.bind('t/sock')"
            tar -czf gnu.tar.gz t 2> gnu.err; echo "GNU tar: $? $(cat gnu.err)"
            "$BALE" pack t -o a.tar.gz 2> a.err; echo "pack: $? $(cat a.err)"
            "$BALE" pack -q t -o b.tar.gz 2> b.err; echo "pack -q: $? [$(cat b.err)]"
            tar -tzf b.tar.gz
            """)
        #expect(run.stdout == """
            GNU tar: 0 tar: t/sock: socket ignored
            pack: 0 bale: t/sock: socket ignored
            pack -q: 0 []
            t/
            t/f

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `pack -C DIR` reads the paths relative to DIR without changing
    /// bale's working directory: `-o` given relative is where bale was
    /// started; without -o the archive goes beside the first path, in DIR.
    @Test func packReadsRelativeToTheDirectoryGiven() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p src/a/sub src/b out && echo one > src/a/sub/f && echo two > src/b/g && ln -s sub/f src/a/l
            tar --sort=name -C src -czf gnu.tar.gz a b
            "$BALE" pack -C src a b -o out/bale.tar.gz; echo "pack -C: $?"
            tar -tzf out/bale.tar.gz | tr '\\n' ' '; echo
            python3 -c '
            import sys, tarfile
            def members(path):
                with tarfile.open(path) as archive:
                    return [(m.name, m.type, m.linkname, archive.extractfile(m).read() if m.isfile() else None) for m in archive]
            print("as GNU tar -C" if members("gnu.tar.gz") == members("out/bale.tar.gz") else "different")
            '
            "$BALE" pack -C src a; echo "default name: $?"; ls src/a.tar.gz
            ( cd src && "$BALE" pack -C .. src/b -o ../rel.tar.gz ); echo "relative -o: $?"; tar -tzf rel.tar.gz | tr '\\n' ' '; echo
            "$BALE" pack -C missing a -o x.tar.gz 2> err; echo "missing -C: $?"; test -e x.tar.gz || echo "no archive"
            """)
        #expect(run.stdout == """
            pack -C: 0
            a/ a/l a/sub/ a/sub/f b/ b/g 
            as GNU tar -C
            default name: 0
            src/a.tar.gz
            relative -o: 0
            src/b/ src/b/g 
            missing -C: 1
            no archive

            """, "\(run.stdout)\(run.stderr)")
    }
}
