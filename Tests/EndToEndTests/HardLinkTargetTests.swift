// Hard link entries whose target cannot be linked to: named, and nothing
// made for them.
import Testing

@Suite struct HardLinkTargetTests {
    /// Hard links whose target leads outside the destination (`../outside`,
    /// none left after `..`), lies in a directory the archive never made,
    /// or is missing from a directory that is there: each is named (exit 1)
    /// and nothing is made for it. bale made the link's own directories
    /// before it looked at the target, leaving `sub/deep`, `far/away` and
    /// `m/n` behind for links it refused (bsdtar makes nothing for a
    /// target outside; for a missing one both tars leave the directories
    /// too, with nothing in them). A link to a file that is there is still
    /// made, in directories made for it.
    @Test func aLinkToNothingLeavesNothingBehind() throws {
        let run = try Scratch().run(#"""
            python3 - <<'EOF'
            import tarfile, io
            with tarfile.open('links.tar', 'w', format=tarfile.GNU_FORMAT) as t:
                def link(name, target):
                    info = tarfile.TarInfo(name); info.type = tarfile.LNKTYPE; info.linkname = target; t.addfile(info)
                def directory(name):
                    info = tarfile.TarInfo(name); info.type = tarfile.DIRTYPE; info.mode = 0o755; t.addfile(info)
                link('sub/deep/outside', '../outside')
                link('far/away/missing', 'nowhere/target')
                directory('there')
                link('m/n/absent', 'there/absent')
                info = tarfile.TarInfo('there/file'); info.size = 3; t.addfile(info, io.BytesIO(b'abc'))
                link('made/for/it', 'there/file')
            EOF
            touch outside; mkdir out
            "$BALE" unpack links.tar -C out; echo "status $?"
            cd out && find . -mindepth 1 | sort | tr '\n' ' '; echo; cat made/for/it; echo
            """#)
        #expect(run.stdout == """
            status 1
            ./made ./made/for ./made/for/it ./there ./there/file \("")
            abc

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == """
            bale: sub/deep/outside: hard link to a name outside the destination; not extracted
            bale: far/away/missing: cannot link to nowhere/target: No such file or directory; not extracted
            bale: m/n/absent: cannot link to there/absent: No such file or directory; not extracted

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `verify` judges a hard link as extraction does: one to a name no
    /// entry before it holds cannot be extracted (`unpack` exit 1), so
    /// neither is the archive "OK": each such link is named, exit 1. An
    /// archive whose target GNU tar deleted (`tar --delete`) was "OK (1
    /// entries)", exit 0 (a probe helper). Links to earlier entries, by
    /// any spelling extraction reads as theirs (`./a`), still pass. One to
    /// an earlier directory is named as that (it was "which no entry
    /// before it holds"); a GNU continuation entry ('M'), which `unpack`
    /// and GNU tar refuse, fails too (it was "OK").
    @Test func verifyNamesALinkToNothingBeforeIt() throws {
        let run = try Scratch().run(#"""
            mkdir d && echo hi > d/a && ln d/a d/h
            tar -cf deleted.tar -C d a h && tar --delete -f deleted.tar a && gzip deleted.tar
            tar -czf whole.tgz -C d ./a h
            python3 - <<'EOF'
            import tarfile, io
            with tarfile.open('later.tar', 'w', format=tarfile.GNU_FORMAT) as t:
                info = tarfile.TarInfo('early'); info.type = tarfile.LNKTYPE; info.linkname = 'late'; t.addfile(info)
                info = tarfile.TarInfo('late'); info.size = 3; t.addfile(info, io.BytesIO(b'abc'))
                info = tarfile.TarInfo('dir'); info.type = tarfile.DIRTYPE; t.addfile(info)
                info = tarfile.TarInfo('todir'); info.type = tarfile.LNKTYPE; info.linkname = 'dir'; t.addfile(info)
                info = tarfile.TarInfo('fine'); info.type = tarfile.LNKTYPE; info.linkname = './late'; t.addfile(info)
                info = tarfile.TarInfo('slash'); info.type = tarfile.LNKTYPE; info.linkname = 'late/'; t.addfile(info)
                info = tarfile.TarInfo('../up'); info.size = 1; t.addfile(info, io.BytesIO(b'u'))
                info = tarfile.TarInfo('toup'); info.type = tarfile.LNKTYPE; info.linkname = '../up'; t.addfile(info)
            with tarfile.open('cont.tar', 'w', format=tarfile.GNU_FORMAT) as t:
                info = tarfile.TarInfo('m'); info.type = b'M'; info.size = 3; t.addfile(info, io.BytesIO(b'abc'))
                info = tarfile.TarInfo('n'); info.size = 3; t.addfile(info, io.BytesIO(b'abc'))
            EOF
            for f in deleted.tar.gz whole.tgz later.tar cont.tar; do "$BALE" verify $f; echo "$f $?"; done
            mkdir x && "$BALE" unpack cont.tar -C x 2> /dev/null; echo "unpack $?"
            """#)
        #expect(run.stdout == """
            deleted.tar.gz 1
            whole.tgz: OK (2 entries)
            whole.tgz 0
            later.tar 1
            cont.tar 1
            unpack 1

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == """
            bale: h: a hard link to a, which no entry before it holds: it cannot be extracted
            bale: early: a hard link to late, which no entry before it holds: it cannot be extracted
            bale: todir: a hard link to dir, a directory: it cannot be linked
            bale: slash: a hard link to late/, which no entry before it holds: it cannot be extracted
            bale: toup: a hard link to ../up, which no entry before it holds: it cannot be extracted
            bale: m: cannot extract -- file is continued from another volume

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A hard link whose target has a ".." that stays inside (`sub/../f`)
    /// is refused for the ".." (as an entry's own name is), and said so;
    /// it was called "a name outside the destination". One that climbs
    /// out (`a/../../f`) still is that.
    @Test func aDotDotThatStaysInsideIsNamedAsOne() throws {
        let run = try Scratch().run(#"""
            python3 - <<'EOF'
            import tarfile, io
            with tarfile.open('h.tar', 'w') as t:
                info = tarfile.TarInfo('f'); info.size = 1; t.addfile(info, io.BytesIO(b'x'))
                for name, target in [('inside', 'sub/../f'), ('out', 'a/../../f')]:
                    info = tarfile.TarInfo(name); info.type = tarfile.LNKTYPE; info.linkname = target; t.addfile(info)
            EOF
            mkdir x && "$BALE" unpack h.tar -C x; echo "status $?"; ls x
            """#)
        #expect(run.stdout == "status 1\nf\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == """
            bale: inside: hard link to a name that contains '..'; not extracted
            bale: out: hard link to a name outside the destination; not extracted

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A hard link to the destination itself ("." or an empty target) is
    /// refused as that, not as a name "outside the destination"; an
    /// absolute target is named as it was looked for, below the
    /// destination (GNU tar: "Cannot hard link to ‘etc/passwd’"), not as
    /// the system's /etc/passwd.
    @Test func linksToTheDestinationOrAnAbsoluteNameAreNamedAsTheyAre() throws {
        let run = try Scratch().run(#"""
            python3 - <<'EOF'
            import tarfile
            with tarfile.open('h.tar', 'w') as t:
                for name, target in [('h1', '.'), ('h2', ''), ('h3', '/etc/passwd')]:
                    info = tarfile.TarInfo(name); info.type = tarfile.LNKTYPE; info.linkname = target; t.addfile(info)
            EOF
            mkdir out && "$BALE" unpack h.tar -C out; echo "status $?"; ls out | wc -l
            """#)
        #expect(run.stdout == "status 1\n0\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == """
            bale: h1: hard link to the destination directory itself; not extracted
            bale: h2: hard link to the destination directory itself; not extracted
            bale: Removing leading `/' from hard link targets
            bale: h3: cannot link to etc/passwd: No such file or directory; not extracted

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `unpack -v` lists a link it then refuses, as `tar -xv` lists a name
    /// before the error about it.
    @Test func aRefusedLinkIsStillListed() throws {
        let run = try Scratch().run(#"""
            mkdir -p s/a && touch s/real s/after && ln s/real s/a/link && tar -cf x.tar -C s real a after
            tar --delete -f x.tar real && mkdir o t
            "$BALE" unpack -v x.tar -C o 2> /dev/null; echo "status $?"
            tar -xvf x.tar -C t 2> /dev/null > tar.names; "$BALE" unpack -v x.tar -C o 2> /dev/null | diff tar.names - && echo "as tar -xv"
            """#)
        #expect(run.stdout == """
            a/
            a/link
            after
            status 1
            as tar -xv

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A hard link to its own name (`e` linking to `e`, `./f` to `f`)
    /// leaves what is there, as GNU tar does: bale removed it first, a
    /// directory `e` included, then failed ("cannot link to e: No such
    /// file or directory", exit 1), the archive's directory lost (found by
    /// a read-only probe of foreign archives). GNU tar judges the tree.
    @Test func aLinkToItsOwnNameLeavesWhatIsThere() throws {
        let run = try Scratch().run(#"""
            python3 -c "import tarfile
            z = tarfile.open('h.tgz', 'w:gz')
            d = tarfile.TarInfo('e'); d.type = tarfile.DIRTYPE; z.addfile(d)
            h = tarfile.TarInfo('e'); h.type = tarfile.LNKTYPE; h.linkname = 'e'; z.addfile(h)
            f = tarfile.TarInfo('f'); z.addfile(f)
            h = tarfile.TarInfo('./f'); h.type = tarfile.LNKTYPE; h.linkname = 'f'; z.addfile(h)
            z.close()"
            mkdir t b && tar -xzf h.tgz -C t; echo "tar: $?"
            "$BALE" unpack h.tgz -C b; echo "bale: $?"
            [ "$(cd t && find . -printf '%p %y\n' | sort)" = "$(cd b && find . -printf '%p %y\n' | sort)" ] && echo "the same tree"
            """#)
        #expect(run.stdout == "tar: 0\nbale: 0\nthe same tree\n", "\(run.stdout)\(run.stderr)")
    }

    /// A hard link to `f/` names a directory, which the file `f` is not:
    /// refused as linkat(2), GNU tar and bsdtar refuse it ("Not a
    /// directory"), the rest extracted. bale dropped the '/' and linked to
    /// `f`, exit 0: an archive that GNU tar fails was reported whole.
    @Test func aTargetEndingInASlashIsNotAFile() throws {
        let run = try Scratch().run(#"""
            python3 -c "import tarfile, io
            z = tarfile.open('h.tgz', 'w:gz')
            f = tarfile.TarInfo('f'); f.size = 3; z.addfile(f, io.BytesIO(b'abc'))
            h = tarfile.TarInfo('g'); h.type = tarfile.LNKTYPE; h.linkname = 'f/'; z.addfile(h)
            k = tarfile.TarInfo('k'); k.type = tarfile.LNKTYPE; k.linkname = 'f'; z.addfile(k)
            z.close()"
            mkdir t b && tar -xzf h.tgz -C t 2> /dev/null; echo "tar: $?"
            "$BALE" unpack h.tgz -C b; echo "bale: $?"
            [ "$(cd t && find . -printf '%p %y %n\n' | sort)" = "$(cd b && find . -printf '%p %y %n\n' | sort)" ] && echo "the same tree"
            """#)
        #expect(run.stdout == "tar: 2\nbale: 1\nthe same tree\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == "bale: g: cannot link to f/: Not a directory; not extracted\n", "\(run.stderr)")
    }

    /// `unpack -v` lists the `./` entry of an archive made with `tar -C dir
    /// .`, as `tar -xv` lists it (and `list` shows it): bale left it out,
    /// so `-v` and `list` gave different counts (a probe helper).
    @Test func theDestinationsOwnEntryIsListed() throws {
        let run = try Scratch().run(#"""
            mkdir -p src/sub o t && echo x > src/f && tar -czf a.tgz -C src .
            tar -xvzf a.tgz -C t > tar.names; "$BALE" unpack -v a.tgz -C o | diff tar.names - && echo "as tar -xv"
            head -1 tar.names
            """#)
        #expect(run.stdout == "as tar -xv\n./\n", "\(run.stdout)\(run.stderr)")
    }
}
