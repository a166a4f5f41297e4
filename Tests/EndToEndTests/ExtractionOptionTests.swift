import Foundation
import Testing

/// `bale unpack`'s extraction options and modes, each judged by GNU tar
/// 1.34 run with the same option on the same archive: the trees (names,
/// types, modes, link targets, contents, file times) must be the same, and
/// the exit status and messages those the README gives.
@Suite struct ExtractionOptionTests {
    /// Shell helpers: `state DIR` prints a tree (type, mode, link target,
    /// file times to the nanosecond, contents' digests), `same A B` says
    /// whether two trees are the same, `both ARCHIVE OPTIONS...` extracts
    /// with GNU tar into g and with bale into b (each made by `prepare DIR`
    /// first, when the script defines it) and prints both exit statuses.
    static let helpers = #"""
        state() { (cd "$1" && find . -printf '%p %y %m %l\n' | LC_ALL=C sort \
                   && find . -type f -printf '%p %T@\n' | LC_ALL=C sort \
                   && find . -type f -print0 | LC_ALL=C sort -z | xargs -0r md5sum); }
        same() { if [ "$(state "$1")" = "$(state "$2")" ]; then echo same; else echo "trees differ:"; diff <(state "$1") <(state "$2") | head -8; fi; }
        both() { local archive=$1; shift; rm -rf g b; mkdir g b
                 if declare -F prepare > /dev/null; then prepare g; prepare b; fi
                 tar -xf "$archive" -C g "$@" 2> gnu.err; local gnu=$?
                 "$BALE" unpack "$archive" -C b "$@" 2> bale.err; local ours=$?
                 echo "gnu=$gnu bale=$ours"; }
        """#

    /// A tree with depth, a hard link (top/a/hard, to top/1one, which comes
    /// first) and a symbolic link, archived by GNU tar.
    static let makeTree = """
        mkdir -p top/a/b top/logs && echo 1 > top/a/b/f.log && echo 2 > top/a/b/g && echo 3 > top/logs/x
        echo 4 > top/1one && ln top/1one top/a/hard && ln -s 1one top/sym && echo 5 > top/a/b/c.txt
        touch -d '2020-02-02 02:02:02.123456789' top/1one top/a/b/* top/logs/x
        tar --sort=name -cf t.tar top
        """

    @Test func stripComponentsAsGNUTar() throws {
        let run = try Scratch().run("""
            \(Self.helpers)
            \(Self.makeTree)
            for n in 1 3 4; do both t.tar --strip-components $n; same g b; done
            # Two components: top/a/hard's target top/1one has no name left; GNU tar fails it too.
            both t.tar --strip-components 2; same g b; cat bale.err
            """)
        #expect(run.stdout == """
            gnu=0 bale=0
            same
            gnu=0 bale=0
            same
            gnu=0 bale=0
            same
            gnu=2 bale=1
            same
            bale: hard: cannot hard link to ‘top/1one’: it has no more than 2 name components (--strip-components); not extracted

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Under --strip-components an entry is named in messages as it is
    /// extracted, stripped, as GNU tar names it ("b/c: Cannot open: File
    /// exists"); bale named it as archived ("a/b/c"), a path the user would
    /// not find in the destination.
    @Test func messagesNameTheStrippedPath() throws {
        let run = try Scratch().run("""
            mkdir -p a/b && echo hi > a/b/c && tar -cf x.tar a
            mkdir -p g/b/c/full b/b/c/full && touch g/b/c/full/f b/b/c/full/f
            tar -xf x.tar --strip-components=1 -C g 2>&1 | head -n 1
            "$BALE" unpack x.tar --strip-components=1 -C b; echo "status $?"
            """)
        #expect(run.stdout == "tar: b/c: Cannot open: File exists\nstatus 1\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == "bale: b/c: File exists; not extracted\n", "\(run.stderr)")
    }

    /// `-v` with --strip-components lists what tar -xv lists: not the
    /// entries with nothing left once stripped (`top/` with one stripped),
    /// which are skipped; bale listed them as if extracted.
    @Test func verboseListsWhatStrippingLeaves() throws {
        let run = try Scratch().run("""
            \(Self.makeTree)
            for n in 1 2; do
                rm -rf g b && mkdir g b
                tar -xvf t.tar -C g --strip-components $n > gnu.list 2> /dev/null
                "$BALE" unpack -v t.tar -C b --strip-components $n > bale.list 2> /dev/null
                diff gnu.list bale.list && echo "$n: listed as tar lists"
            done
            """)
        #expect(run.stdout == "1: listed as tar lists\n2: listed as tar lists\n", "\(run.stdout)\(run.stderr)")
    }

    /// A directory entry is named without its trailing slash in what is
    /// said of it, as GNU tar names it (`Current ‘x’ is newer`): bale said
    /// `x/:`.
    @Test func aDirectoryIsNamedWithoutItsSlash() throws {
        let run = try Scratch().run("""
            mkdir -p src/x d && echo f > src/x/f && touch -d @1000000000 src/x && tar -cf a.tar -C src x
            echo newer > d/x
            "$BALE" unpack a.tar -C d --keep-newer-files 2>&1 | head -1
            """)
        #expect(run.stdout == "bale: x: Current file is newer or same age; kept\n", "\(run.stdout)\(run.stderr)")
    }

    /// A name with ".." is refused before --strip-components cuts it
    /// down, as GNU tar refuses it: "../x" with one stripped once came out
    /// as "x". A hard link's target is judged the same way before it is
    /// stripped (GNU tar drops the leading "../" and links; bale refuses).
    @Test func dotDotIsRefusedBeforeStripping() throws {
        let run = try Scratch().run("""
            \(Self.helpers)
            python3 - <<'PY'
            import io, tarfile
            with tarfile.open("d.tar", "w") as t:
                for name in ["../x", "../../y/z", "a/../b/c", "top/ok/f", "a/.."]:
                    data = name.encode() + b"\\n"
                    info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
            with tarfile.open("l.tar", "w") as t:
                data = b"f\\n"
                info = tarfile.TarInfo("top/ok/f"); info.size = len(data); t.addfile(info, io.BytesIO(data))
                link = tarfile.TarInfo("top/l"); link.type = tarfile.LNKTYPE; link.linkname = "../top/ok/f"; t.addfile(link)
            PY
            both d.tar --strip-components 1; same g b; LC_ALL=C sort bale.err
            rm -rf b && mkdir b && "$BALE" unpack l.tar -C b --strip-components 1; echo "status $?"; find b | LC_ALL=C sort
            """)
        #expect(run.stdout == """
            gnu=2 bale=1
            same
            bale: ../../y/z: contains '..'; not extracted
            bale: ../x: contains '..'; not extracted
            bale: a/../b/c: contains '..'; not extracted
            bale: a/..: contains '..'; not extracted
            status 1
            b
            b/ok
            b/ok/f

            """, "\(run.stdout)\(run.stderr)")
        // Named as it would be extracted, stripped, as GNU tar names entries.
        #expect(run.stderr.contains("bale: l: hard link to a name outside the destination; not extracted"), "\(run.stderr)")
    }

    @Test(arguments: [["--exclude", "*.log"], ["--exclude", "logs"], ["--exclude", "a/b"], ["--exclude", "b"],
                      ["--exclude", "top/a", "--exclude", "1one"], ["--exclude", "top*g"], ["--exclude", "logs/"],
                      ["--exclude", "top", "--strip-components", "1"]])
    func excludeAsGNUTar(options: [String]) throws {
        let given = options.map { "'\($0)'" }.joined(separator: " ")
        let run = try Scratch().run("""
            \(Self.helpers)
            \(Self.makeTree)
            both t.tar \(given); same g b
            "$BALE" list t.tar \(given.replacingOccurrences(of: "'--strip-components' '1'", with: "")) | awk '{print $NF}' > bale.list
            tar -tvf t.tar \(given.replacingOccurrences(of: "'--strip-components' '1'", with: "")) | awk '{print $NF}' > gnu.list
            cmp -s bale.list gnu.list && echo "list agrees"; cat bale.err
            """)
        #expect(run.stdout == "gnu=0 bale=0\nsame\nlist agrees\n", "\(options): \(run.stdout)\(run.stderr)")
    }

    /// Files already there (a file, a hard link's name, a symbolic link, a
    /// FIFO's name, a file in a directory), with the given age.
    static func existing(touched age: String) -> String {
        #"""
        mkdir -p src/d && echo new > src/f && ln src/f src/h && ln -s f src/s && mkfifo src/p && echo dd > src/d/x
        touch -h -d '2020-01-01' src/* src/d/x && tar --sort=name -cf k.tar -C src .
        prepare() { mkdir -p "$1/d"; echo old > "$1/f"; echo oldh > "$1/h"; ln -s old "$1/s"; echo oldp > "$1/p"; echo oldx > "$1/d/x"
                    touch -h -d '\#(age)' "$1/f" "$1/h" "$1/s" "$1/p" "$1/d/x"; }
        """#
    }

    /// Directories an archive has no entry for (or whose entry was not
    /// named) are made 0777 less the umask, as GNU tar makes them: bale
    /// made them 0755, so under umask 002 a shared tree's directories were
    /// not its group's (775 in tar's). And `-C a/b/c` makes every missing
    /// level (it made only the last: with no `a`, "No such file").
    @Test func directoriesMadeWithoutAnEntryAsGNUTar() throws {
        let run = try Scratch().run("""
            \(Self.helpers)
            mkdir -p src/top/sub && echo x > src/top/sub/f && chmod 700 src/top
            tar -C src -cf bare.tar top/sub/f && tar -C src -cf full.tar top
            for mask in 002 000 027; do
                ( umask $mask; both bare.tar > /dev/null; same g b; both full.tar top/sub/f > /dev/null; same g b
                  stat -c %a b/top b/top/sub | tr '\\n' ' '; echo )
            done
            ( umask 002; "$BALE" unpack bare.tar -C new/a/b && stat -c %a new new/a new/a/b/top | tr '\\n' ' '; echo )
            """)
        #expect(run.stdout == """
            same
            same
            775 775\u{20}
            same
            same
            777 777\u{20}
            same
            same
            750 750\u{20}
            775 775 775\u{20}

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `-k` over files that are all there: each refusal is said in the
    /// archive's order, as GNU tar says them. The small files' refusals
    /// came from the writer threads, and were said after every large
    /// file's (which the extractor refuses itself), in the order the
    /// threads finished them.
    @Test func keepOldFilesSaysTheRefusalsInTheArchiveOrder() throws {
        let run = try Scratch().run("""
            mkdir d
            for i in 1 2 3 4 5 6; do
              echo small $i > d/s$i
              head -c $((1100000 + i)) /dev/urandom > d/big$i
            done
            ln -s s1 d/link
            tar -czf a.tgz d/s1 d/big1 d/s2 d/s3 d/big2 d/big3 d/s4 d/link d/big4 d/s5 d/s6 d/big5 d/big6
            tar -k -xzf a.tgz 2> tar.err; echo "gnu: $?"
            "$BALE" unpack -k a.tgz 2> bale.err; echo "bale: $?"
            grep -v 'Exiting with failure' tar.err | sed 's/^tar:/bale:/' | diff - bale.err && echo "same order"
            """)
        #expect(run.stdout == "gnu: 2\nbale: 2\nsame order\n", "\(run.stdout)\(run.stderr)")
    }

    /// A small file queued for the writer threads over an empty directory
    /// of its name, then entries below that name: the file is written
    /// first, and they are refused, as by tar, whatever the timing. The
    /// directory was opened before the file replaced it, and took them (or
    /// not), so a file and a pipe gave two trees. A reading helper found it.
    @Test func aQueuedFileOverADirectoryIsWrittenBeforeEntriesBelowIt() throws {
        let run = try Scratch().run(#"""
            python3 - <<'EOF'
            import io, tarfile
            with tarfile.open('a.tar', 'w', format=tarfile.GNU_FORMAT) as t:
                for name, kind in (('x', 'f'), ('x/y', 'd'), ('x/y/z', 'f')):
                    info = tarfile.TarInfo(name)
                    if kind == 'd':
                        info.type = tarfile.DIRTYPE
                        t.addfile(info)
                    else:
                        info.size = 3
                        t.addfile(info, io.BytesIO(b'hi\n'))
            EOF
            mkdir -p g/x && tar -xf a.tar -C g 2> /dev/null; (cd g && find . | sort) > want
            for how in file pipe; do
                rm -rf b && mkdir -p b/x
                if [ $how = file ]; then "$BALE" unpack a.tar -C b 2> /dev/null
                else (head -c 1024 a.tar; sleep 0.5; tail -c +1025 a.tar) | "$BALE" unpack - -C b 2> /dev/null; fi
                echo "$how: $?"; (cd b && find . | sort) | diff want - && cat b/x
            done
            """#)
        #expect(run.stdout == "file: 1\nhi\npipe: 1\nhi\n", "\(run.stdout)\(run.stderr)")
    }

    /// A directory archived after the ones in it (`find -depth` lists) is
    /// still finished after them: with a mode that takes its owner's
    /// search permission (0400), the ones in it were left without their
    /// mode and time, exit 0 (directories were finished in the archive's
    /// order reversed). As `nobody`, whom the mode binds; tar judges.
    @Test(.enabled(if: Machine.isRoot && Machine.has("setpriv"), "needs root and setpriv (to run as nobody)"))
    func aParentArchivedAfterItsChildrenIsFinishedLast() throws {
        let run = try Scratch().run(#"""
            python3 - <<'EOF'
            import io, tarfile
            with tarfile.open('a.tar', 'w', format=tarfile.GNU_FORMAT) as t:
                f = tarfile.TarInfo('a/b/f')
                f.size = 3
                t.addfile(f, io.BytesIO(b'hi\n'))
                for name, mode in (('a/b', 0o700), ('a', 0o400)):
                    d = tarfile.TarInfo(name)
                    d.type, d.mode, d.mtime = tarfile.DIRTYPE, mode, 1000000000
                    t.addfile(d)
            EOF
            mkdir -m 777 s && cp a.tar "$BALE" s/ && chmod 755 s/bale
            setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c 'cd s && umask 022 && mkdir g b && tar -xf a.tar -C g && ./bale unpack a.tar -C b && echo extracted'
            chmod 700 s/g/a s/b/a && (cd s/g && stat -c '%n %A %Y' a/b) > want && (cd s/b && stat -c '%n %A %Y' a/b) | diff want - && cat want
            """#)
        #expect(run.stdout == "extracted\na/b drwx------ 1000000000\n", "\(run.stdout)\(run.stderr)")
    }

    /// As root without the right to give files away (a container, a user
    /// namespace, NFS with root squashed), every entry whose owner cannot
    /// be given is named, as GNU tar names it (exit 2), each at its place,
    /// and left with the mode tar leaves it: bale named directories only;
    /// files (small and large), links and FIFOs stayed root's in silence,
    /// exit 0. Found by a reading helper.
    @Test(.enabled(if: Machine.isRoot && Machine.has("setpriv"), "needs root and setpriv (to drop CAP_CHOWN)"))
    func ownersNotGivenAreNamedAsGNUTarNamesThem() throws {
        let run = try Scratch().run(#"""
            python3 - <<'EOF'
            import io, tarfile
            with tarfile.open('a.tar', 'w', format=tarfile.GNU_FORMAT) as t:
                for name, mode, kind in [('small', 0o4755, 'f'), ('big', 0o4755, 'f'), ('sym', 0o777, 'l'),
                                         ('fifo', 0o644, 'p'), ('dir', 0o2755, 'd')]:
                    info = tarfile.TarInfo(name)
                    info.uid = info.gid = 1234
                    info.uname = info.gname = ''
                    info.mode = mode
                    if kind == 'f':
                        data = b'x' * (10 if name == 'small' else 3000000)
                        info.size = len(data)
                        t.addfile(info, io.BytesIO(data))
                        continue
                    info.type = {'l': tarfile.SYMTYPE, 'p': tarfile.FIFOTYPE, 'd': tarfile.DIRTYPE}[kind]
                    info.linkname = 'small' if kind == 'l' else ''
                    t.addfile(info)
            EOF
            mkdir g b
            no_chown() { setpriv --inh-caps=-chown --bounding-set=-chown "$@"; }
            no_chown tar -xf a.tar -C g 2> tar.err; echo "gnu: $?"
            no_chown "$BALE" unpack a.tar -C b 2> bale.err; echo "bale: $?"
            grep -v 'Exiting with failure' tar.err | sed 's/^tar:/bale:/' | diff - bale.err && echo "same messages"
            (cd g && stat -c '%n %A %u' *) > g.modes; (cd b && stat -c '%n %A %u' *) | diff g.modes - && echo "same modes"
            """#)
        #expect(run.stdout == "gnu: 2\nbale: 2\nsame messages\nsame modes\n", "\(run.stdout)\(run.stderr)")
    }

    /// The tar reader's own warnings (an unknown pax keyword) are said at
    /// the entry they were met in, among the extractor's refusals, as GNU
    /// tar says them as it reads: bale said them after every refusal.
    @Test func theReadersWarningsAreSaidAtTheirEntries() throws {
        let run = try Scratch().run(#"""
            python3 - <<'EOF'
            import io, tarfile
            with tarfile.open('a.tar', 'w', format=tarfile.PAX_FORMAT) as t:
                for name, pax in [('f1', {}), ('f2', {'FOO.bar': '1'}), ('f3', {}), ('f4', {'BAZ.q': '2'}), ('f5', {})]:
                    info = tarfile.TarInfo(name)
                    info.size = 3
                    info.pax_headers = pax
                    t.addfile(info, io.BytesIO(b'hi\n'))
            EOF
            touch f1 f3 f5
            tar -k -xf a.tar 2> tar.err; echo "gnu: $?"
            rm f2 f4
            "$BALE" unpack -k a.tar 2> bale.err; echo "bale: $?"
            grep -v 'Exiting with failure' tar.err | sed 's/^tar:/bale:/; s/Ignoring/a.tar: ignoring/' | diff - bale.err && echo "same order"
            """#)
        #expect(run.stdout == "gnu: 2\nbale: 2\nsame order\n", "\(run.stdout)\(run.stderr)")
    }

    @Test func keepOldFilesIsAnErrorAndKeepsThem() throws {
        let run = try Scratch().run("""
            \(Self.helpers)
            \(Self.existing(touched: "2010-01-01"))
            both k.tar -k; same g b; cat b/f b/h b/d/x; readlink b/s; [ -f b/p ] && echo "p kept"
            LC_ALL=C sort bale.err
            """)
        #expect(run.stdout == """
            gnu=2 bale=2
            same
            old
            oldh
            oldx
            old
            p kept
            bale: ./d/x: Cannot open: File exists
            bale: ./f: Cannot open: File exists
            bale: ./h: Cannot hard link to ‘./f’: File exists
            bale: ./p: Cannot mkfifo: File exists
            bale: ./s: Cannot create symlink to ‘f’: File exists

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test func skipOldFilesKeepsThemSilently() throws {
        let run = try Scratch().run("""
            \(Self.helpers)
            \(Self.existing(touched: "2010-01-01"))
            both k.tar --skip-old-files; same g b; cat b/f b/h; wc -c < bale.err
            """)
        #expect(run.stdout == "gnu=0 bale=0\nsame\nold\noldh\n0\n", "\(run.stdout)\(run.stderr)")
    }

    @Test func keepNewerFilesKeepsOnlyTheNewer() throws {
        let run = try Scratch().run("""
            \(Self.helpers)
            \(Self.existing(touched: "2030-01-01"))
            both k.tar --keep-newer-files; same g b; cat b/f b/h; LC_ALL=C sort bale.err
            \(Self.existing(touched: "2010-01-01").replacingOccurrences(of: "mkdir -p src/d", with: "rm -rf src k.tar; mkdir -p src/d"))
            both k.tar --keep-newer-files; same g b; cat b/f b/h b/d/x; wc -c < bale.err
            """)
        #expect(run.stdout == """
            gnu=0 bale=0
            same
            old
            oldh
            bale: ./d/x: Current file is newer or same age; kept
            bale: ./f: Current file is newer or same age; kept
            bale: ./h: Current file is newer or same age; kept
            bale: ./p: Current file is newer or same age; kept
            bale: ./s: Current file is newer or same age; kept
            gnu=0 bale=0
            same
            new
            new
            dd
            0

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Directories already there, where a directory goes (kept as they are
    /// by -k and --skip-old-files; an empty one made anew by
    /// --keep-newer-files), and where a file goes (an empty one replaced,
    /// a full one not: exit 1 with bale, 2 with GNU tar).
    @Test(arguments: ["", "-k", "--skip-old-files", "--keep-newer-files"])
    func directoriesAlreadyThereAsGNUTar(option: String) throws {
        let run = try Scratch().run("""
            \(Self.helpers)
            mkdir -p src/e src/n src/dir && echo x > src/n/x && echo f > src/fe && echo f > src/fn && echo q > src/dir/q
            chmod 750 src/e src/n && touch -d 2020-01-01 src/e src/n src/fe src/fn && tar --sort=name -cf d.tar -C src e n fe fn
            prepare() { mkdir -p "$1/e" "$1/n" "$1/fe" "$1/fn"; echo y > "$1/n/y"; echo z > "$1/fn/z"; touch -d 2010-01-01 "$1/n/y" "$1/fn/z"; chmod 700 "$1/e" "$1/n"; touch -d 2010-01-01 "$1/e" "$1/n"; }
            both d.tar \(option); same g b
            [ "$(stat -c '%a %Y' g/e)" = "$(stat -c '%a %Y' b/e)" ] && echo "e as GNU tar"
            [ "$(stat -c %a g/n)" = "$(stat -c %a b/n)" ] && echo "n as GNU tar"
            """)
        let status = option == "" || option == "--keep-newer-files" ? "gnu=2 bale=1" : "gnu=2 bale=2"
        #expect(run.stdout == "\(option == "--skip-old-files" ? "gnu=0 bale=0" : status)\nsame\ne as GNU tar\nn as GNU tar\n",
                "\(option): \(run.stdout)\(run.stderr)")
    }

    @Test func touchLeavesTheTimeOfExtraction() throws {
        let run = try Scratch().run("""
            \(Self.helpers)
            \(Self.makeTree)
            touch start; sleep 0.01
            both t.tar -m
            [ -z "$(find g b ! -type l ! -newer start)" ] && echo "every file and directory is newer than the start"
            both t.tar; [ "$(stat -c %Y b/top/1one)" = "$(date -d '2020-02-02 02:02:02' +%s)" ] && echo "restored without -m"
            """)
        #expect(run.stdout == "gnu=0 bale=0\nevery file and directory is newer than the start\ngnu=0 bale=0\nrestored without -m\n",
                "\(run.stdout)\(run.stderr)")
    }

    @Test(.enabled(if: Machine.isRoot, "giving files away needs root"))
    func numericOwnerGivesTheArchivedIDs() throws {
        let run = try Scratch().run("""
            \(Self.helpers)
            mkdir src && echo x > src/f && mkdir src/d && tar --owner=daemon:4242 --group=daemon:4343 -cf n.tar -C src f d
            for option in "" --numeric-owner; do
                both n.tar $option
                [ "$(cd g && stat -c '%n %u %g' f d)" = "$(cd b && stat -c '%n %u %g' f d)" ] && (cd b && stat -c '%n %u %g' f d)
            done
            """)
        let daemon = try Scratch().run("echo $(id -u daemon) $(id -g daemon)").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(run.stdout == "gnu=0 bale=0\nf \(daemon)\nd \(daemon)\ngnu=0 bale=0\nf 4242 4343\nd 4242 4343\n",
                "\(run.stdout)\(run.stderr)")
    }

    /// An owner name this system does not know falls back to each entry's
    /// own numeric ids, as in GNU tar: two files archived with the same
    /// unknown names and different ids keep their different ids (the name
    /// lookups are cached; what is cached for an unknown name is that it
    /// is unknown, not the first entry's ids).
    @Test(.enabled(if: Machine.isRoot, "giving files away needs root"))
    func unknownOwnerNamesFallBackToEachEntrysIDs() throws {
        let run = try Scratch().run("""
            \(Self.helpers)
            python3 - <<'PY'
            import io, tarfile
            with tarfile.open("n.tar", "w", format=tarfile.GNU_FORMAT) as archive:
                for name, ids, kind in [("f", 4242, tarfile.REGTYPE), ("d", 4242, tarfile.DIRTYPE), ("h", 5252, tarfile.REGTYPE)]:
                    info = tarfile.TarInfo(name)
                    info.type, info.mode, info.mtime = kind, 0o755, 1600000000
                    info.uid, info.gid, info.uname, info.gname = ids, ids + 101, "nosuchbaleuser", "nosuchbalegroup"
                    data = b"x\\n" if kind == tarfile.REGTYPE else b""
                    info.size = len(data)
                    archive.addfile(info, io.BytesIO(data))
            PY
            both n.tar
            [ "$(cd g && stat -c '%n %u %g' f d h)" = "$(cd b && stat -c '%n %u %g' f d h)" ] && (cd b && stat -c '%n %u %g' f d h)
            """)
        #expect(run.stdout == "gnu=0 bale=0\nf 4242 4343\nd 4242 4343\nh 5252 5353\n", "\(run.stdout)\(run.stderr)")
    }

    /// A file already there is replaced, small or large: a new inode with
    /// the new content, while a hard link to the old file keeps the old
    /// content (as with GNU tar, which unlinks).
    @Test func aFileThereIsReplaced() throws {
        let run = try Scratch().run("""
            \(Fixtures.gen)
            mkdir src && echo new > src/small && gen 3000000 src/big && tar -cf a.tar -C src .
            mkdir o && echo old > o/small && echo oldbig > o/big && ln o/small small.link && ln o/big big.link
            before="$(stat -c %i o/small o/big)"
            "$BALE" unpack a.tar -C o; echo "status=$?"
            [ "$(stat -c %i o/small o/big | paste -sd ' ')" != "$(echo $before | paste -sd ' ')" ] && echo "new inodes"
            cat o/small small.link big.link; cmp o/big src/big && echo "big is new"
            ls -A o | paste -sd ' '
            """)
        #expect(run.stdout == "status=0\nnew inodes\nnew\nold\noldbig\nbig is new\nbig small\n", "\(run.stdout)\(run.stderr)")
    }

    /// The replacement is atomic: the new file (or link, hard link, FIFO)
    /// is made under a temporary name and renamed over the old one, which
    /// is never unlinked first (so the name is never missing), as strace shows.
    @Test(.enabled(if: Machine.canTrace, "strace cannot trace here"))
    func whatIsThereIsReplacedByRename() throws {
        let run = try Scratch().run("""
            mkdir src && echo new > src/f && ln src/f src/l && ln -s f src/s && mkfifo src/p
            tar --sort=name -cf a.tar -C src f l p s
            mkdir o && for name in f l p s; do echo old > o/$name; done
            strace -f -qq -e trace=unlink,unlinkat,rename,renameat,renameat2 -o trace "$BALE" unpack a.tar -C o; echo "status=$?"
            grep -Eq 'unlink.*"[flps]"' trace || echo "never unlinked"
            for name in f l p s; do
                grep -Eq "rename.*\"\\.$name\\.bale-[A-Za-z0-9]{6}\".*\"$name\"" trace && echo "$name renamed over"
            done
            cat o/f o/l; readlink o/s; [ -p o/p ] && echo "p is a FIFO"; ls -A o | paste -sd ' '
            """)
        #expect(run.stdout == """
            status=0
            never unlinked
            f renamed over
            l renamed over
            p renamed over
            s renamed over
            new
            new
            f
            p is a FIFO
            f l p s

            """, "\(run.stdout)\(run.stderr)")
    }

    /// An archive of modes: 0777 and 0600 files, setuid, setgid and sticky
    /// files and directories, a FIFO (mknod takes the umask off).
    static let makeModes = """
        mkdir -p src/d7 src/dsticky src/dsgid && touch src/f777 src/fsuid src/fsgid src/f600 src/fsticky
        chmod 777 src/f777 src/d7 && chmod 4755 src/fsuid && chmod 2755 src/fsgid && chmod 600 src/f600
        chmod 1755 src/fsticky && chmod 1777 src/dsticky && chmod 2775 src/dsgid && mkfifo -m 666 src/p
        tar --sort=name -cf m.tar -C src .
        modes() { (cd "$1" && stat -c '%n %a' * | paste -sd ' '); }
        """

    /// As a user who is not root (nobody, umask 022): modes less the umask,
    /// no setuid, setgid or sticky bit, as GNU tar run the same way; with
    /// --same-permissions the archive's modes in full.
    @Test(.enabled(if: Machine.isRoot && Machine.has("setpriv"), "running as nobody needs root and setpriv"))
    func modesAsAnUnprivilegedUser() throws {
        // The test's scratch directory may lie under a directory nobody
        // cannot enter: the binary and the archive go to one it can.
        let run = try Scratch().run("""
            \(Self.makeModes)
            place=$(mktemp -d /tmp/bale-modes-XXXXXX) && chmod 755 "$place" && trap 'rm -rf "$place"' EXIT
            cp "$BALE" "$place/bale" && cp m.tar "$place/" && chmod 644 "$place/m.tar"
            mkdir "$place/w" && chown nobody:nogroup "$place/w"
            as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups bash -c "umask 022; cd '$place/w' && $1"; }
            as_nobody 'mkdir g b && tar -xf ../m.tar -C g && ../bale unpack ../m.tar -C b'; echo "status=$?"
            modes "$place/w/b"; [ "$(modes "$place/w/g")" = "$(modes "$place/w/b")" ] && echo "as GNU tar"
            as_nobody 'mkdir gp bp && tar -xpf ../m.tar -C gp && ../bale unpack ../m.tar -C bp --same-permissions'; echo "status=$?"
            modes "$place/w/bp"; [ "$(modes "$place/w/gp")" = "$(modes "$place/w/bp")" ] && echo "as GNU tar"
            """)
        #expect(run.stdout == """
            status=0
            d7 755 dsgid 755 dsticky 755 f600 600 f777 755 fsgid 755 fsticky 755 fsuid 755 p 644
            as GNU tar
            status=0
            d7 777 dsgid 2775 dsticky 1777 f600 600 f777 777 fsgid 2755 fsticky 1755 fsuid 4755 p 666
            as GNU tar

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A directory's mode is given at the end, as GNU tar gives it, so that
    /// a set-group-ID bit it has while its files are made (taken from a
    /// shared parent, or its own where it was there) gives them its group;
    /// without the archive's modes, its set-group-ID and sticky bits stay.
    /// bale gave a directory its mode as it made it: as nobody in a 2777
    /// root:daemon directory, `sub` came out 0755 and `sub/f` nobody:nogroup
    /// (GNU tar: 2755, daemon); as root with --no-same-owner in an existing
    /// 2775 root:daemon `sub`, `f` was root's group; with
    /// --no-same-permissions an existing 1777 `sub` lost its sticky bit. And
    /// a directory there that is not the user's, whose time and mode cannot
    /// be given, is named as GNU tar names it (exit 2; bale said nothing, 0).
    @Test(.enabled(if: Machine.isRoot && Machine.has("setpriv"), "running as nobody needs root and setpriv"))
    func directoryModesAtTheEndAsGNUTar() throws {
        let run = try Scratch().run("""
            place=$(mktemp -d /tmp/bale-sgid-XXXXXX) && chmod 755 "$place" && trap 'rm -rf "$place"' EXIT
            cd "$place" && cp "$BALE" bale && mkdir -p src/sub && echo hi > src/sub/f && chmod 755 src/sub
            tar -cf a.tar -C src sub && chmod 644 a.tar
            as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups bash -c "umask 022; $1"; }
            show() { echo "$(stat -c '%A %G' $1/sub) $(stat -c '%G' $1/sub/f)"; }
            for tool in g b; do mkdir -p $tool/shared $tool/owned/sub $tool/sticky/sub $tool/theirs/sub; done
            for tool in g b; do chgrp daemon $tool/shared $tool/owned/sub; chmod 2777 $tool/shared; chmod 2775 $tool/owned/sub
                                chmod 1777 $tool/sticky/sub; chmod 777 $tool/theirs $tool/theirs/sub; done
            as_nobody 'tar -xf a.tar -C g/shared; ./bale unpack a.tar -C b/shared'; echo "shared, as nobody: $?"
            tar -xf a.tar -C g/owned --no-same-owner; ./bale unpack a.tar -C b/owned --no-same-owner
            tar -xf a.tar -C g/sticky --no-same-permissions; ./bale unpack a.tar -C b/sticky --no-same-permissions
            for case in shared owned sticky; do echo "$case: $(show b/$case)"; [ "$(show g/$case)" = "$(show b/$case)" ] && echo "as GNU tar"; done
            mkdir said && chmod 777 said
            as_nobody 'tar -xf a.tar -C g/theirs 2> said/gnu; echo "theirs, as nobody: GNU tar $?"; ./bale unpack a.tar -C b/theirs 2> said/bale; echo "bale $?"'
            grep -v Exiting said/gnu | sed 's/^tar: //' > gnu.said; sed 's/^bale: //' said/bale | diff gnu.said - && cat said/bale
            """)
        #expect(run.stdout == """
            shared, as nobody: 0
            shared: drwxr-sr-x daemon daemon
            as GNU tar
            owned: drwxr-xr-x daemon daemon
            as GNU tar
            sticky: drwxr-xr-t root root
            as GNU tar
            theirs, as nobody: GNU tar 2
            bale 2
            bale: sub: Cannot utime: Operation not permitted
            bale: sub: Cannot change mode to rwxr-xr-x: Operation not permitted

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Patterns match characters of the user's locale, as GNU tar's do: in
    /// a UTF-8 locale `?` and `[éx]` take `é` (two bytes), in C one byte.
    /// bale matched bytes in every locale: `pack --exclude '?'` stored `é`,
    /// `unpack --exclude '[éx]'` extracted it, `cat --wildcards 'e/[éx]'`
    /// did not find it (a probe helper).
    @Test func patternsMatchTheLocalesCharacters() throws {
        let run = try Scratch().run(#"""
            mkdir ee && echo x > ee/é && echo y > ee/ab && tar -cf e.tar ee
            for l in C.UTF-8 C; do
                export LC_ALL=$l
                "$BALE" pack ee --exclude '?' -o b.tgz && tar -tzf b.tgz | sort > bale.list
                tar -cf - --exclude '?' ee | tar -tf - | sort > tar.list
                cmp -s bale.list tar.list && echo "$l pack --exclude: as tar, $(wc -l < bale.list) names"
                rm -rf b g && mkdir b g && "$BALE" unpack e.tar -C b --exclude '[éx]' && tar -xf e.tar -C g --exclude '[éx]'
                [ "$(cd b && find . | sort)" = "$(cd g && find . | sort)" ] && echo "$l unpack --exclude: as tar"
                echo "$l cat: $("$BALE" cat e.tar --wildcards 'ee/[éx]' 2> /dev/null | tr -d '\n'; echo ${PIPESTATUS[0]})" \
                     "tar: $(tar -xOf e.tar --wildcards 'ee/[éx]' 2> /dev/null | tr -d '\n'; echo ${PIPESTATUS[0]})"
            done
            """#)
        #expect(run.stdout == """
            C.UTF-8 pack --exclude: as tar, 2 names
            C.UTF-8 unpack --exclude: as tar
            C.UTF-8 cat: x0 tar: x0
            C pack --exclude: as tar, 3 names
            C unpack --exclude: as tar
            C cat: 2 tar: 2

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `-k` over a tree extracted before: a hard link that is already a
    /// name of its target is nothing to make and nothing to say, as GNU tar
    /// finds it; bale said "Cannot hard link to 's/f': File exists" too (a
    /// probe helper). Without -k the link is made again to the new target.
    @Test func aHardLinkAlreadyThereIsNotAConflict() throws {
        let run = try Scratch().run(#"""
            mkdir s && echo a > s/f && ln s/f s/g && tar -czf a.tgz s
            mkdir b && tar -xzf a.tgz -C b
            "$BALE" unpack -k a.tgz -C b 2> err; echo "-k: $? $(cat err)"
            echo changed > b/s/f.new && mv b/s/f.new b/s/f
            "$BALE" unpack a.tgz -C b; echo "again: $? $(stat -c %h b/s/g) $(cat b/s/g)"
            """#)
        #expect(run.stdout == """
            -k: 2 bale: s/f: Cannot open: File exists
            again: 0 2 a

            """, "\(run.stdout)\(run.stderr)")
    }

    /// As root: the archive's modes in full, whatever the umask (GNU tar's
    /// and bsdtar's default); --no-same-permissions as a user's.
    @Test(.enabled(if: Machine.isRoot, "the archive's modes in full are root's default"))
    func modesAsRoot() throws {
        let run = try Scratch().run("""
            \(Self.makeModes)
            umask 077
            mkdir g b && tar -xf m.tar -C g && "$BALE" unpack m.tar -C b; echo "status=$?"
            modes b; [ "$(modes g)" = "$(modes b)" ] && echo "as GNU tar"
            umask 022
            mkdir gn bn && tar -xf m.tar -C gn --no-same-permissions && "$BALE" unpack m.tar -C bn --no-same-permissions
            modes bn; [ "$(modes gn)" = "$(modes bn)" ] && echo "as GNU tar"
            """)
        #expect(run.stdout == """
            status=0
            d7 777 dsgid 2775 dsticky 1777 f600 600 f777 777 fsgid 2755 fsticky 1755 fsuid 4755 p 666
            as GNU tar
            d7 755 dsgid 755 dsticky 755 f600 600 f777 755 fsgid 755 fsticky 755 fsuid 755 p 644
            as GNU tar

            """, "\(run.stdout)\(run.stderr)")
    }
}
