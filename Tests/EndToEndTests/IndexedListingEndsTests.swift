import Testing

/// `bale list` from the index decodes only the entries of the first and
/// the last data members (the ones its check reads from the stream) and
/// prints every other line straight from the index's records; the entries
/// at the end are read again from a checkpoint of the first walk, every
/// 1024 records (`ArchiveIndexDecoder.Kept.atTheEnds`). On an archive of
/// several members and thousands of entries, the listing is still the
/// stream's, and a lie about any entry of the first or the last member,
/// up to the entries at their borders, is still caught (a warning, exit
/// 2, the listing from the stream), as it was with every entry decoded.
@Suite struct IndexedListingEndsTests {
    @Test(.enabled(if: Machine.has("python3"), "python3 makes the tree and forges the index"))
    func liesAtTheBordersOfTheEndMembersAreCaught() throws {
        let run = try Scratch().run(#"""
            python3 - <<'EOF'
            import os, random
            random.seed(19)
            for d in range(40):
                os.makedirs(f't/d{d:02}')
                for f in range(100):
                    open(f't/d{d:02}/f{f:03}', 'wb').write(random.randbytes(3000))
            EOF
            "$BALE" pack -q t -o good.tar.gz && "$BALE" pack -q --no-index t -o plain.tar.gz || exit 1
            "$BALE" list good.tar.gz > index; echo "good $?"
            "$BALE" list plain.tar.gz | cmp - index && echo "index = stream"
            python3 - <<'PY'
            \#(ArchiveIndexTests.forge)
            head, blob, end, offset = split(open('good.tar.gz', 'rb').read())
            d = decode(payload_of(blob), count_of(blob))
            starts, at = [], 0
            for e in d['entries']:
                at += e['step'] * 512; starts.append(at)
            lengths = [b for a, b in d['members']]
            first_end, last_start = lengths[0], sum(lengths[:-1])
            leading = sum(1 for s in starts if s < first_end)
            trailing = next(i for i, s in enumerate(starts) if s >= last_start)
            print(len(d['members']) >= 3, trailing > 2048, 0 < leading < trailing, file=open('shape', 'w'))
            def rename(i):
                def change(d): d['entries'][i]['name'] = d['entries'][i]['name'][:-1] + b'X'
                return change
            for name, i in [('first-member-last', leading - 1), ('last-member-first', trailing),
                            ('last-member-middle', (trailing + len(starts)) // 2), ('second', 1)]:
                rewrite('good.tar.gz', name + '.tar.gz', rename(i))
            PY
            cat shape
            for c in first-member-last last-member-first last-member-middle second; do
                "$BALE" list $c.tar.gz > out 2> err; echo "$c $?"
                cmp -s out index && grep -q "index is not usable" err && echo "warned, listed from the stream"
            done
            """#)
        #expect(run.stdout == """
            good 0
            index = stream
            True True True
            first-member-last 2
            warned, listed from the stream
            last-member-first 2
            warned, listed from the stream
            last-member-middle 2
            warned, listed from the stream
            second 2
            warned, listed from the stream

            """, "\(run.stdout)\(run.stderr)")
    }
}
