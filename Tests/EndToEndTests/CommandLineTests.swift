import Foundation
import Testing

/// bale parses the subcommand a command line names on its own, and gives
/// the whole tree of commands only what that cannot answer (Sources/bale:
/// `SubcommandFastPath`). Whichever way a line is parsed, the user sees
/// the same thing: the command runs with its options, and help, usage
/// errors and the completion script name `bale <command>`, as the tree
/// gives them.
@Suite struct CommandLineTests {
    /// Every subcommand: an unknown option is a usage error (exit 64) whose
    /// usage line names `bale <command>`; `--help` shows that command's
    /// usage; a valid line runs (checked by its output).
    @Test func eachSubcommandAnswersAsPartOfBale() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            printf 'hello\n' > a
            for c in gzip gunzip pack unpack cat list verify sum; do
                "$BALE" $c --no-such-option > out 2> err; s=$?
                grep -q "^Usage: bale $c " err && [ ! -s out ] && echo "$c: usage error names bale $c, status $s"
                "$BALE" $c --help > out 2> err; s=$?
                grep -q "^USAGE: bale $c " out && echo "$c: help names bale $c, status $s"
            done
            "$BALE" gzip -9 -c a | gzip -dc
            "$BALE" gzip --fast -k a && gzip -dc a.gz && rm a.gz
            "$BALE" sum a | sha256sum -c --quiet - && echo "sum agrees with sha256sum"
            "$BALE" gzip -p 0 a 2> err; echo "gzip -p 0: status $?"; grep -c '^Error: ' err
            """#)
        let commands = ["gzip", "gunzip", "pack", "unpack", "cat", "list", "verify", "sum"]
        let expected = commands.map { "\($0): usage error names bale \($0), status 64\n\($0): help names bale \($0), status 0\n" }.joined()
            + "hello\nhello\nsum agrees with sha256sum\ngzip -p 0: status 64\n1\n"
        #expect(run.stdout == expected, "\(run.stdout)\(run.stderr)")
    }

    /// Options only the tree answers still work after a subcommand's name:
    /// the completion script and `--version` at the top.
    @Test func theTreeAnswersWhatASubcommandCannot() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            "$BALE" gzip --generate-completion-script bash > out; echo "status $?"
            grep -q '^_bale()' out && grep -q '_bale_gzip' out && echo "the script completes bale and its gzip"
            "$BALE" --version | head -1 | grep -q '^bale ' && echo "version names bale"
            """#)
        #expect(run.stdout == """
            status 0
            the script completes bale and its gzip
            version names bale

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A level inside a cluster of flags is gzip's and gunzip's alone
    /// (`gzip -9c`); elsewhere `-9` is no option: `sum -c9` is a usage
    /// error (`-c` is a flag, as sha256sum's; `sum -c 9` checks `9`).
    @Test func levelClustersAreGzipsAlone() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            echo hi > a; sha256sum a > 9
            "$BALE" sum -c9 2> /dev/null; echo "sum -c9: status $?"
            "$BALE" sum -c 9; echo "sum -c 9: status $?"
            "$BALE" gzip -9c a | gzip -dc
            """#)
        #expect(run.stdout == """
            sum -c9: status 64
            a: OK
            sum -c 9: status 0
            hi

