import Foundation
import Testing

/// `bale unpack ARCHIVE PATH...` and `--wildcards PATTERN`, judged by GNU
/// tar 1.34 extracting the same names from the same archive (`tar -xzf
/// ARCHIVE -C DIR OPTIONS NAMES`): the trees (names, types, modes, link
/// targets, file times to the nanosecond, contents) and the exit
/// statuses, on an archive from GNU tar, one from bale without an index
/// and one with (read member by member); and what bale does better: a
/// hard link named without its target gets the target's content. Lying
/// indexes fall back to the stream: the right tree, nothing outside the
/// destination.
@Suite struct NamedUnpackTests {
    /// `check ARCHIVE OPTIONS... NAMES...`: both tars extract, then the
    /// trees are compared (`ExtractionOptionTests.helpers`).
    static let check = #"""
        check() { both "$@" > statuses; local said=$(cat statuses); local trees=$(same g b)
                  if [ "$trees" = same ] && [ "${said%% *}" = "gnu=${said##*bale=}" ]; then echo same
                  else echo "differs ($*): $said $trees"; cat bale.err; fi; }
        """#

    @Test(arguments: ["foreign.tgz", "plain.tgz", "indexed.tgz"])
    func namesAsGNUTar(archive: String) throws {
        let run = try Scratch().run("""
            \(ExtractionOptionTests.helpers)
            \(IndexForgery.helpers)
            \(Self.check)
            tree
            check \(archive) top/1one
            check \(archive) top/logs top/a/big                     # a directory with what is under it
            check \(archive) top/a/b/ top/sym                       # trailing slash; a symbolic link
            check \(archive) top/1one top/a/hard                    # a hard link with its target: a link
            check \(archive) --wildcards '*.log'
            check \(archive) --wildcards 'top/a/b/[cg]*' top/logs
            check \(archive) 'top/st*r'                             # wildcard characters, literally
            check \(archive) --strip-components 2 top/a/b top/logs
            check \(archive) --exclude '*.log' --exclude big --exclude hard top/a
            check \(archive) --no-same-owner --no-same-permissions top/a/b
            check \(archive) top/nope top/logs/x                    # not found: exit 2, the rest extracted
            prepare() { mkdir -p "$1/top/logs"; echo old > "$1/top/logs/x"; touch -d 2021-01-01 "$1/top/logs/x"; }
            check \(archive) -k top/logs                            # kept, as tar keeps it (exit 2)
            check \(archive) --skip-old-files top/logs
            """)
        #expect(run.stdout == String(repeating: "same\n", count: 13), "\(run.stdout)\(run.stderr)")
    }

    /// A hard link named alone gets its target's content however the names
    /// are given: a name whose entries an earlier name took (`z z/hl`,
    /// `z/hl z/hl`) is "Not found in archive" as in tar (exit 2), and the
    /// index serves the rest. Before, such a name sent bale to the stream,
    /// where the link's target was not extracted: "cannot link", exit 1.
    @Test func aNameGivenTwiceKeepsTheIndexedPath() throws {
        let run = try Scratch().run("""
            mkdir -p src/d src/z && echo one > src/d/s1 && ln src/d/s1 src/z/hl
            "$BALE" pack -q -C src d z -o a.tgz
            for names in "z" "z/hl z" "z z/hl" "z/hl z/hl"; do
                rm -rf o && mkdir o
                "$BALE" unpack a.tgz -C o $names 2> err; echo "$names: $? $(cat o/z/hl) $(cat err)"
            done
            """)
        #expect(run.stdout == """
            z: 0 one \("")
            z/hl z: 0 one \("")
            z z/hl: 2 one bale: z/hl: Not found in archive
            z/hl z/hl: 2 one bale: z/hl: Not found in archive

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A pattern matches a directory's name without its trailing slash, as
    /// GNU tar matches it: `d/*` takes what is in `d/`, not `d/` itself,
    /// which is then made as any directory with no entry (0777 less the
    /// umask, the time of extraction). bale took `d/` too: `-v` listed it,
    /// and `d` got the archive's 0700 and time. From GNU tar's archive and
    /// bale's (read through its index).
    @Test func aPatternDoesNotTakeTheDirectoryItNamesTheInsideOf() throws {
        let run = try Scratch().run("""
            mkdir -p src/d && echo f > src/d/f && chmod 700 src/d && touch -d 2001-01-01 src/d
            tar -C src -czf gnu.tgz d && "$BALE" pack -q -C src d -o bale.tgz
            for a in gnu.tgz bale.tgz; do
                rm -rf b t && mkdir b t
                (umask 022; "$BALE" unpack -v $a -C b --wildcards 'd/*'; tar -xzf $a -C t --wildcards 'd/*')
                echo "$a: $(stat -c %a b/d) $(stat -c %a t/d) $(find b/d -newer src/d -maxdepth 0 | wc -l)"
            done
            """)
        #expect(run.stdout == "d/f\ngnu.tgz: 755 755 1\nd/f\nbale.tgz: 755 755 1\n", "\(run.stdout)\(run.stderr)")
    }

