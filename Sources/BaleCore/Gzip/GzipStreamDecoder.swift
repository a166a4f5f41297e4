import CZlib

/// Decompresses any gzip stream in one pass with constant memory: single
/// or multi-member, from any tool, with any header fields.
///
/// This is the path for gzip that bale did not write (and for the part of
/// a file after the first member without bale's sizes): such members can
/// only be found by inflating them, so this runs in order, in the parent.
/// zlib checks each member's header, CRC-32 and length (windowBits 15+16);
/// this loop handles what lies between members, as GNU gzip does:
/// another member; zero bytes (padding, e.g. from a tape block), ignored;
/// anything else, "trailing garbage ignored", a warning.
///
/// Each member's header is also parsed here (`GzipHeader`, the same parser
/// the parallel path uses) to tell bale's data members and end members from
/// others, and every member, as decoded, goes to the `StreamEndCheck`: a
/// bale stream that stops before its end member is an error even though
/// zlib found every member whole.
public struct GzipStreamDecoder {
    /// How the stream ended.
    public enum Ending: Equatable, Sendable {
        /// After the last member, only the end of input (or zero padding).
        case clean
        /// Bytes that are not gzip followed the last member; they were ignored.
        case trailingGarbage
    }

    /// What gzip says of an input whose members are whole and followed by
    /// bytes that are not gzip (a warning, exit 2); every command says it.
    public static let trailingGarbageWarning = "decompression OK, trailing garbage ignored"

    /// Bytes read and written per step.
    static let bufferSize = 256 << 10

    /// Decodes the stream on `fd`, starting with `prefix` (bytes already
    /// read from it), writing the data to `sink`. `membersBefore` says how
    /// many members were already decoded before this point: an input with
    /// no member at all is not gzip, but a stream may end where the
    /// parallel decoder stopped. `check` holds what the parallel decoder
    /// saw of the stream it was reading, when it read part of it.
    public static func decode(
        fd: Int32, path: String, prefix: [UInt8] = [], startOffset: Int64 = 0, membersBefore: UInt64 = 0,
        check: StreamEndCheck = StreamEndCheck(), sink: any OutputSink
    ) throws(BaleError) -> Ending {
        var check = check
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .workerFailed("zlib inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }

        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer {
            input.deallocate()
            output.deallocate()
        }
        var pending = prefix[...]
        var start = 0, end = 0          // unconsumed input is input[start..<end]
        var consumed = startOffset      // input offset of input[start]
        var atEnd = false
        var members = membersBefore
        var inMember = false
        // The member being decoded: where it began, what its header says,
        // how much data it gave so far.
        var memberStart: Int64 = 0
        var memberHeader: GzipHeader?
        var memberData = 0

        /// Moves unconsumed bytes to the front and reads more; false at end of input.
        func refill() throws(BaleError) -> Bool {
            if start > 0 {
                if end > start { input.baseAddress!.copyMemory(from: input.baseAddress! + start, byteCount: end - start) }
                end -= start
                start = 0
            }
            if !pending.isEmpty {
                let take = min(pending.count, bufferSize - end)
                pending.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
                    (input.baseAddress! + end).copyMemory(from: source.baseAddress!, byteCount: take)
                }
                pending = pending.dropFirst(take)
                end += take
                return true
            }
            if atEnd { return false }
            let n: Int
            do { n = try retryingOnInterrupt("read") { read(fd, input.baseAddress! + end, bufferSize - end) } } catch {
                throw .readFailed(path: path, error)
            }
            if n == 0 { atEnd = true; return false }
            end += n
            return true
        }

        /// The header of the member starting at input[start], parsed in the
        /// buffer (refilled as needed): nil when it is longer than the
        /// buffer or malformed (zlib then judges it, as for any member).
        func parseHeader() throws(BaleError) -> GzipHeader? {
            while true {
                switch GzipHeader.parse(UnsafeRawBufferPointer(rebasing: input[start..<end])) {
                case .header(let header): return header
                case .invalid: return nil
                case .needMoreBytes:
                    guard end - start < bufferSize, try refill() else { return nil }
                }
            }
        }

        while true {
            if !inMember {
                // Between members: need two bytes to tell what comes next.
                while end - start < 2, try refill() {}
                if end == start {
                    if members == 0 { throw .corrupt(path: path, offset: nil, reason: "unexpected end of file") }
                    try check.endOfInput(at: consumed, path: path)
                    return .clean
                }
                if input[start] == 0x1f && end - start >= 2 && input[start + 1] == 0x8b {
                    inMember = true
                    inflateReset(&stream)
                    memberStart = consumed
                    memberData = 0
                    memberHeader = try parseHeader()
                } else if members == 0 {
                    throw .corrupt(path: path, offset: nil, reason: "not in gzip format")
                } else {
                    // After the last member: zero padding is fine, anything else is garbage.
                    // Either way, a bale stream that is still open was cut short.
                    try check.notAnEnd(at: consumed, what: "bytes that are not gzip", path: path)
                    repeat {
                        if (start..<end).contains(where: { input[$0] != 0 }) { return .trailingGarbage }
                        start = end
                    } while try refill()
                    return .clean
                }
            }
            if start == end, !(try refill()) { throw .truncated(path: path) }
            stream.next_in = (input.baseAddress! + start).assumingMemoryBound(to: Bytef.self)
            stream.avail_in = uInt(end - start)
            stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(bufferSize)
            let result = inflate(&stream, Z_NO_FLUSH)
            let used = (end - start) - Int(stream.avail_in)
            start += used
            consumed += Int64(used)
            let produced = bufferSize - Int(stream.avail_out)
            memberData += produced
            if produced > 0 { try sink.write(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
            switch result {
            case Z_STREAM_END:
                members += 1
                inMember = false
                let length = Int(consumed - memberStart)
                if let record = memberHeader?.endRecord, memberData == 0 {
                    try check.endMember(record, at: memberStart, path: path)
                } else {
                    try check.dataMember(promisesEnd: memberHeader?.recordedSizes?.promisesEnd ?? false,
                                         at: memberStart, length: length, dataLength: memberData,
                                         crc: UInt32(truncatingIfNeeded: stream.adler), path: path)
                }
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress possible: zlib needs more input.
                if !(try refill()) { throw .truncated(path: path) }
            case Z_DATA_ERROR:
                let reason = stream.msg.map { String(cString: $0) } ?? "invalid compressed data"
                throw .corrupt(path: path, offset: consumed, reason: reason)
            case Z_MEM_ERROR:
                throw .workerFailed("out of memory inflating \(path)")
            default:
                throw .corrupt(path: path, offset: consumed, reason: "zlib error \(result)")
            }
        }
    }
}
