/// Sends and receives frames on one file descriptor (one end of a pipe).
public struct FrameChannel: Sendable {
    /// The descriptor frames are read from or written to.
    public let fd: Int32

    public init(fd: Int32) { self.fd = fd }

    /// Writes `frame` and its payload, header and payload in one writev.
    public func send(_ frame: WireFrame, payload: UnsafeRawBufferPointer) throws(SystemError) {
        precondition(frame.payloadLength == payload.count)
        let header = frame.encodedHeader()
        try typedThrows(SystemError.self) {
            try header.withUnsafeBytes { try FileIO.write(fd, $0, payload) }
        }
    }

    /// Writes `frame` with `payload`.
    public func send(_ frame: WireFrame, payload: [UInt8]) throws(SystemError) {
        try typedThrows(SystemError.self) { try payload.withUnsafeBytes { try send(frame, payload: $0) } }
    }

    /// Reads the next frame. Returns nil at a clean end of input (between
    /// frames); a frame cut short or malformed is an error.
    public func receive() throws(WireError) -> (WireFrame, [UInt8])? {
        let header: [UInt8]
        do throws(SystemError) {
            header = try readBytes(count: WireFrame.headerLength) { (buffer) throws(SystemError) in
                try FileIO.read(fd, into: buffer, count: WireFrame.headerLength)
            }
        } catch { throw .io(error) }
        if header.isEmpty { return nil }
        let frame = try typedThrows(WireError.self) {
            try header.withUnsafeBytes { try WireFrame.decodeHeader($0) }
        }
        let payload: [UInt8]
        do throws(SystemError) {
            payload = try readBytes(count: frame.payloadLength) { (buffer) throws(SystemError) in
                try FileIO.read(fd, into: buffer, count: frame.payloadLength)
            }
        } catch { throw .io(error) }
        if payload.count < frame.payloadLength {
            throw .truncated(expected: frame.payloadLength, received: payload.count)
        }
        return (frame, payload)
    }
}
