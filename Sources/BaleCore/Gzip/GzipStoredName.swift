#if canImport(Glibc)
import Glibc
#endif

/// The original name and time a gzip header may store (FNAME, MTIME: RFC
/// 1952 §2.3.1), for `gunzip -N`, which names its output and dates it by
/// them as GNU gunzip does.
///
/// Only the name's last component is used, as GNU gzip uses it: a header
/// is anyone's to write, and `../../etc/x` or `/tmp/x` must not place the
/// output outside the input's directory. A name with no usable last
/// component (empty, `.`, `..`) is no name; one longer than a file name
/// may be is cut to its first 255 bytes (`NAME_MAX`), as GNU gunzip cuts
/// it, with its warning ("warning, name truncated").
/// bale writes neither (its output is the same for the same input), so
/// its own files keep the name their suffix gives and the time of the .gz.
public struct GzipStoredName: Equatable, Sendable {
    /// The last component of the stored name; nil when there is none.
    public var baseName: [UInt8]?
    /// True when the stored name's last component was longer than a file
    /// name may be, and `baseName` is its first `NAME_MAX` bytes.
    public var wasTruncated = false
    /// The stored modification time in seconds since 1970; nil for 0,
    /// which RFC 1952 reserves for "no time stamp".
    public var modificationTime: Int64?
    /// True when the header stores a name that does not end within the
    /// `headerBytesRead` bytes read (no `baseName` then): said, not
    /// passed over (a 70,000-byte name left the output named by its
    /// suffix, undated, exit 0: a reading helper; GNU gzip -N refuses
    /// any name of over 1,024 bytes, "file name too large", exit 1).
    public var nameTooLong = false

    /// The header bytes read to find the name: a name longer than this is
    /// no file name (GNU gzip -N refuses one of more than 1,024 bytes:
    /// "corrupted input -- file name too large"; bale cuts one of more
    /// than 255 to that, with gunzip's warning, `wasTruncated`).
    public static let headerBytesRead = 64 << 10

    /// What the header at byte `offset` of the file open on `fd` stores;
    /// nil when it cannot be read or is no whole header (the decompression
    /// then says what is wrong with it).
    public static func read(fd: Int32, at offset: Int64 = 0) -> GzipStoredName? {
        guard let head = try? FileIO.bytes(fd, upTo: headerBytesRead, at: offset) else { return nil }
        if let stored = head.withUnsafeBytes({ read(from: $0) }) { return stored }
        // A header that goes on past the bytes read: a name that does not
        // end within them, or a comment after a name that does.
        guard head.count == headerBytesRead,
              case .fields(let flags, _, let nameStart) = head.withUnsafeBytes({ GzipHeader.fixedPart($0) }),
              flags & GzipHeader.flagName != 0, nameStart < head.count else { return nil }
        let seconds = Int64(head.withUnsafeBytes { GzipMember.loadLittleEndian32($0, at: 4) })
        if let end = head[nameStart...].firstIndex(of: 0) {
            return stored(name: head[nameStart..<end], seconds: seconds)
        }
        return GzipStoredName(baseName: nil, modificationTime: seconds == 0 ? nil : seconds, nameTooLong: true)
    }

    /// What the header at the start of `bytes` stores; nil when the bytes
    /// hold no whole header.
    public static func read(from bytes: UnsafeRawBufferPointer) -> GzipStoredName? {
        guard case .header(let header) = GzipHeader.parse(bytes) else { return nil }
        let seconds = Int64(GzipMember.loadLittleEndian32(bytes, at: 4))
        guard let range = header.nameRange else {
            return GzipStoredName(baseName: nil, modificationTime: seconds == 0 ? nil : seconds)
        }
        return stored(name: ArraySlice(bytes[range]), seconds: seconds)
    }

    /// What the stored name `name` (without its NUL) and time give.
    private static func stored(name: ArraySlice<UInt8>, seconds: Int64) -> GzipStoredName {
        let last = name.lastIndex(of: UInt8(ascii: "/")).map { name[($0 + 1)...] } ?? name[...]
        var component = Array(last)
        var truncated = false
        if component.count > Int(NAME_MAX) {
            component.removeLast(component.count - Int(NAME_MAX))
            truncated = true
        }
        let unusable = component.isEmpty || component == Array(".".utf8) || component == Array("..".utf8)
        let baseName = unusable ? nil : component
        return GzipStoredName(baseName: baseName, wasTruncated: truncated && baseName != nil,
                              modificationTime: seconds == 0 ? nil : seconds)
    }
}