    /// A name not found: GNU tar's words and exit status.
    @Test func notFoundAsGNUTar() throws {
        let run = try Scratch().run("""
            \(IndexForgery.helpers)
            tree
            for a in foreign.tgz indexed.tgz; do
                mkdir -p x; "$BALE" unpack $a -C x top/nope --wildcards 'zz*' top/1one; echo "exit $?"
            done
            tar -xzf indexed.tgz -C x top/nope --wildcards 'zz*' top/1one; echo "tar exit $?"
            """)
        #expect(run.stdout == "exit 2\nexit 2\ntar exit 2\n", "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n").map(String.init)
        let missing = ["top/nope: Not found in archive", "zz*: Not found in archive"]
        #expect(lines.filter { $0.hasPrefix("bale:") } == (missing + missing).map { "bale: " + $0 }, "\(run.stderr)")
        #expect(missing.allSatisfy { lines.contains("tar: " + $0) }, "\(run.stderr)")
    }

    /// A hard link named alone: GNU tar fails to link it (its target was
    /// not extracted); bale, with the index, extracts the target's content
    /// under the link's name (read from the target's own members), with
    /// the target's mode and time; without an index it does as tar does.
    @Test func hardLinkAloneGetsItsTargetsContent() throws {
        let run = try Scratch().run("""
            \(IndexForgery.helpers)
            tree
            mkdir i p g
            "$BALE" unpack indexed.tgz -C i top/a/hard; echo "indexed $?"
            [ "$(stat -c '%a %Y %h' i/top/a/hard)" = "$(stat -c '%a %Y' top/1one) 1" ] && echo "mode and time of its target"
            cat i/top/a/hard; ls i/top
            "$BALE" unpack plain.tgz -C p top/a/hard 2> /dev/null; echo "plain $?"
            tar -xzf indexed.tgz -C g top/a/hard 2> /dev/null; echo "tar $?"
            """)
        #expect(run.stdout == "indexed 0\nmode and time of its target\n4\na\nplain 1\ntar 2\n", "\(run.stdout)\(run.stderr)")
    }

