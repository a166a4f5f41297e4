#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// A file's extended attributes (Linux xattrs: `user.*`, `security.*`
/// such as `security.capability` and `security.selinux`, `trusted.*`),
/// names and raw values, as a tar entry carries them in pax
/// `SCHILY.xattr.NAME` records; and the two system calls around them:
/// reading every attribute of a file, setting one on an open file.
///
/// A regular file's attributes are read on the descriptor its content is
/// read through (`read(fromOpenFile:)`). Other entries' are read through
/// an `O_PATH` descriptor, by the path
/// "/proc/self/fd/N", which the kernel resolves to the very inode the
/// descriptor holds: the file the walk examined, whatever its type (a
/// symbolic link itself, a directory without read permission, a device
/// that must not be opened), never a path a rename could redirect. (bale
/// needs /proc already: its workers are started from /proc/self/exe.)
/// They are set with `fsetxattr` on the descriptor the extractor wrote
/// through, or on an `O_PATH` one by the same /proc path.
public struct ExtendedAttributes: Equatable, Sendable {
    /// One attribute: its full name ("user.color") and its value, any bytes.
    public struct Attribute: Equatable, Sendable {
        public var name: [UInt8]
        public var value: [UInt8]

        public init(name: [UInt8], value: [UInt8]) {
            self.name = name
            self.value = value
        }

        /// The name as text, for messages.
        public var displayName: String { TerminalText.name(name) }
    }

    /// The attributes, in name order.
    public var attributes: [Attribute]

    public init(_ attributes: [Attribute] = []) {
        // Most entries have none: no sort (and its buffer) for them; every
        // `TarEntry` made, one per line of `list` from an index, makes one.
        self.attributes = attributes.count < 2 ? attributes
            : attributes.sorted { $0.name.lexicographicallyPrecedes($1.name) }
    }

    public var isEmpty: Bool { attributes.isEmpty }

    /// The kernel's limits (XATTR_NAME_MAX, XATTR_SIZE_MAX): an archive's
    /// attribute beyond them could never be set, and is refused on reading.
    public static let maximumNameLength = 255
    public static let maximumValueSize = 65536

    /// The attribute names that hold POSIX ACLs in the kernel's binary form.
    public static let accessACLName = Array("system.posix_acl_access".utf8)
    public static let defaultACLName = Array("system.posix_acl_default".utf8)

    /// The namespaces Linux knows; it refuses any other name with
    /// EOPNOTSUPP, which must not pass for a file system without attributes.
    static let namespaces = ["user.", "trusted.", "security.", "system."].map { Array($0.utf8) }

    /// Why an attribute from an archive cannot be set on any file, or nil
    /// when it can be tried: a name the kernel cannot hold (empty, with a
    /// NUL, longer than 255 bytes, outside Linux's namespaces) or a value too large.
    public static func problem(name: [UInt8], valueSize: Int) -> String? {
        if name.contains(0) || !namespaces.contains(where: { name.count > $0.count && name.starts(with: $0) }) {
            return "invalid name"
        }
        if name.count > maximumNameLength { return "name longer than \(maximumNameLength) bytes" }
        if valueSize > maximumValueSize { return "value larger than \(maximumValueSize) bytes" }
        return nil
    }

