/// Shell helpers for the tests of `bale cat` and named `bale unpack`
/// (CatTests, NamedUnpackTests): a tree with what names can pick (depth,
/// a hard link, a symbolic link, a name with wildcard characters), its
/// archives from GNU tar and from bale with and without an index, and
/// `forge ARCHIVE EDIT ARGS...`, which rewrites a bale archive's index
/// with one lie in it and its checksum made right (python3, from the
/// layout in Archive/ArchiveIndexLayout.swift), so that the index reads
/// as whole and only its claims are wrong:
///
/// - `swap-names A B`: the entries A and B trade names (A's offset now
///   points at another entry's header);
/// - `rename A NEW`: A is called NEW in the index;
/// - `size A N`: A is N bytes long in the index;
/// - `mode A OCTAL`: A has that mode in the index;
/// - `member-data K N`: member K's data is N bytes shorter and member
///   K+1's N bytes longer (the totals still add up);
/// - `drop-last`: the last entry is left out (the stream goes on past
///   the index's last entry);
/// - `drop N`: entry N (from 0, not the last) is left out, the next one's
///   header still where it is;
/// - `same`: rewritten with no lie (the forger's own check).
enum IndexForgery {
    static let helpers = #"""
        tree() {
            mkdir -p top/a/b top/logs 'top/st*r' && echo 1 > top/a/b/f.log && echo 2 > top/a/b/g && echo 3 > top/logs/x
            echo 4 > top/1one && ln top/1one top/a/hard && ln -s 1one top/sym && echo 5 > top/a/b/c.txt
            echo 6 > 'top/st*r/in' && head -c 300000 "$FIXTURES/mixed" > top/a/big && chmod 750 top/a/b
            touch -d '2020-02-02 02:02:02.123456789' top/1one top/a/b/* top/logs/x top/a/big
            tar --sort=name -czf foreign.tgz top && "$BALE" pack -q top -o indexed.tgz && "$BALE" pack -q --no-index top -o plain.tgz
        }
        cat > forge.py <<'PY'
        import sys, struct, zlib
        path, edit, args = sys.argv[1], sys.argv[2], sys.argv[3:]
        data = bytearray(open(path, 'rb').read())
        end = data[-66:]
        assert end[12:14] == b'BE', 'no end member'
        members, datalen, crc, streamlen, indexoff = struct.unpack('<QQIQQ', bytes(end[20:56]))
        start = len(data) - 66 - streamlen
        pos, blob = start + indexoff, b''
        while pos < len(data) - 66:
            xlen = struct.unpack('<H', data[pos+10:pos+12])[0]
            assert data[pos+12:pos+14] == b'BI', 'not an index member'
            n = struct.unpack('<H', data[pos+14:pos+16])[0]
            blob += bytes(data[pos+16:pos+16+n])
            pos += 12 + xlen + 10
        count = struct.unpack('<Q', blob[28:36])[0]
        payload, at = zlib.decompressobj(-15).decompress(blob[36:]), 0
        def varint():
            global at
            value, shift = 0, 0
            while True:
                b = payload[at]; at += 1
                value |= (b & 0x7f) << shift; shift += 7
                if b < 0x80: return value
        def string():
            global at
            n = varint(); s = payload[at:at+n]; at += n; return s
        entries, previous = [], b''
        for _ in range(count):
            e = {k: varint() for k in ('step', 'content', 'kind', 'flags', 'mode', 'size', 'sec', 'nsec', 'uid', 'gid')}
            if not e['flags'] & 2: e['user'], e['group'] = string(), string()
            shared = varint(); e['name'] = previous[:shared] + string(); previous = e['name']
            e['link'] = string()
            if e['kind'] in (5, 6): e['major'], e['minor'] = varint(), varint()
            entries.append(e)
        stream = varint()
        mem = [[varint(), varint()] for _ in range(varint())]
        rest = payload[at:]
        named = {e['name']: e for e in entries}
        if edit == 'swap-names':
            a, b = named[args[0].encode()], named[args[1].encode()]
            a['name'], b['name'] = b['name'], a['name']
        elif edit == 'rename': named[args[0].encode()]['name'] = args[1].encode()
        elif edit == 'size': named[args[0].encode()]['size'] = int(args[1])
        elif edit == 'mode': named[args[0].encode()]['mode'] = int(args[1], 8)
        elif edit == 'member-data':
            k, delta = int(args[0]), int(args[1])
            mem[k][1] -= delta; mem[k + 1][1] += delta
        elif edit == 'drop-last': entries.pop()
        elif edit == 'drop':
            gone = entries.pop(int(args[0])); entries[int(args[0])]['step'] += gone['step']
        elif edit != 'same': sys.exit('unknown edit ' + edit)
        out = bytearray()
        def put(v):
            while v >= 0x80: out.append(v & 0x7f | 0x80); v >>= 7
            out.append(v)
        def puts(s): put(len(s)); out.extend(s)
        for e in entries:
            for k in ('step', 'content', 'kind', 'flags', 'mode', 'size', 'sec', 'nsec', 'uid', 'gid'): put(e[k])
            if not e['flags'] & 2: puts(e['user']); puts(e['group'])
            put(0); puts(e['name']); puts(e['link'])
            if e['kind'] in (5, 6): put(e['major']); put(e['minor'])
        put(stream); put(len(mem))
        for c, d in mem: put(c); put(d)
        out.extend(rest)
        c = zlib.compressobj(6, zlib.DEFLATED, -15); body = c.compress(bytes(out)) + c.flush()
        blob = (b'BIX\x01\x08\x00\x00\x00' + struct.pack('<QQIQ', len(out), len(body), zlib.crc32(bytes(out)), len(entries))
                + body)
        index = b''
        for i in range(0, len(blob), 65531):
            piece = blob[i:i + 65531]
            index += (b'\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\x03' + struct.pack('<H', 4 + len(piece)) + b'BI'
                      + struct.pack('<H', len(piece)) + piece + b'\x03\x00' + b'\x00' * 8)
        end[20:56] = struct.pack('<QQIQQ', members, datalen, crc, indexoff + len(index), indexoff)
        open(path, 'wb').write(bytes(data[:start + indexoff]) + index + bytes(end))
        PY
        forge() { python3 forge.py "$@"; }
        # For each archive given, which holds src/A twice (the later copy
        # d/src/A's bytes): `cat` of src/A judged by `tar -xO`, a named
        # `unpack` by the later copy, each with its status and whether it
        # said the index is not usable.
        laterCopyOfA() {
            for f in "$@"; do
                "$BALE" cat $f src/A > got 2> err; status=$?
                said="$(grep -c 'index is not usable' err)$(grep -q 'changed after it was made; not extracted' err && echo ', held')"
                tar -xzOf $f src/A | cmp -s - got && echo "$f cat $status, as tar -xO, $said"
                cmp -s src/A got && echo "$f cat $status, the earlier copy alone, $said"
                rm -rf x && mkdir x && "$BALE" unpack $f src/A -C x 2> err; status=$?
                said="$(grep -c 'index is not usable' err)$(grep -q 'changed after it was made; not extracted' err && echo ', held')"
                cmp -s x/src/A d/src/A && echo "$f unpack $status, the later copy, $said"
                cmp -s x/src/A src/A && echo "$f unpack $status, the earlier copy, $said"
            done
        }
        """#
}
