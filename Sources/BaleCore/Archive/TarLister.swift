#if canImport(Glibc)
import Glibc
#endif

/// Prints each entry of a tar stream as `tar -tv` does:
/// `-rw-r--r-- user/group  size 2026-11-25 15:06 name`.
public struct TarLister: TarReader.Handler {
    /// Receives each line.
    public var print: (String) -> Void

    public init(print: @escaping (String) -> Void) { self.print = print }

    public mutating func begin(_ entry: TarEntry) throws(BaleError) {
        let type: Character
        switch entry.kind {
        case .file: type = "-"
        case .directory: type = "d"
        case .symbolicLink: type = "l"
        case .hardLink: type = "h"
        case .fifo: type = "p"
        case .characterDevice: type = "c"
        case .blockDevice: type = "b"
        }
        var permissions = ""
        let bits = entry.mode
        for (index, letter) in ["r", "w", "x", "r", "w", "x", "r", "w", "x"].enumerated() {
            permissions += bits & (0o400 >> UInt32(index)) != 0 ? letter : "-"
        }
        let owner = (entry.userName.isEmpty ? String(entry.userID) : String(decoding: entry.userName, as: UTF8.self))
            + "/" + (entry.groupName.isEmpty ? String(entry.groupID) : String(decoding: entry.groupName, as: UTF8.self))
        var time = time_t(entry.modificationSeconds)
        var parts = tm()
        localtime_r(&time, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M", &parts)
        let when = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let size = String(entry.size)
        var line = "\(type)\(permissions) \(owner) \(String(repeating: " ", count: max(0, 8 - size.count)))\(size) \(when) \(entry.displayName)"
        if entry.kind == .symbolicLink { line += " -> " + String(decoding: entry.linkTarget, as: UTF8.self) }
        if entry.kind == .hardLink { line += " link to " + String(decoding: entry.linkTarget, as: UTF8.self) }
        print(line)
    }

    public mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {}
    public mutating func end() throws(BaleError) {}
}
