/// A failure inside the compression library or in compressed data.
public enum CodecError: Error, Equatable, CustomStringConvertible, Sendable {
    /// zlib returned an unexpected code from a call.
    case zlib(String, Int32)
    /// The compressed data is damaged; the text says how.
    case corrupt(String)

    public var description: String {
        switch self {
        case .zlib(let call, let code): return "zlib \(call) failed (code \(code))"
        case .corrupt(let reason): return reason
        }
    }
}
