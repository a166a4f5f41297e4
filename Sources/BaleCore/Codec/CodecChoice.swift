/// What `--codec` asks for: one library at its own levels, or `auto` (the
/// default), which compresses each of bale's levels with whichever library
/// and library level the level map names.
///
/// The map was chosen by measurement (README, "Choices behind the
/// figures", which has the table, the command and the commit): at each
/// level the codec and level whose output is at least as small as the tool
/// compared with (`igzip -1` at level 1, `libdeflate-gzip` at its own level
/// above) and that takes less time. At level 1 that is ISA-L's level 2:
/// as fast as its level 1 on real trees and 0.5–1.5% smaller, so smaller
/// than igzip -1 even with bale's 4 MiB members (ISA-L's level 1 in
/// members is 0.03% larger than igzip -1's one stream). ISA-L's level 3 is
/// both slower and larger than libdeflate's level 1, so from level 2 up
/// libdeflate compresses, at its own levels.
public enum CodecChoice: Sendable, Equatable, CustomStringConvertible {
    /// Each level's fastest library (`compression(level:)`).
    case automatic
    /// This library only, at its own levels.
    case only(Codec)

    /// Every choice, as `--codec` lists them.
    public static var allCases: [CodecChoice] { [.automatic] + Codec.allCases.map { .only($0) } }

    /// The name on the command line (`--codec`).
    public var description: String {
        switch self {
        case .automatic: return "auto"
        case .only(let codec): return codec.description
        }
    }

    /// The choice `--codec NAME` names, or nil.
    public init?(name: String) {
        guard let choice = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = choice
    }

    /// The levels this choice offers: bale's 1–12 with `auto`, else the library's.
    public var levels: ClosedRange<Int32> {
        switch self {
        case .automatic: return 1...12
        case .only(let codec): return codec.levels
        }
    }

    /// How chunks are compressed at bale's `level` (one of `levels`).
    public func compression(level: Int32) -> Compression {
        switch self {
        case .automatic: return Self.levelMap(level)
        case .only(let codec): return Compression(codec: codec, level: level)
        }
    }

    /// The codec the workers inflate bale's members with: libdeflate, but
    /// as `--codec` names it (`--codec isal`'s members are inflated by
    /// libdeflate too: `Codec.makeDecompressor`; `--codec zlib`'s by zlib).
    public var inflater: Codec {
        switch self {
        case .automatic: return .libdeflate
        case .only(let codec): return codec
        }
    }

    /// The level map behind `auto`: bale's level → library and level.
    static func levelMap(_ level: Int32) -> Compression {
        switch level {
        case 1: return Compression(codec: .isal, level: 2)
        default: return Compression(codec: .libdeflate, level: level)
        }
    }
}
