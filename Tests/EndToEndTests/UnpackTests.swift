import Foundation
import Testing

/// `bale unpack` and `bale list`: trees come back whole, from any tar;
/// hostile archives write nothing outside the destination.
@Suite struct UnpackTests {
    /// Compares two trees: contents, modes, mtimes (to the nanosecond for
    /// files), link targets, with python3 (it reads every attribute).
    static let compareTrees = #"""
        compare() { python3 - "$1" "$2" "${3:-ns}" <<'PY'
        import os, sys, stat
        a, b, precision = sys.argv[1], sys.argv[2], sys.argv[3]
        def walk(root):
            out = {}
            for d, dirs, files in os.walk(root):
                for n in dirs + files:
                    p = os.path.join(d, n); r = os.path.relpath(p, root); s = os.lstat(p)
                    kind = stat.S_IFMT(s.st_mode)
                    item = [kind, stat.S_IMODE(s.st_mode)]
                    if stat.S_ISLNK(s.st_mode): item.append(os.readlink(p))
                    elif stat.S_ISREG(s.st_mode):
                        item += [open(p, 'rb').read(), s.st_mtime_ns if precision == 'ns' else s.st_mtime_ns // 10**9]
                    elif stat.S_ISDIR(s.st_mode): item.append(s.st_mtime_ns // 10**9)
                    out[r] = item
            return out
        x, y = walk(a), walk(b)
        for k in sorted(set(x) | set(y)):
            if x.get(k) != y.get(k):
                print("differs:", k, str(x.get(k))[:80], str(y.get(k))[:80]); sys.exit(1)
        print("trees equal")
        PY
        }
        """#

    @Test(arguments: codecs)
    func roundTripsATree(codec: String) throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            \(PackTests.makeTree)
            rm tree/fifo
            \(Self.compareTrees)
            "$BALE" pack --codec \(codec) tree -p 2 -o t.tar.gz && "$BALE" unpack --codec \(codec) t.tar.gz -C out; echo "status=$?"
            compare tree out/tree
            [ "$(stat -c %i out/tree/one)" = "$(stat -c %i out/tree/sub/hard-to-one)" ] && echo "hard link kept"
            [ "$(stat -c %a out/tree/sub/chunk)" = 4755 ] && echo "setuid kept (as root, as GNU tar)"
            "$BALE" list t.tar.gz > bale.list && tar -tvzf t.tar.gz > gnu.list
            [ "$(awk '{print $1, $3}' bale.list)" = "$(awk '{print $1, $3}' gnu.list)" ] && echo "list agrees with tar -tv"
            """)
        #expect(run.stdout == "status=0\ntrees equal\nhard link kept\nsetuid kept (as root, as GNU tar)\nlist agrees with tar -tv\n",
                "\(run.stdout)\(run.stderr)")
    }

    @Test func readsArchivesFromOtherTools() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            \(PackTests.makeTree)
            rm tree/fifo; chmod 755 tree/sub/chunk
            \(Self.compareTrees)
            tar --format=gnu -czf gnu.tgz tree && "$BALE" unpack gnu.tgz -C g && compare tree g/tree s || exit 1
            tar --format=pax -cf pax.tar tree && "$BALE" unpack pax.tar -C p && compare tree p/tree s || exit 1
            bsdtar -czf bsd.tar.gz tree && "$BALE" unpack bsd.tar.gz -C b && compare tree b/tree s || exit 1
            python3 -c "import tarfile; t = tarfile.open('py.tar.gz', 'w:gz', format=tarfile.PAX_FORMAT); t.add('tree'); t.close()"
            "$BALE" unpack py.tar.gz -C y && compare tree y/tree s || exit 1
            tar -cf - tree | pigz -p 2 | "$BALE" unpack - -C s && compare tree s/tree s || exit 1
            """)
        #expect(run.status == 0 && run.stdout == String(repeating: "trees equal\n", count: 5), "\(run.stdout)\(run.stderr)")
    }

    /// Absolute names are extracted below the destination, and said to
    /// be, as GNU tar says it: once for the member names, once for the
    /// hard link targets, whatever the number of entries (bale said
    /// nothing). The same lines as tar's, and the same tree.
    @Test func absoluteNamesAreSaidToLoseTheirLeadingSlash() throws {
        let run = try Scratch().run(#"""
            mkdir -p abs/d && echo x > abs/d/f && ln abs/d/f abs/d/g && echo y > abs/d/h && ln abs/d/h abs/d/i
            tar -czPf abs.tgz "$PWD/abs"
            mkdir t b && tar -xzf abs.tgz -C t 2> tar.err; echo "tar: $?"
            "$BALE" unpack abs.tgz -C b 2> bale.err; echo "bale: $?"
            diff -r t b && echo "the same tree"
            sed 's/^tar: /bale: /' tar.err | cmp - bale.err && echo "the same lines"
            cat bale.err
            """#)
        #expect(run.stdout == """
            tar: 0
            bale: 0
            the same tree
            the same lines
            bale: Removing leading `/' from member names
            bale: Removing leading `/' from hard link targets

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Each hostile archive: exit 1, a warning naming the entry, nothing
    /// outside the destination.
    @Test(arguments: [
        ("dotdot", #"t.add('payload', arcname='../escaped')"#),
        ("deep-dotdot", #"t.add('payload', arcname='a/../../escaped')"#),
        ("link-then-through", #"""
            i = tarfile.TarInfo('link'); i.type = tarfile.SYMTYPE; i.linkname = '..'; t.addfile(i)
            t.add('payload', arcname='link/escaped')
            """#),
        ("absolute-link-then-through", #"""
            i = tarfile.TarInfo('abs'); i.type = tarfile.SYMTYPE; i.linkname = os.path.abspath('.'); t.addfile(i)
            t.add('payload', arcname='abs/escaped')
            """#),
        ("hard-link-outside", #"""
            i = tarfile.TarInfo('hard'); i.type = tarfile.LNKTYPE; i.linkname = '../outside-target'; t.addfile(i)
            """#),
    ])
    func hostileArchivesWriteNothingOutside(name: String, build: String) throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            echo secret > outside-target; echo payload > payload
            python3 - <<'PY'
            import tarfile, os
            t = tarfile.open('evil.tar.gz', 'w:gz', format=tarfile.PAX_FORMAT)
            \(build)
            t.close()
            PY
            mkdir dest
            "$BALE" unpack evil.tar.gz -C dest; echo "status=$?"
            [ ! -e escaped ] && [ "$(cat outside-target)" = secret ] && echo "nothing outside"
            [ "$(stat -c %h outside-target)" = 1 ] && echo "not linked"
            """)
        #expect(run.stdout == "status=1\nnothing outside\nnot linked\n", "\(name): \(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("not extracted"), "\(name): \(run.stderr)")
    }

    @Test(.enabled(if: Machine.isRoot, "needs root to give files to other owners"))
    func ownersAreRestoredAsRoot() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p t/d && seq 1 10 > t/d/f && chmod 4755 t/d/f && ln -s f t/d/l
            "$BALE" pack t --owner nobody --group 4242 -o o.tar.gz
            "$BALE" unpack o.tar.gz -C a --same-permissions && stat -c '%n %u %g %a' a/t/d a/t/d/f
            stat -c '%u %g' a/t/d/l
            "$BALE" unpack o.tar.gz -C b --no-same-owner && stat -c '%u %g' b/t/d/f
            """)
        let nobody = try sh("id -u nobody", in: "/").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(run.stdout == "a/t/d \(nobody) 4242 755\na/t/d/f \(nobody) 4242 4755\n\(nobody) 4242\n0 0\n",
                "\(run.stdout)\(run.stderr)")
    }

    /// A directory its owner cannot write into (0555) still receives its
    /// entries, then gets its mode: GNU tar's behaviour, for users other
    /// than root (who could write anyway).
    @Test(.enabled(if: Machine.isRoot, "needs root to make the tree and run bale as nobody (setpriv)"))
    func readOnlyDirectoriesAreFilledThenClosed() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p t/ro/inner && seq 1 100 > t/ro/f && seq 1 5 > t/ro/inner/g && chmod 555 t/ro/inner t/ro
            tar -czf a.tgz t && mkdir out && chown nobody out && chmod 755 . a.tgz
            # nobody may not reach the build directory (a clone in a 0700 mktemp -d): run a copy
            cp "$BALE" ./bale-copy && chmod 755 ./bale-copy
            setpriv --reuid=nobody --regid=nogroup --clear-groups "$PWD/bale-copy" unpack a.tgz -C out; echo "status=$?"
            cmp t/ro/f out/t/ro/f && cmp t/ro/inner/g out/t/ro/inner/g && stat -c '%a %U' out/t/ro out/t/ro/inner
            """)
        #expect(run.stdout == "status=0\n555 nobody\n555 nobody\n", "\(run.stdout)\(run.stderr)")
    }

    /// A missing directory that cannot be made (its parent is read-only to
    /// the user) is named with the cause, as GNU tar names it ("d/sub:
    /// Cannot mkdir: Permission denied"): bale said "No such file or
    /// directory" of the file, from the open that failed after the mkdir.
    @Test(.enabled(if: Machine.isRoot, "needs root to make the tree and run bale as nobody (setpriv)"))
    func aDirectoryThatCannotBeMadeIsNamedWithItsCause() throws {
        let run = try Scratch().run("""
            mkdir -p t/d/sub && echo x > t/d/sub/f && tar -cf a.tar -C t d/sub/f
            mkdir -p out/d && chown nobody out && chmod 555 out/d && chmod 755 . a.tar
            cp "$BALE" ./bale-copy && chmod 755 ./bale-copy
            setpriv --reuid=nobody --regid=nogroup --clear-groups "$PWD/bale-copy" unpack a.tar -C out; echo "status=$?"
            """)
        #expect(run.stdout == "status=1\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == "bale: d/sub/f: cannot make the directory d/sub: Permission denied; not extracted\n")
    }

    /// An archive read from a pipe whose writer pauses after a whole
    /// entry (a slow network, `ssh host tar -cf - …`): the entry is on
    /// disk during the pause, as GNU tar writes it, plain and through
    /// gzip. bale waited for 1 MiB of a plain tar (and for a batch of 32
    /// small files) first: a pause kept the entries received from the
    /// disk, and a SIGTERM in it lost them.
    @Test func anEntryIsOnDiskWhileThePipePauses() throws {
        let run = try Scratch().run(#"""
            head -c 200000 "$FIXTURES/mixed" > a && echo two > b && tar -cf t.tar a b
            python3 - "$BALE" <<'PY'
            import os, subprocess, sys, time, zlib
            data = open('t.tar', 'rb').read(); cut = 512 + 200192
            gz = zlib.compressobj(6, zlib.DEFLATED, 31)
            parts = {'tar': (data[:cut], data[cut:]),
                     'gzip': (gz.compress(data[:cut]) + gz.flush(zlib.Z_FULL_FLUSH), gz.compress(data[cut:]) + gz.flush())}
            for kind, (first, rest) in parts.items():
                out = 'out-' + kind; os.mkdir(out)
                p = subprocess.Popen([sys.argv[1], 'unpack', '-', '-C', out], stdin=subprocess.PIPE)
                p.stdin.write(first); p.stdin.flush()
                deadline = time.time() + 20
                while time.time() < deadline and not (os.path.exists(out + '/a') and os.path.getsize(out + '/a') == 200000):
                    time.sleep(0.05)
                whole = os.path.exists(out + '/a') and os.path.getsize(out + '/a') == 200000
                print(kind, 'a on disk in the pause' if whole else 'a not on disk in the pause')
                p.stdin.write(rest); p.stdin.close()
                print(kind, 'status', p.wait())
            PY
            cmp a out-tar/a && cmp a out-gzip/a && cmp b out-gzip/b && echo "whole"
            """#)
        #expect(run.stdout == """
            tar a on disk in the pause
            tar status 0
            gzip a on disk in the pause
            gzip status 0
            whole

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test func absoluteNamesLandInsideTheDestination() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            echo data > payload
            python3 -c "import tarfile; t = tarfile.open('abs.tar', 'w'); t.add('payload', arcname='/tmp/bale-abs-test-$$'); t.close()"
            "$BALE" unpack abs.tar -C dest; echo "status=$?"
            [ -f dest/tmp/bale-abs-test-$$ ] && [ ! -e /tmp/bale-abs-test-$$ ] && echo "stripped"
            """)
        #expect(run.stdout == "status=0\nstripped\n", "\(run.stdout)\(run.stderr)")
    }

    @Test(arguments: [
        ("truncated", #"head -c $(( $(stat -c %s good.tar) / 2 )) good.tar > bad.tar"#),
        ("bad-checksum", #"cp good.tar bad.tar && printf 'X' | dd of=bad.tar bs=1 seek=20 conv=notrunc 2>/dev/null"#),
        ("truncated-gzip", #"gzip -c good.tar > full.gz && head -c 5000 full.gz > bad.tar"#),
        ("bad-pax", #"python3 -c "import tarfile; t = tarfile.open('x.tar', 'w', format=tarfile.PAX_FORMAT); i = tarfile.TarInfo('n'); i.pax_headers = {'comment': 'x'}; t.addfile(i); t.close()"; python3 -c "d = bytearray(open('x.tar','rb').read()); i = d.find(b' comment='); d[i-2:i] = b'99'; import tarfile; open('bad.tar','wb').write(bytes(d))""#),
    ])
    func damagedArchivesFail(name: String, make: String) throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir src && head -c 200000 "$FIXTURES/text" > src/a && seq 1 1000 > src/b && tar -cf good.tar src
            \(make)
            "$BALE" unpack bad.tar -C dest; echo "status=$?"
            """)
        #expect(run.stdout == "status=1\n", "\(name): \(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("bad.tar"), "\(name): \(run.stderr)")
    }
}
