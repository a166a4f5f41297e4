// The `./` entry: the directory an archive was made in, and the one it is
// extracted into, held to GNU tar.
import Testing

@Suite struct DestinationEntryTests {
    /// `pack -C DIR .` stored no entry for DIR itself, so a backup of a
    /// 0750 directory kept neither its mode nor its owner, time or
    /// attributes, and its restore was 0755 (a probe helper). It is stored
    /// as `./`, as GNU tar stores it, and GNU tar gives it back; the names
    /// below it begin with `./`, as GNU tar's do.
    @Test(.enabled(if: Machine.isRoot, "needs root to give the directory another owner"))
    func packOfDotStoresTheDirectoryItself() throws {
        let run = try Scratch().run(#"""
            mkdir -p d/sub && echo x > d/f && chmod 750 d && chown 4321:4321 d && touch -d '2005-05-05 05:05:05' d
            "$BALE" pack -C d . -o b.tgz || exit 1
            tar -tvzf b.tgz | awk '{print $1, $2, ($6 == "./" ? $4 : "-"), $6}'
            mkdir restored && tar -xpzf b.tgz -C restored && stat -c '%a %u:%g %y' restored
            """#)
        #expect(run.stdout == """
            drwxr-x--- 4321/4321 2005-05-05 ./
            -rw-r--r-- root/root - ./f
            drwxr-xr-x root/root - ./sub/
            750 4321:4321 2005-05-05 05:05:05.000000000 +0000

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A `./` entry (bale's, GNU tar's) gives a destination this run made
    /// (`-C DIR`, DIR not there) its mode, owner, time, extended attributes
    /// and ACLs, as GNU tar gives them; one that was there (`-C` of a
    /// directory made before, the current directory) keeps its own: bale
    /// gave none to either.
    @Test(.enabled(if: Machine.isRoot, "needs root to give the directory another owner"))
    func theDotEntryGivesANewDestinationItsOwn() throws {
        let run = try Scratch().run(#"""
            mkdir -p d && echo x > d/f && chmod 750 d && chown 4321:4321 d && touch -d '2005-05-05 05:05:05' d
            setfattr -n user.k -v v d && setfacl -m u:1234:rx d
            "$BALE" pack -C d . -o bale.tgz && tar -C d --xattrs --acls -czf gnu.tgz . || exit 1
            for archive in bale gnu; do
                "$BALE" unpack $archive.tgz -C new-$archive/in; echo "status=$?"
                stat -c '%a %u:%g %y' new-$archive/in; getfattr --only-values -n user.k new-$archive/in; echo
                getfacl -p -n new-$archive/in | grep '^user:1234'
                mkdir -m 700 there && "$BALE" unpack $archive.tgz -C there && stat -c '%a %u:%g' there
                rm -rf there
            done
            """#)
        #expect(run.stdout == """
            status=0
            750 4321:4321 2005-05-05 05:05:05.000000000 +0000
            v
            user:1234:r-x
            700 0:0
            status=0
            750 4321:4321 2005-05-05 05:05:05.000000000 +0000
            v
            user:1234:r-x
            700 0:0

            """, "\(run.stdout)\(run.stderr)")
    }
}