    /// The same beside a name the archive lacks (a typo in a list of
    /// paths): the names the index has are still got through it, and only
    /// the lacked one is looked for in the stream ("Not found in archive",
    /// exit 2). Before, the whole selection went to the stream, where the
    /// link alone cannot be made: "cannot link to top/1one", exit 1, the
    /// link not extracted (a probe helper). `cat` alike.
    @Test func hardLinkAloneBesideAMissingNameGetsItsTargetsContent() throws {
        let run = try Scratch().run("""
            \(IndexForgery.helpers)
            tree
            mkdir i
            "$BALE" unpack indexed.tgz -C i top/a/hard top/logs/x top/nope 2> err; echo "unpack $?"
            cat i/top/a/hard i/top/logs/x; sed 's/^bale: //' err
            "$BALE" cat indexed.tgz top/a/hard top/nope 2> err; echo "cat $?"; sed 's/^bale: //' err
            """)
        #expect(run.stdout == """
            unpack 2
            4
            3
            top/nope: Not found in archive
            4
            cat 2
            top/nope: Not found in archive

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A hard link named alone whose target --strip-components leaves no
    /// component of (`d/L` linking to `T`, one component stripped) is
    /// named and not extracted, exit 1, through the index as through the
    /// stream (README, `--strip-components`); its target given a
    /// component more (`x/T`), it gets the content. Through the index it
    /// was extracted as `L` with `T`'s content, exit 0 (a probe helper).
    @Test func hardLinkAloneWhoseTargetIsStrippedAwayIsRefusedOnBothPaths() throws {
        let run = try Scratch().run("""
            mkdir -p src/d src/x && echo hello > src/T && ln src/T src/d/L && echo two > src/x/T && ln src/x/T src/d/M
            "$BALE" pack -q -C src T x d -o indexed.tgz
            "$BALE" pack -q --no-index -C src T x d -o plain.tgz
            for a in indexed plain; do
                rm -rf o && mkdir o
                "$BALE" unpack $a.tgz -C o --strip-components 1 d/L 2> err; echo "$a L $? $(ls o) $(sed 's/^bale: //' err)"
                "$BALE" unpack $a.tgz -C o --strip-components 1 d/M 2> /dev/null; echo "$a M $? $(ls o)"
            done
            """)
        #expect(run.stdout == """
            indexed L 1  L: cannot hard link to ‘T’: it has no more than 1 name components (--strip-components); not extracted
            indexed M 0 M
            plain L 1  L: cannot hard link to ‘T’: it has no more than 1 name components (--strip-components); not extracted
            plain M 1\u{20}

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A hard link named alone whose target is already in the destination
    /// is linked to it, as GNU tar and the stream path link it, through
    /// the index too: the index gave the archive's bytes, a file of its
    /// own (and under -k, with the link already in place, "File exists",
    /// exit 2, where tar says nothing). Under --keep-newer-files and
    /// --skip-old-files the link's own name is judged first, as tar judges
    /// it: a newer file there is kept, exit 0, where the stream path said
    /// "cannot link to t/a", exit 1 (a probe helper).
    @Test func hardLinkAloneIsJudgedByWhatIsInTheDestination() throws {
        let run = try Scratch().run("""
            mkdir -p src/t && echo target > src/t/a && ln src/t/a src/t/b
            "$BALE" pack -q -C src t -o indexed.tgz && "$BALE" pack -q --no-index -C src t -o plain.tgz
            for a in indexed plain; do
                rm -rf o && mkdir -p o/t && echo LOCAL > o/t/a
                "$BALE" unpack $a.tgz -C o t/b; echo "$a, target there: $? $(cat o/t/b) $(stat -c %h o/t/b)"
                "$BALE" unpack $a.tgz -C o -k t/b; echo "$a -k, linked already: $?"
                for keep in --keep-newer-files --skip-old-files; do
                    rm -rf o && mkdir -p o/t && echo LOCAL > o/t/b && touch -d 2030-01-01 o/t/b
                    "$BALE" unpack $a.tgz -C o $keep t/b 2> /dev/null; echo "$a $keep: $? $(cat o/t/b)"
                done
            done
            """)
        #expect(run.stdout == """
            indexed, target there: 0 LOCAL 2
            indexed -k, linked already: 0
            indexed --keep-newer-files: 0 LOCAL
            indexed --skip-old-files: 0 LOCAL
            plain, target there: 0 LOCAL 2
            plain -k, linked already: 0
            plain --keep-newer-files: 0 LOCAL
            plain --skip-old-files: 0 LOCAL

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Lying indexes (checksums right), one with a name turned into
    /// `../../evil`: the header at the offset says otherwise, so bale
    /// warns and reads the stream, holding the named entries to the index
    /// as `unpack` of the whole archive holds every entry
    /// (`IndexHeldExtraction`): a named entry the index describes
    /// otherwise is left out and said, exit 1 (`list` shows the index's
    /// view, and the stream's was extracted as a foreign archive's: a
    /// probe helper's stream made a file setuid, exit 2). The rest is GNU
    /// tar's tree; nothing is written outside the destination. An index
    /// that does not hold together (a size that moves every entry after
    /// it) is not used: the stream is extracted as tar extracts it, exit
    /// 2. (The cases: the lie, the names asked for, the exit statuses,
    /// what GNU tar's tree has that bale's lacks.)
    @Test(arguments: [["swap-names top/1one top/logs/x", "top/1one top/a", "gnu=0 bale=1", "< ./top/1one\n< ./top/a/hard\n"],
                      ["rename top/a/b/g ../../evil", "top/a/b ../../evil", "gnu=2 bale=1", "< ./top/a/b/g\n"],
                      ["rename top/1one ../../evil", "../../evil top/logs", "gnu=2 bale=2", ""],
                      ["size top/a/big 7", "top/a/big top/logs", "gnu=0 bale=2", ""],
                      ["rename top/logs/x top/elsewhere", "top/1one top/logs/x", "gnu=0 bale=1", "< ./top/logs\n< ./top/logs/x\n"],
                      // An entry the names take, renamed in the index, in a
                      // member the named path reads, just before the first
                      // entry taken or just after the last.
                      ["rename top/a/b/c.txt top/zz", "--wildcards 'top/a/b/*'", "gnu=0 bale=1", "< ./top/a/b/c.txt\n"],
                      ["rename top/a/b/g top/zz", "top/a/b", "gnu=0 bale=1", "< ./top/a/b/g\n"]])
    func lyingIndexFallsBackToTheStreamHeldToTheIndex(lie: [String]) throws {
        let run = try Scratch().run("""
            \(ExtractionOptionTests.helpers)
            \(IndexForgery.helpers)
            tree
            forge indexed.tgz \(lie[0])
            mkdir -p w/dest && cd w
            both ../indexed.tgz \(lie[1])
            diff <(cd g && find . | sort) <(cd b && find . | sort) | grep '^[<>]'
            ls; grep -c "index is not usable" bale.err
            grep -c "the archive was changed after it was made; not extracted" bale.err
            """)
        let refused = lie[3].isEmpty ? 0 : 1
        #expect(run.stdout == "\(lie[2])\n\(lie[3])b\nbale.err\ndest\ng\ngnu.err\n1\n\(refused)\n",
                "\(lie): \(run.stdout)\(run.stderr)")
    }

    /// Without names, unpack reads the stream, not by the index, but held
    /// to it (`IndexHeldExtraction`): the two entries whose names a lying
    /// index swapped are not extracted, exit 1 (GNU tar, which reads no
    /// index, extracts them). Before 2026-12-07 the index played no part.
    @Test func withoutNamesTheStreamIsReadAndHeldToTheIndex() throws {
        let run = try Scratch().run("""
            \(ExtractionOptionTests.helpers)
            \(IndexForgery.helpers)
            tree
            forge indexed.tgz swap-names top/1one top/logs/x
            both indexed.tgz; grep -c "the archive was changed after it was made; not extracted" bale.err
            """)
        #expect(run.stdout == "gnu=0 bale=1\n2\n", "\(run.stdout)\(run.stderr)")
    }
}
