#if canImport(Glibc)
import Glibc
#endif

/// User and group names by id, for the headers of `pack`, each looked up
/// once (a tree of 100,000 files has a handful of owners).
struct OwnerNames {
    private var users: [uid_t: [UInt8]] = [:]
    private var groups: [gid_t: [UInt8]] = [:]

    /// The name of user `id`; empty if it has none.
    mutating func user(_ id: uid_t) -> [UInt8] {
        if let name = users[id] { return name }
        var record = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let name: [UInt8] = getpwuid_r(id, &record, &buffer, buffer.count, &found) == 0 && found != nil
            ? Array(String(cString: record.pw_name).utf8) : []
        users[id] = name
        return name
    }

    /// The name of group `id`; empty if it has none.
    mutating func group(_ id: gid_t) -> [UInt8] {
        if let name = groups[id] { return name }
        var record = Glibc.group()
        var found: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let name: [UInt8] = getgrgid_r(id, &record, &buffer, buffer.count, &found) == 0 && found != nil
            ? Array(String(cString: record.gr_name).utf8) : []
        groups[id] = name
        return name
    }
}
