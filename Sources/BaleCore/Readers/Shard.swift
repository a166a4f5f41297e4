/// One of N deterministic parts of a set of files (`--shard K/N`), so that
/// N machines or N batch tasks, each given a different K, together do every
/// file exactly once, with no coordination but the command line.
///
/// A file belongs to part `hash(key) mod N + 1`, where the hash is 64-bit
/// FNV-1a of the path's key, its bits mixed (`mixed`), and the key
/// (`key(of:)`) the name `pack` stores for the path, with each run of
/// slashes made one, so that `sum`, `gzip -r` and `pack` given the same
/// path take the same files in the same part, but for one thing: `pack`
/// puts a hard link in the part of the file's first name, so that the
/// parts unpacked into one tree make it a link again (`PackEntryFinder`;
/// a pack part's own `--manifest` lists what it holds). (The
/// key is relative to the command's arguments: run every part from the same
/// directory with the same arguments.) FNV-1a is fixed by its definition,
/// unlike Swift's `Hasher`, which is seeded per process: the same path
/// falls in the same part on every machine and every run.
public struct Shard: Equatable, Sendable, CustomStringConvertible {
    /// Which part, from 1.
    public var index: Int
    /// How many parts.
    public var count: Int

    public init?(index: Int, count: Int) {
        guard count >= 1, (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// Parses `K/N`, 1 ≤ K ≤ N, each written in decimal digits alone
    /// (`Int` would also take a sign: `+1/3` is no part a batch system
    /// numbers, most likely a mistyped variable, and is refused).
    public init?(_ text: String) {
        guard case .success(let shard) = Self.parsing(text) else { return nil }
        self = shard
    }

    /// `text` as `K/N`, or what is wrong with it, in words for a usage
    /// error (a batch script's mistyped variable gets its cause).
    public static func parsing(_ text: String) -> Result<Shard, Malformed> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } })
        else { return .failure(.notTwoNumbers) }
        // Digits alone that Int cannot hold: a number too large, not a malformed one.
        guard let index = Int(parts[0]), let count = Int(parts[1]) else { return .failure(.tooLarge) }
        guard count >= 1 else { return .failure(.noParts) }
        guard let shard = Shard(index: index, count: count) else { return .failure(.partOutside(index: index, count: count)) }
        return .success(shard)
    }

    /// Why a `--shard` value is no `K/N`.
    public enum Malformed: Error, CustomStringConvertible {
        case notTwoNumbers
        case tooLarge
        case noParts
        case partOutside(index: Int, count: Int)

        public var description: String {
            switch self {
            case .notTwoNumbers: "K/N is two numbers in decimal digits, part K of N parts (1 ≤ K ≤ N)"
            case .tooLarge: "K and N are at most \(Int.max)"
            case .noParts: "N, the number of parts, is at least 1"
            case .partOutside(let index, let count): "K, the part, is 1 to N (\(count)), not \(index)"
            }
        }
    }

    public var description: String { "\(index)/\(count)" }

    /// True when the file at `path` (any spelling of it: `key(of:)`)
    /// belongs to this part.
    public func takes(_ path: [UInt8]) -> Bool {
        Int(Self.mixed(Self.fnv1a(Self.key(of: path))) % UInt64(count)) == index - 1
    }

    /// `hash` with every bit of it in every bit of the result (MurmurHash3's
    /// 64-bit finalizer, fixed by its definition as FNV-1a is). FNV-1a's
    /// low bits depend only on the low bits of the bytes (its prime is
    /// odd: modulo 2 a hash is the parity of the bytes' lowest bits, modulo
    /// 4 of their lowest two), and the part is the hash modulo N: names
    /// that differ only in even digits (`f2`, `f4`, `f6`, `f8`) all fell in
    /// one part of 2.
    static func mixed(_ hash: UInt64) -> UInt64 {
        var value = hash
        value ^= value >> 33
        value = value &* 0xff51_afd7_ed55_8ccd
        value ^= value >> 33
        value = value &* 0xc4ce_b9fe_1a85_ec53
        value ^= value >> 33
        return value
    }

    /// What a path is hashed by: the name `pack` stores for it
    /// (`TarMemberName.of`: no leading `/`, nothing up to a `..`, no
    /// leading `./`), each run of slashes one, no trailing slash. One key
    /// for every spelling of a place, in every command: `sum --shard 1/2
    /// /srv/t` hashed `/srv/t/f` while `gzip -r` and `pack` hashed
    /// `srv/t/f`, so the parts of one batch job that both packed and
    /// summed a tree covered different files; `d//f`, `./d/f` and `d/f`
    /// were not one key everywhere either.
    public static func key(of path: [UInt8]) -> [UInt8] {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        // Most paths are already their key (relative, no "./", ".." or
        // "//"): checked in one pass, nothing copied.
        var plain = path.first != slash && path.first != dot && path.last != slash
        if plain {
            for index in path.indices.dropFirst() where path[index - 1] == slash
                && (path[index] == slash || path[index] == dot) {
                plain = false
                break
            }
        }
        if plain { return path }
        var key: [UInt8] = []
        key.reserveCapacity(path.count)
        for byte in TarMemberName.of(TarMemberName.withoutTrailingSlashes(path)).name
        where !(byte == slash && key.last == slash) {
            key.append(byte)
        }
        if key.count > 1 && key.last == slash { key.removeLast() }
        return key
    }

    /// 64-bit FNV-1a (Fowler, Noll, Vo).
    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
