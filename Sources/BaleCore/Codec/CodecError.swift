/// A failure inside a compression library or in compressed data.
public enum CodecError: Error, Equatable, CustomStringConvertible, Sendable {
    /// zlib returned an unexpected code from a call.
    case zlib(String, Int32)
    /// libdeflate could not do what was asked (allocation, output space).
    case libdeflate(String)
    /// ISA-L could not do what was asked.
    case isal(String)
    /// The codec has no such level.
    case unsupportedLevel(codec: String, level: Int32)
    /// The compressed data is damaged; the text says how.
    case corrupt(String)
    /// A worker could not do its work, whatever the data (an arena it
    /// cannot map).
    case worker(String)

    /// Whether the error is about the data (only `corrupt`): the others
    /// say nothing of it, and must not be reported as damage.
    public var isDamage: Bool {
        if case .corrupt = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .zlib(let call, let code): return "zlib \(call) failed (code \(code))"
        case .libdeflate(let reason): return "libdeflate: \(reason)"
        case .isal(let reason): return "isal: \(reason)"
        case .unsupportedLevel(let codec, let level): return "\(codec) has no compression level \(level)"
        case .corrupt(let reason), .worker(let reason): return reason
        }
    }
}
