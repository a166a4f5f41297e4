/// Calls `body` with `bytes` as a NUL-terminated C string: file names are
/// bytes in bale (any bytes but '/' and NUL), and this is how they reach
/// the system calls.
func withCString<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
    (bytes + [0]).withUnsafeBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { body($0) }
    }
}
