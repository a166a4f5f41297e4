import Foundation
import Testing

/// `make install-files PREFIX=…` (what `make install` runs after its release
/// build) puts the binary, the man page and the completions where `man`
/// and the shells find them; the man page names every command and option.
@Suite struct InstallTests {
    @Test func installsTheManPageAndCompletions() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            repo=$(cd "$(dirname "$BALE")/../../.." && pwd)
            make -s -C "$repo" install-files PREFIX="$PWD/prefix" BIN="$BALE" > /dev/null || echo "install failed"
            prefix/bin/bale --version > /dev/null 2>&1 || prefix/bin/bale --help > /dev/null && echo "binary installed"
            MANPATH="$PWD/prefix/share/man" man -P cat bale > page 2> man-errors
            grep -q "bale gzip" page && echo "man shows the page"
            [ -s man-errors ] && cat man-errors >&2
            bash -c 'source prefix/share/bash-completion/completions/bale; complete -p bale'
            [ -s prefix/share/zsh/site-functions/_bale ] && [ -s prefix/share/fish/vendor_completions.d/bale.fish ] && echo "zsh and fish completions"
            for command in gzip gunzip pack unpack cat list verify sum exit-codes; do
                "$BALE" $command --help | grep -o -- '--[a-z][a-z-]*' | sort -u | while read -r option; do
                    grep -qF -- "-${option#--}" "$repo/docs/bale.1" || echo "docs/bale.1 lacks $command $option: run make man"
                done
                grep -q "^\.It Em $command$" "$repo/docs/bale.1" || echo "docs/bale.1 lacks $command: run make man"
            done
            """#)
        #expect(run.stdout == """
            binary installed
            man shows the page
            complete -o filenames -F _bale bale
            zsh and fish completions

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
    }
}