            """, "\(run.stdout)\(run.stderr)")
    }

    /// gzip reads `-S`'s value joined to it (`-S.z`), also at the end of a
    /// cluster of flags (`-kS.z`, `-dS.z`), and pigz `-p4`: each was a
    /// usage error (64, "Unknown option '-.'"), nothing done.
    @Test func joinedValuesAsGzipReadsThem() throws {
        let run = try Scratch().run(#"""
            echo a > s
            "$BALE" gzip -S.z s; echo "-S.z: $? $(ls)"
            "$BALE" gunzip -dS.z s.z; echo "-dS.z: $? $(ls)"
            "$BALE" gzip -kS.z s; echo "-kS.z: $? $(ls | tr '\n' ' ')"
            "$BALE" gzip -p1 -c s | gzip -dc
            "$BALE" gzip -kfo out.gz s && gzip -dc out.gz
            """#)
        #expect(run.stdout == """
            -S.z: 0 s.z
            -dS.z: 0 s
            -kS.z: 0 s s.z\u{20}
            a
            a

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A regular file on standard input is read in place, by offset, and
    /// its offset was left at 0: `gzip - - < f` compressed it twice and
    /// the next reader of the same input (`{ gzip > x.gz; cat; } < f`)
    /// read it all again. gzip leaves it at the end.
    @Test func standardInputIsConsumed() throws {
        let run = try Scratch().run(#"""
            seq 1 100000 > f
            for tool in gzip "$BALE gzip"; do
                echo "$($tool -c - - < f | gzip -dc | wc -l) $({ $tool -c > /dev/null; cat; } < f | wc -c)"
            done
            """#)
        #expect(run.stdout == "100000 0\n100000 0\n", "\(run.stdout)\(run.stderr)")
    }

    /// `--name=` with nothing after the '=' (a script's `--json-file=$LOG`
    /// with LOG unset) took the next argument as its value: `gzip -k
    /// --json-file= data.csv` wrote the run's summary over data.csv, and
    /// `pack --manifest= a logs` the manifest over a, both exit 0. A usage
    /// error now (64), with nothing read or written, told with the
    /// command's usage line as the parser's errors are (it showed the
    /// root's, `bale <subcommand>`).
    @Test func anEmptyOptionValueIsAUsageError() throws {
        let run = try Scratch().run(#"""
            seq 100 > data.csv && cp data.csv orig && mkdir logs && echo l > logs/x
            "$BALE" gzip -k --json-file= data.csv < /dev/null; echo "gzip: $?"
            "$BALE" pack -o l.tgz --manifest= data.csv logs; echo "pack: $?"
            echo x | "$BALE" gzip --suffix= data.csv > /dev/null 2> err; echo "suffix: $?"
            cmp data.csv orig && ls | tr '\n' ' ' && echo
            cat err
            """#)
        #expect(run.stdout == """
            gzip: 64
            pack: 64
            suffix: 64
            data.csv err logs orig 
            Error: --suffix= has an empty value; give one, or leave the option out
            Usage: bale gzip [<options>] [<files> ...]
              See 'bale gzip --help' for more information.

            """, "\(run.stdout)\(run.stderr)")
    }

    /// By default one worker per CPU bale may run on, as `nproc` counts
    /// them: under `taskset -c 0` (or a Slurm task bound to some cores)

    /// Help beside an unknown option is the usage error (64), nothing
    /// done, the option named as typed: argument-parser showed the help
    /// with exit 0, so `bale sum *` in a directory holding a file named
    /// `-dash` (-d -a -s -h) wrote the help into its manifest, exit 0
    /// (sha256sum and gzip stop at the unknown letter, exit 1). Help alone,
    /// or in a cluster of known options, or with a missing argument, is
    /// still help. `pack`'s `-h` is `--dereference`, as GNU tar's: its help
    /// is `--help` alone (it listed `-h` for both).
    @Test func helpBesideAnUnknownOptionIsAUsageError() throws {
        let run = try Scratch().run(#"""
            echo data > f && touch ./-dash
            "$BALE" sum * > manifest 2> err; echo "sum *: $? $(wc -c < manifest)"; head -1 err
            "$BALE" gzip --no-such -h f > out 2> err; echo "gzip --no-such -h: $? $(wc -c < out)"; head -1 err
            "$BALE" gzip -xh f > out 2> err; echo "gzip -xh: $?"; head -1 err
            "$BALE" -xh > out 2> err; echo "-xh: $?"; head -1 err
            ls
            "$BALE" gzip -kh f > out; s=$?; head -1 out; echo "gzip -kh: $s"
            "$BALE" unpack -h > out; s=$?; head -1 out; echo "unpack -h: $s"
            "$BALE" pack -h 2> err; echo "pack -h: $?"; head -1 err
            "$BALE" pack --help | grep -e '-h, --'
            """#)
        #expect(run.stdout == """
            sum *: 64 0
            Error: Unknown option '-dash'. Did you mean '--tag'?
            gzip --no-such -h: 64 0
            Error: Unknown option '--no-such'
            gzip -xh: 64
            Error: Unknown option '-xh'
            -xh: 64
            Error: Unknown option '-xh'
            -dash
            err
            f
            manifest
            out
            OVERVIEW: Compress files (or standard input) to gzip, in parallel.
            gzip -kh: 0
            OVERVIEW: Extract a .tar.gz, .tgz or .tar (from any tool), safely.
            unpack -h: 0
            pack -h: 64
            Error: give at least one path to pack (or -T FILE)
              -h, --dereference       Follow symbolic links; store what they point to.

            """, "\(run.stdout)\(run.stderr)")
    }
    /// it started one per online CPU of the machine.
    @Test(.enabled(if: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) > 1, "needs 2 CPUs or more: on one, taskset -c 0 changes nothing"))
    func workersFollowTheCPUAffinity() throws {
        let run = try Scratch().run(#"""
            head -c 30000000 /dev/urandom > big
            taskset -c 0 "$BALE" gzip -c big > /dev/null & pid=$!
            for _ in $(seq 1 1500); do [ -n "$(pgrep -P $pid)" ] && break; sleep 0.01; done; sleep 0.1
            echo "workers: $(pgrep -P $pid | wc -l) for $(taskset -c 0 nproc) CPU"
            wait $pid
            """#)
        #expect(run.stdout == "workers: 1 for 1 CPU\n", "\(run.stdout)\(run.stderr)")
    }

    /// Long runs of names reach argument-parser joined and come back whole
    /// (`JoinedArguments`: its cost was the square of their number, 2.4 s
    /// of CPU for 8,000 names). Each command takes every name given, in
    /// order, options among them, after `--`, and where its first argument
    /// is the archive (`unpack`, `cat`); sha256sum and tar judge.
    @Test func longRunsOfNamesAreTakenWhole() throws {
        let run = try Scratch().run(#"""
            mkdir d && cd d && for i in $(seq 1 300); do echo $i > f$i; done && echo x > ./-dash && cd ..
            names=$(cd d && ls f* | sort)
            (cd d && "$BALE" sum $names -- -dash) > bale.sum; (cd d && sha256sum $names -- -dash) > want.sum
            cmp bale.sum want.sum && echo "sum: every name, in order"
            (cd d && "$BALE" pack -q -o ../p.tgz $names) && [ "$(tar -tzf p.tgz)" = "$names" ] && echo "pack: every name"
            mkdir o && "$BALE" unpack -q -C o p.tgz $(echo "$names" | head -n 200) && [ "$(ls o | sort)" = "$(echo "$names" | head -n 200 | sort)" ] && echo "unpack: the 200 named"
            "$BALE" cat p.tgz $(echo "$names" | head -n 100) | cmp - <(cd d && cat $(echo "$names" | head -n 100)) && echo "cat: the 100 named"
            (cd d && "$BALE" gzip -k $(echo "$names" | head -n 150) -v 2> ../v) && [ $(grep -c created v) = 150 ] && echo "gzip: 150, with an option after them"
            """#)
        #expect(run.stdout == """
            sum: every name, in order
            pack: every name
            unpack: the 200 named
            cat: the 100 named
            gzip: 150, with an option after them

            """, "\(run.stdout)\(run.stderr)")
    }

    /// An option's value is the next argument whatever it begins with, as
    /// getopt takes it (`--exclude '-*'`, `-o -x`, `-S -gz`): argument-
    /// parser said the value was missing. Every option of every command
    /// that the parser describes as taking a value is tried with a value
    /// that begins with '-' (bale's `OptionValues` lists them: an option
    /// added and not listed fails here); then a few whose effect shows.
    @Test func everyValueMayBeginWithADash() throws {
        let run = try Scratch().run(#"""
            "$BALE" --experimental-dump-help | python3 -c '
            import json, sys
            def walk(command):
                for argument in command.get("arguments", []):
                    if argument["kind"] == "option":
                        for name in argument.get("names", []):
                            dash = "--" if name["kind"] == "long" else "-"
                            print(command["commandName"], dash + name["name"])
                for sub in command.get("subcommands", []): walk(sub)
            walk(json.load(sys.stdin)["command"])' > options
            [ $(wc -l < options) -gt 60 ] && echo "options listed"
            while read -r command option; do
                mkdir -p "t/$command$option" && cd "t/$command$option"
                "$BALE" $command $option -zz < /dev/null > /dev/null 2> err
                grep -E "Missing value|Unknown option|Unexpected argument" err | sed "s/^/$command $option: /"
                cd ../..
            done < options
            mkdir d && touch d/-a d/b && "$BALE" gzip -r -k --exclude '-*' d && ls d | tr '\n' ' '; echo
            printf hi | "$BALE" gzip -o -x && gzip -dc ./-x; echo
            "$BALE" gzip -k -S -gz d/b && ls d | tr '\n' ' '; echo
            "$BALE" pack -o -x.tar.gz --exclude -a d && "$BALE" list ./-x.tar.gz | awk '{print $6}' | tr '\n' ' '; echo
            "$BALE" sum --json-file - d/b 2>&1 | grep -c 'use --json'; [ -e ./- ] && echo "a file named -"
            # A value ending in '=' is no empty value once joined (--exclude=-a=).
            mkdir e && touch e/-a= e/x && "$BALE" gzip -r -k --exclude '-a=' e && echo "-a= excluded: $(ls e | tr '\n' ' ')"
            # -S=x is the suffix "=x", as gzip reads it.
            "$BALE" gzip -k -S=x e/x && "$BALE" gzip -kS= e/x && ls e/x=x e/x= | tr '\n' ' '; echo
            # At the end of a cluster of flags too, as getopt reads -kS -gz.
            "$BALE" gzip -kS -gq d/b && "$BALE" pack -vo -y.tgz d/b > /dev/null && ls d ./-y.tgz | tr '\n' ' '; echo
            """#)
        #expect(run.stdout == """
            options listed
            -a b b.gz \("")
            hi
            -a b b-gz b.gz \("")
            d/ d/b d/b-gz d/b.gz \("")
            1
            -a= excluded: -a= x x.gz \("")
            e/x= e/x=x \("")
            ./-y.tgz  d: -a b b-gq b-gz b.gz \("")

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A level belongs to the commands that compress (gzip, pack): elsewhere
    /// `-9` or `--fast` is named as typed (it was "Unknown option
    /// '--level'", the form bale rewrites it to), and `gunzip --codec isal`
    /// compresses nothing, so the default level 6 (none of isal's) is no
    /// error there.
    @Test func levelsBelongToTheCommandsThatCompress() throws {
        let run = try Scratch().run(#"""
            seq 1000 > f && gzip -k f
            "$BALE" sum -9 f 2>&1 | head -n 1; "$BALE" list --fast f.gz 2>&1 | head -n 1
            "$BALE" unpack --best f.gz 2>&1 | head -n 1
            "$BALE" gunzip --codec isal -c f.gz | cmp - f && echo "gunzip --codec isal"
            "$BALE" gzip -d --codec isal -c f.gz | cmp - f && echo "gzip -d --codec isal"
            "$BALE" gzip --codec isal -c f 2>&1 > /dev/null | head -n 1
            """#)
        #expect(run.stdout == """
            Error: Unknown option '-9'
            Error: Unknown option '--fast'
            Error: Unknown option '--best'
            gunzip --codec isal
            gzip -d --codec isal
            Error: the level must be 1 to 3 with --codec isal

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Long options abbreviated as getopt_long takes them, as GNU gzip,
    /// tar and sha256sum do (`--std`, `--dec`, `--kee`, `--rem`), and gzip's
    /// `-a`, which changes nothing on Unix: bale refused them, exit 64 (a
    /// probe helper). A prefix of several names stays a usage error; an
    /// option's value that looks like one (`-o --std`) stays the value.
    @Test func longOptionsAbbreviatedAsGetopt() throws {
        let run = try Scratch().run(#"""
            seq 1000 > a && cp a b && mkdir d && cp a d/f
            "$BALE" gzip --std a | gzip -dc | cmp - a && echo "--std"
            "$BALE" gzip --kee --verb a 2>&1 | cut -f 1; [ -e a ] && [ -e a.gz ] && echo "--kee"
            "$BALE" gzip --dec --to-std a.gz | cmp - a && echo "--dec --to-std"
            "$BALE" gzip -a -c a | gzip -dc | cmp - a && "$BALE" gzip --ascii -c a | gzip -dc | cmp - a && echo "-a"
            "$BALE" gzip -o --std b && gzip -dc < ./--std | cmp - b && echo "-o --std"
            "$BALE" pack -q --rem d -o d.tgz && [ ! -e d ] && tar -tzf d.tgz && echo "--rem"
            "$BALE" gzip --s a 2>&1 | head -n 1 | sed 's/[.] .*//'; echo "--s: ${PIPESTATUS[0]}"
            """#)
        #expect(run.stdout == """
            --std
            a:
            --kee
            --dec --to-std
            -a
            -o --std
            d/
            d/f
            --rem
            Error: Unknown option '--s'
            --s: 64

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A second -C is a usage error in pack and unpack: bale takes one
    /// directory for the whole run, and took the last -C for every path
    /// (`pack -C d1 one -C d2 two` stored d2/one, exit 0, where GNU tar's
    /// -C applies to the paths after it; a probe helper). One -C works.
    @Test func aSecondDirectoryIsRefused() throws {
        let run = try Scratch().run(#"""
            mkdir d1 d2 && echo 1 > d1/one && echo 2 > d2/one && echo 3 > d2/two
            "$BALE" pack -q -C d1 one -C d2 two -o x.tgz 2> /dev/null; echo "pack $?"; [ -e x.tgz ] || echo "no archive"
            "$BALE" pack -q -C d1 one -o y.tgz && tar -xzOf y.tgz one
            "$BALE" unpack y.tgz -C u1 -C u2 2> /dev/null; echo "unpack $?"; [ -e u1 ] || [ -e u2 ] || echo "nothing extracted"
            """#)
        #expect(run.stdout == "pack 64\nno archive\n1\nunpack 64\nnothing extracted\n", "\(run.stdout)\(run.stderr)")
    }

    /// `bale list -v`, typed from `tar -tvf`'s habit, was a usage error
    /// (exit 64) for a listing that is always tar -tv's (a reading
    /// helper); it lists as `bale list` does.
    @Test func listTakesTarsVerboseFlag() throws {
        let run = try Scratch().run(#"""
            mkdir d && echo 1 > d/one && "$BALE" pack -q d
            "$BALE" list d.tar.gz > plain; "$BALE" list -v d.tar.gz > short; echo "list -v: $?"
            "$BALE" list --verbose d.tar.gz > long; echo "list --verbose: $?"
            cmp plain short && cmp plain long && grep -c ' d/one$' plain
            """#)
        #expect(run.stdout == "list -v: 0\nlist --verbose: 0\n1\n", "\(run.stdout)\(run.stderr)")
    }
}