    /// `name` as GNU tar writes it in a `SCHILY.xattr.` keyword: '%' as
    /// %25 and '=' as %3D (a raw '=' would end the keyword: `user.a=b`
    /// came back as the attribute `user.a`, for every reader, bale too).
    public static func gnuEncoded(_ name: [UInt8]) -> [UInt8] {
        guard name.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "=") }) else { return name }
        var result: [UInt8] = []
        for byte in name {
            switch byte {
            case UInt8(ascii: "%"): result += Array("%25".utf8)
            case UInt8(ascii: "="): result += Array("%3D".utf8)
            default: result.append(byte)
            }
        }
        return result
    }

    /// A `SCHILY.xattr.` keyword's name as GNU tar reads it: %25 and %3D
    /// (upper case only) decoded, every other byte as it is.
    public static func gnuDecoded(_ recorded: [UInt8]) -> [UInt8] {
        guard recorded.contains(UInt8(ascii: "%")) else { return recorded }
        var result: [UInt8] = []
        var index = 0
        while index < recorded.count {
            if recorded[index] == UInt8(ascii: "%"), index + 2 < recorded.count {
                let code = (recorded[index + 1], recorded[index + 2])
                if code == (UInt8(ascii: "2"), UInt8(ascii: "5")) || code == (UInt8(ascii: "3"), UInt8(ascii: "D")) {
                    result.append(code.0 == UInt8(ascii: "2") ? UInt8(ascii: "%") : UInt8(ascii: "="))
                    index += 3
                    continue
                }
            }
            result.append(recorded[index])
            index += 1
        }
        return result
    }

    /// Every attribute of the file open on `fd` (an `O_PATH` descriptor
    /// will do: read by "/proc/self/fd/N"). A file system without
    /// attributes has none; an attribute removed while it is read is left
    /// out.
    public static func read(from fd: Int32) -> Result<ExtendedAttributes, SystemError> {
        let path = "/proc/self/fd/\(fd)"
        return read(list: { listxattr(path, $0, $1) }, get: { getxattr(path, $0, $1, $2) })
    }

    /// Every attribute of the file open for reading on `fd`, by flistxattr
    /// and fgetxattr on the descriptor itself: one system call per list or
    /// value, where an `O_PATH` descriptor read by its /proc path costs an
    /// open and two lookups in /proc (measured: about 10 µs a file, the
    /// cost of the whole walk again). `pack` reads a regular file's
    /// attributes this way, on the descriptor its content is read through.
    public static func read(fromOpenFile fd: Int32) -> Result<ExtendedAttributes, SystemError> {
        read(list: { flistxattr(fd, $0, $1) }, get: { fgetxattr(fd, $0, $1, $2) })
    }

    /// Every attribute `list` names and `get` gives (listxattr's and
    /// getxattr's contracts, on one file).
    private static func read(list: (UnsafeMutablePointer<CChar>?, Int) -> Int,
                             get: (UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int)
        -> Result<ExtendedAttributes, SystemError> {
        var names = [CChar]()
        // The list may grow between the two calls: try again, a few times.
        for _ in 0..<4 {
            let size = list(nil, 0)
            if size < 0 { return errno == ENOTSUP ? .success(ExtendedAttributes()) : .failure(.current("listxattr")) }
            if size == 0 { return .success(ExtendedAttributes()) }
            names = [CChar](repeating: 0, count: size)
            let got = names.withUnsafeMutableBufferPointer { list($0.baseAddress, size) }
            if got >= 0 { names.removeLast(size - got); break }
            if errno != ERANGE { return .failure(.current("listxattr")) }
            names = []
        }
        var found: [Attribute] = []
        for rawName in names.split(separator: 0) {
            let name = rawName.map { UInt8(bitPattern: $0) }
            var value: [UInt8]?
            for _ in 0..<4 {
                let size = withCString(name) { get($0, nil, 0) }
                if size < 0 { break }
                var bytes = [UInt8](repeating: 0, count: size)
                let got = withCString(name) { name in bytes.withUnsafeMutableBytes { get(name, $0.baseAddress, size) } }
                if got >= 0 { bytes.removeLast(size - got); value = bytes; break }
                if errno != ERANGE { break }
            }
            if let value {
                found.append(Attribute(name: name, value: value))
            } else if errno != ENODATA {
                return .failure(.current("getxattr \(TerminalText.name(name))"))
            }
        }
        return .success(ExtendedAttributes(found))
    }

    /// Sets `attribute` on the file open on `fd`; the error, if any.
    public static func set(_ attribute: Attribute, on fd: Int32) -> SystemError? {
        let result = attribute.value.withUnsafeBytes { value in
            withCString(attribute.name) { fsetxattr(fd, $0, value.baseAddress, value.count, 0) }
        }
        return result == 0 ? nil : .current("fsetxattr")
    }

    /// Sets `attribute` on the file an `O_PATH` descriptor holds (a
    /// symbolic link itself, which fsetxattr cannot take), through
    /// "/proc/self/fd/N"; the error, if any.
    public static func set(_ attribute: Attribute, onPathDescriptor fd: Int32) -> SystemError? {
        let result = attribute.value.withUnsafeBytes { value in
            withCString(attribute.name) { setxattr("/proc/self/fd/\(fd)", $0, value.baseAddress, value.count, 0) }
        }
        return result == 0 ? nil : .current("setxattr")
    }
}
