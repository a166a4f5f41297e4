import Testing

/// `unpack` of bale's own archive, in a file, held to its index
/// (`IndexHeldExtraction`): `list` shows the index's view of a file, so an
/// entry the stream holds otherwise than the index records is not
/// extracted, named, exit 1; the others are. Before, `unpack` extracted
/// the stream's entries without a look at the index, exit 0: a probe
/// helper's archive, its middle member made again by another tool with
/// one header changed, listed `d/evil` as a plain file and unpacked it as
/// a setuid root file, or a symbolic link out of the tree. (The lies here
/// are told by the index, `IndexForgery`; the stream tells the truth:
/// the same disagreement, from the other side.)
@Suite struct IndexHeldExtractionTests {
    @Test(arguments: [
        ["mode top/1one 600", "top/1one: differs from the archive's index (mode 600 in the index, 644 in the stream)"],
        ["size top/1one 3", "top/1one: differs from the archive's index (size 3 in the index, 2 in the stream)"],
        ["rename top/logs/x top/elsewhere",
         "top/logs/x: differs from the archive's index (name 'top/elsewhere' in the index, 'top/logs/x' in the stream)"],
    ])
    func anEntryTheIndexRecordsOtherwiseIsNotExtracted(edit: [String]) throws {
        let run = try Scratch().run("""
            \(IndexForgery.helpers)
            tree
            forge indexed.tgz \(edit[0])
            mkdir x && "$BALE" unpack indexed.tgz -C x 2> err; echo "unpack $?"
            grep -c "the archive was changed after it was made; not extracted" err
            grep -F -c "\(edit[1])" err
            mkdir t && tar -xzf indexed.tgz -C t && diff -r t x | grep -c "^Only in t"
            """)
        // Left out: the entry, and with top/1one its hard link top/a/hard.
        let missing = edit[0].hasPrefix("rename") ? 1 : 2
        #expect(run.stdout == "unpack 1\n1\n1\n\(missing)\n", "\(edit): \(run.stdout)\(run.stderr)")
    }

    /// The same for the entries named on `unpack` and `cat`, which the
    /// named path takes from the stream once the index's word about a
    /// header fails: a named entry the index records otherwise is left
    /// out and named, exit 1; a named one that agrees is extracted. Taken
    /// from the stream as a foreign archive's, a probe helper's file
    /// whose mode the stream had made 4777 (the index left as bale wrote
    /// it) was extracted setuid, exit 2, where `unpack` of the whole
    /// archive left it out.
    @Test(arguments: ["mode top/1one 4777", "size top/1one 3", "rename top/1one top/elsewhere"])
    func aNamedEntryTheIndexRecordsOtherwiseIsNotExtracted(edit: String) throws {
        let run = try Scratch().run("""
            \(IndexForgery.helpers)
            tree
            forge indexed.tgz \(edit)
            mkdir x && "$BALE" unpack indexed.tgz -C x top/1one top/logs/x 2> err; echo "unpack $?"
            grep -c "^bale: top/1one: differs from the archive's index (.*): the archive was changed after it was made; not extracted$" err
            find x -type f | sort | paste -sd ' '
            "$BALE" cat indexed.tgz top/1one top/logs/x > out 2> err; echo "cat $? $(paste -sd ' ' out)"
            grep -c "^bale: top/1one: differs from the archive's index" err
            """)
        #expect(run.stdout == "unpack 1\n1\nx/top/logs/x\ncat 1 3\n1\n", "\(edit): \(run.stdout)\(run.stderr)")
    }

    /// An index that tells no lie (the forger's own check) changes nothing:
    /// the whole tree, exit 0, as tar extracts it.
    @Test func anHonestIndexExtractsEverything() throws {
        let run = try Scratch().run("""
            \(IndexForgery.helpers)
            tree
            forge indexed.tgz same
            mkdir x && "$BALE" unpack indexed.tgz -C x; echo "unpack $?"
            mkdir t && tar -xzf indexed.tgz -C t && diff -r t x && echo same
            """)
        #expect(run.stdout == "unpack 0\nsame\n", "\(run.stdout)\(run.stderr)")
    }
}
