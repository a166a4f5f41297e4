import CIsal
#if canImport(Glibc)
import Glibc
#endif

/// Decompresses any gzip stream in one pass with constant memory: single
/// or multi-member, from any tool, with any header fields.
///
/// This is the path for gzip that bale did not write (and for the part of
/// a file after the first member without bale's sizes): such members can
/// only be found by inflating them, so this runs in order, in the parent.
/// Each member's header is parsed here (`GzipHeader`, the same parser the
/// parallel path uses) and its deflate data and trailer inflated by ISA-L
/// (`IsalMemberInflater`, about twice zlib's speed), without the CRC-32:
/// the CRC-32 and the length are checked against the trailer by a
/// `TrailerCheckingSink`, over the output as it is written. zlib (`ZlibMemberInflater`) stays the reference:
/// it reads a member whose header bale cannot parse, and judges again a
/// member ISA-L rejects when the file can be read again, so that damage is
/// reported in the words bale always used. This loop handles what lies
/// between members, as GNU gzip does: another member; zero bytes (padding,
/// e.g. from a tape block), ignored; anything else, "trailing garbage
/// ignored", a warning. With `copiesTrailingBytes` (`gzip -cdf`, zcat -f,
/// and `gzip -tf`), what follows the last member when it is not gzip is
/// copied to the output as it is, zeros too, as GNU gzip copies it.
///
/// The output is written by a `SinkWriterThread`: on two cores, inflating
/// (this thread) and checking the CRC-32, writing or extracting (that one)
/// overlap; and a file's input is read by a `StreamReadAhead`, so that
/// this thread's time goes to inflating alone. A small file is read,
/// checked and written from this thread.
/// Either way `decode` returns only once every member was checked.
///
/// Each header also tells bale's data members and end members from
/// others, and every member, as decoded, goes to the `StreamEndCheck`: a
/// bale stream that stops before its end member is an error even though
/// every member was whole.
public struct GzipStreamDecoder {
    /// How the stream ended.
    public enum Ending: Equatable, Sendable {
        /// After the last member, only the end of input.
        case clean
        /// After the last member, zero bytes only (a tape's or a block
        /// device's padding): as whole as `clean`, but GNU gzip's `-v`
        /// says it (`trailingZerosWarning`, exit 2), and so does bale's.
        case trailingZeros
        /// Bytes that are not gzip followed the last member; they were ignored.
        case trailingGarbage
    }

    /// What gzip says of an input whose members are whole and followed by
    /// bytes that are not gzip (a warning, exit 2); every command says it.
    public static let trailingGarbageWarning = "decompression OK, trailing garbage ignored"
    /// What gzip -v says of one whose members are followed by zero bytes
    /// only (without -v it says nothing, exit 0).
    public static let trailingZerosWarning = "decompression OK, trailing zero bytes ignored"

    /// The most data of one of bale's own members held until its CRC-32
    /// checks out (`TrailerCheckingSink`): bale's largest chunk
    /// (`--chunk-size`, 4 MiB by default); a member with more is passed on
    /// as it comes, as other tools' members are.
    static let heldMemberLimit = 32 << 20

    /// The most marks a buffer of output holds before it is handed over
    /// (see `marksHeld`): 16,384, ~1 MiB of marks.
    static let marksHeldAtMost = 16_384

    /// Members inflating to at most this many bytes are checked against
    /// their trailer on the inflating thread when their data is all at
    /// hand (see `unmarkedBegin` in `decode`).
    static let inlineCheckLimit = 4096

    /// True when `data` is what `trailer` records (CRC-32 and length).
    static func checks(_ data: UnsafeRawBufferPointer, against trailer: GzipTrailer) -> Bool {
        guard UInt32(truncatingIfNeeded: data.count) == trailer.length else { return false }
        guard let base = data.baseAddress, data.count > 0 else { return trailer.crc == 0 }
        return crc32_gzip_refl(0, base.assumingMemoryBound(to: UInt8.self), UInt64(data.count)) == trailer.crc
    }

    /// Bytes read per step.
    static let bufferSize = 256 << 10

    /// A file of up to this many compressed bytes is written without the
    /// output thread (the limit of `gunzip`'s inline path, `GzipCommand`).
    static let smallFileLimit: Int64 = 1 << 20

    /// Decodes the stream on `fd`, starting with `prefix` (bytes already
    /// read from it), writing the data to `sink`. `membersBefore` says how
    /// many members were already decoded before this point: an input with
    /// no member at all is not gzip, but a stream may end where the
    /// parallel decoder stopped. `check` holds what the parallel decoder
    /// saw of the stream it was reading, when it read part of it.
    /// `zlibOnly` inflates every member with zlib, the reference
    /// (`--codec zlib`). With `copiesTrailingBytes`, bytes that are not
    /// gzip after the last member are written to `sink` as they are (and
    /// the ending is `.clean`) rather than ignored with a warning.
    /// `stoppedAt` is told, however the decode ends, the input offset
    /// reading stopped at: `startOffset` and every byte taken since,
    /// `prefix` included (bytes that are not gzip after the last member
    /// only as far as they were read to tell); for a stream, its bytes
    /// read (`--json`'s `bytes_in`).
    public static func decode(
        fd: Int32, path: String, prefix: [UInt8] = [], startOffset: Int64 = 0, membersBefore: UInt64 = 0,
        check: StreamEndCheck = StreamEndCheck(), zlibOnly: Bool = false, copiesTrailingBytes: Bool = false,
        stoppedAt: (Int64) -> Void = { _ in }, sink: any OutputSink
    ) throws(BaleError) -> Ending {
        var check = check
        let isal = IsalMemberInflater()
        let zlib: ZlibMemberInflater
        do { zlib = try ZlibMemberInflater() } catch { throw .workerFailed("\(error)") }
        // The member's inflater: ISA-L once its header is parsed, zlib for a
        // header bale could not parse (zlib then judges it, as it always did)
        // and for every member with `zlibOnly`.
        var inflater: any MemberStreamInflater = isal
        // A damaged member is judged again by zlib where the input can be
        // read again, so that the message is zlib's, as it always was:
        // offsets in the stream map to offsets in the file from here.
        var info = stat()
        let fileBase = prefix.isEmpty && fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
            ? Int64(lseek(fd, 0, SEEK_CUR)) - startOffset : nil

        let ownInput = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { ownInput.deallocate() }
        // The unconsumed input is input[start..<end]: this buffer, or one
        // the read-ahead thread filled.
        var input = ownInput
        // Output goes to the sink on a thread of its own, as it is inflated;
        // a small file is written from here (`gunzip -r` inflates many small
        // files one after another: a thread each would cost more than it saves).
        let small = fileBase != nil && Int64(info.st_size) - (fileBase! + startOffset) <= smallFileLimit
        // A file's input is read ahead on a thread of its own
        // (`StreamReadAhead`), so that this thread only inflates. Not a
        // pipe's or a terminal's: a read there may wait for as long as the
        // other end likes, and a decoder that stops early (damaged data)
        // must not wait with it for the thread to end.
        let readAhead = fileBase != nil && !small
            ? StreamReadAhead(fd: fd, readSize: bufferSize, headroom: bufferSize) : nil
        // However the decode ends, the thread reads no more once it has.
        defer { readAhead?.stop() }
        let checking = TrailerCheckingSink(target: sink, path: path,
                                           rejudging: fileBase.map { .init(fd: fd, fileBase: $0) })
        let writer = small ? nil : SinkWriterThread(sink: checking)
        let ownBuffer = small ? UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16) : nil
        defer { ownBuffer?.deallocate() }
        var output = try writer?.emptyBuffer() ?? ownBuffer!
        var filled = 0
        var handedOver: Int64 = 0       // output bytes before output[0]

        /// Hands the output inflated so far to the sink; the last time,
        /// waits until all of it is written and every member checked.
        // A member ISA-L inflates is checked on the writing thread
        // (`TrailerCheckingSink`), between marks put before its data is
        // handed over. Its first mark waits here until then: a member
        // whose data is all still in `output` when it ends, and no larger
        // than `inlineCheckLimit`, is checked on this thread instead, with
        // no mark (ten million empty members made ten million marks, 1.6
        // GiB, as none of them brought the writing thread a byte to take
        // them off with: a probe). The CRC-32 of so few bytes costs this
        // thread nothing to speak of; larger members keep theirs off it.
        var unmarkedBegin: (position: Int64, holdLimit: Int)?
        // Where the data of the member zlib is inflating begins, until its
        // first byte is inflated (`TrailerCheckingSink.beginUncheckedMember`).
        var unmarkedZlibBegin: Int64?
        // How many marks wait for the bytes of `output`: past
        // `marksHeldAtMost`, `output` is handed over before it is full, so
        // that the writing thread takes them off. A stream of a million
        // one-byte members inflated by zlib (`gunzip -t`, which judges with
        // zlib) left a mark for each in a buffer of 4 MiB, ~50 bytes each:
        // 212 MiB (a probe helper).
        var marksHeld = 0
        /// Marks where the member zlib inflates begins, once its first
        /// bytes are inflated (`produced` of them by the last call).
        func markZlibBegin(produced: Int) {
            guard produced > 0, let begin = unmarkedZlibBegin else { return }
            checking.beginUncheckedMember(at: begin)
            unmarkedZlibBegin = nil
            marksHeld += 1
        }
        func markBegin() {
            guard let begin = unmarkedBegin else { return }
            checking.beginMember(at: begin.position, holdLimit: begin.holdLimit)
            unmarkedBegin = nil
            marksHeld += 1
        }
        func handOver(last: Bool, thenPause: Bool = false) throws(BaleError) {
            markBegin()
            // The bytes count as handed over before they are written: a
            // write that throws (a member before the damage failing its
            // check, mid-buffer) took what it could, and the last hand-over
            // after the error must not give the same bytes again. It did,
            // inline: the failed member's tail and the next member's head
            // were written after the error (`gunzip -c` of a small file
            // whose first of two members fails its CRC-32: a buffer's worth
            // of bytes past what gzip writes).
            let count = filled
            handedOver += Int64(count)
            filled = 0
            marksHeld = 0
            if let writer {
                writer.send(output, count: count, thenPause: thenPause)
                if last { try writer.finish() } else { output = try writer.emptyBuffer() }
            } else if count > 0 {
                try checking.write(UnsafeRawBufferPointer(rebasing: output[0..<count]))
            }
            if last { try checking.finish() }
        }
        var pending = prefix[...]
        var start = 0, end = 0          // unconsumed input is input[start..<end]
        var consumed = startOffset      // input offset of input[start]
        var taken = startOffset         // input offset of input[end]
        defer { stoppedAt(taken) }
        var atEnd = false
        var members = membersBefore
        var inMember = false
        // The member being decoded: where it began, what its header says,
        // how much data it gave so far.
        var memberStart: Int64 = 0
        var memberHeader: GzipHeader?
        var memberData = 0

        /// Moves unconsumed bytes to the front and reads more (or, reading
        /// ahead, takes the next buffer with them carried to its front);
        /// false at end of input.
        func refill() throws(BaleError) -> Bool {
            if let readAhead, pending.isEmpty {
                if atEnd { return false }
                // As the one buffer below, which never holds more than its size.
                guard end - start <= readAhead.headroom else { return false }
                let block: StreamReadAhead.Block?
                do { block = try readAhead.next(carrying: UnsafeRawBufferPointer(rebasing: input[start..<end])) } catch {
                    throw .readFailed(path: path, error)
                }
                guard let block else { atEnd = true; return false }
                taken += Int64(block.end - block.start - (end - start))
                input = block.buffer
                start = block.start
                end = block.end
                return true
            }
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
                taken += Int64(take)
                return true
            }
            if atEnd { return false }
            // From a pipe, a read that would wait (the writer paused): what
            // was inflated so far is handed over first, and the sink told,
            // so that every entry whose bytes came is on disk during the
            // wait, as GNU tar has it (it waited for 1 MiB of output).
            if fileBase == nil {
                var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&ready, 1, 0) == 0 { try handOver(last: false, thenPause: true) }
            }
            let n: Int
            do { n = try FileIO.readSome(fd, into: input.baseAddress! + end, count: bufferSize - end) } catch {
                throw .readFailed(path: path, error)
            }
            if n == 0 { atEnd = true; return false }
            end += n
            taken += Int64(n)
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

        /// The members, and what follows them, to the end of the input.
        func decodeMembers() throws(BaleError) -> Ending {
        while true {
            if !inMember {
                // Between members: need two bytes to tell what comes next.
                while end - start < 2, try refill() {}
                if end == start {
                    if members == 0 { throw .corrupt(path: path, offset: nil, reason: "unexpected end of file") }
                    try check.endOfInput(at: consumed, path: path)
                    return .clean
                }
                if end - start >= 2 && GzipHeader.beginsMember(input[start], input[start + 1]) {
                    // The old magic (1f 9e) read as today's, here only: the
                    // header parser and both inflaters then take the member
                    // as GNU gzip takes it (bale dropped it as trailing
                    // garbage and gunzip removed the input, its data lost).
                    input[start + 1] = 0x8b
                    inMember = true
                    memberStart = consumed
                    memberData = 0
                    memberHeader = try parseHeader()
                    inflater = memberHeader == nil || zlibOnly ? zlib : isal
                    inflater.beginMember()
                    unmarkedZlibBegin = inflater === zlib ? handedOver + Int64(filled) : nil
                    if inflater === isal {
                        // bale's own member (its sizes recorded) is held
                        // until its CRC-32 checks out (`TrailerCheckingSink`),
                        // whatever size it records: that may be what is wrong.
                        unmarkedBegin = (handedOver + Int64(filled),
                                         memberHeader?.recordedSizes == nil ? 0 : Self.heldMemberLimit)
                    }
                    if let memberHeader, !inflater.readsHeader {
                        start += memberHeader.length
                        consumed += Int64(memberHeader.length)
                    }
                } else if members == 0 {
                    throw .corrupt(path: path, offset: nil, reason: "not in gzip format")
                } else if end - start == 1 && input[start] != 0 && !copiesTrailingBytes {
                    // One byte left, not padding: taken as the next
                    // member's first and cut short after it, as gzip 1.12
                    // takes it (it reads a second magic byte and meets the
                    // end: "unexpected end of file", the input kept), not
                    // as trailing garbage, after which the input would be
                    // removed.
                    throw .truncated(path: path)
                } else if copiesTrailingBytes {
                    // zcat -f: the rest is plain data, copied as it is. A bale
                    // stream still open was cut short all the same.
                    try check.notAnEnd(at: consumed, what: "bytes that are not gzip", path: path)
                    repeat {
                        while start < end {
                            if filled == output.count { try handOver(last: false) }
                            let take = min(end - start, output.count - filled)
                            (output.baseAddress! + filled).copyMemory(from: input.baseAddress! + start, byteCount: take)
                            filled += take
                            start += take
                            consumed += Int64(take)
                        }
                    } while try refill()
                    return .clean
                } else {
                    // After the last member: zero padding is fine, anything else is garbage.
                    // Either way, a bale stream that is still open was cut short.
                    try check.notAnEnd(at: consumed, what: "bytes that are not gzip", path: path)
                    var padded = false
                    repeat {
                        if (start..<end).contains(where: { input[$0] != 0 }) { return .trailingGarbage }
                        padded = padded || start < end
                        start = end
                    } while try refill()
                    return padded ? .trailingZeros : .clean
                }
            }
            // An inflater may hold the last bytes it needs already (ISA-L
            // reads ahead): it is asked once more at the end of the input,
            // and the member is cut short only if it then does nothing.
            if start == end { _ = try refill() }
            if filled == output.count || marksHeld >= Self.marksHeldAtMost { try handOver(last: false) }
            let step: InflateStep
            do {
                step = try inflater.inflate(UnsafeRawBufferPointer(rebasing: input[start..<end]),
                                            into: UnsafeMutableRawBufferPointer(rebasing: output[filled...]))
            } catch {
                if inflater !== zlib, let fileBase,
                   let verdict = try zlibVerdict(fd: fd, path: path, memberStart: memberStart, fileBase: fileBase) {
                    throw verdict
                }
                // A member whose trailer fails holds its data whole: its
                // last bytes go on with the rest (`verify` named only the
                // entries before them as the member's: a probe helper).
                filled += error.produced
                memberData += error.produced
                // Marked as the data of a call that returns is: a member
                // whose one call fails its check (a small foreign .tar.gz,
                // inflated whole at once) left no mark, and `verify` named
                // only the last entry read as the damage's place.
                markZlibBegin(produced: error.produced)
                throw error.error(path: path, offset: consumed)
            }
            markZlibBegin(produced: step.produced)
            start += step.consumed
            consumed += Int64(step.consumed)
            filled += step.produced
            memberData += step.produced
            if step.memberEnded {
                members += 1
                inMember = false
                if inflater === isal {
                    let trailer = isal.trailer
                    if let begin = unmarkedBegin, memberData <= Self.inlineCheckLimit,
                       Self.checks(UnsafeRawBufferPointer(rebasing: output[Int(begin.position - handedOver)..<filled]),
                                   against: trailer) {
                        unmarkedBegin = nil
                    } else {
                        // Checked by the writing thread, in order: one that
                        // fails is reported after every byte before it.
                        markBegin()
                        checking.endMember(at: handedOver + Int64(filled), trailer: trailer, trailerEnd: consumed,
                                           memberStart: memberStart)
                        marksHeld += 1
                    }
                }
                let length = Int(consumed - memberStart)
                if let record = memberHeader?.endRecord, memberData == 0 {
                    try check.endMember(record, at: memberStart, path: path)
                } else if memberHeader?.carriesIndex == true, memberData == 0 {
                    check.indexMember(at: memberStart, path: path)
                } else {
                    // The promise counts only where the mark's sizes are
                    // the member's own: bale's writer never records others,
                    // so a mark that lies (damaged, or forged by another
                    // tool) is no mark, and its member is another gzip
                    // member (gzip -t says OK to it, so must bale).
                    let sizes = memberHeader?.recordedSizes
                    let promisesEnd = sizes.map {
                        $0.promisesEnd && $0.memberLength == length && $0.dataLength == memberData
                    } ?? false
                    try check.dataMember(promisesEnd: promisesEnd,
                                         at: memberStart, length: length, dataLength: memberData,
                                         crc: inflater.crc, path: path)
                }
            } else if step.consumed == 0 && step.produced == 0 && filled < output.count {
                // No progress possible: the inflater needs more input.
                if !(try refill()) { throw .truncated(path: path) }
            }
        }
        }

        let ending: Ending
        do {
            ending = try decodeMembers()
        } catch {
            // What was inflated before the damage is written, as it was
            // when one thread did both; a write that failed, or a member
            // before the damage that does not check out, comes first. But
            // a held member (bale's own) whose deflate data is damaged is
            // dropped: only one cut short is written as far as it goes.
            // One whose inflater read past the length its header records
            // and met the end of the input was not cut short: its deflate
            // data is damaged (a flipped bit had it take the members after
            // it as its own), and its wrong bytes were extracted into a
            // file, exit 1 but the file in place (a probe helper).
            let recordedLength = inMember ? memberHeader?.recordedSizes.map { Int64($0.memberLength) } : nil
            let pastItsLength = recordedLength.map { consumed - memberStart > $0 } ?? false
            if case .truncated = error, !pastItsLength {} else { checking.passesUnfinishedMember = false }
            try handOver(last: true)
            throw error
        }
        try handOver(last: true)
        return ending
    }

    /// zlib's verdict on a member ISA-L rejected, reading it again from
    /// the file (`fileBase` maps stream offsets to file offsets): the
    /// error zlib finds, with zlib's words and offset, or nil when zlib
    /// finds none (then ISA-L's words stand).
    static func zlibVerdict(fd: Int32, path: String, memberStart: Int64, fileBase: Int64) throws(BaleError) -> BaleError? {
        let zlib: ZlibMemberInflater
        do { zlib = try ZlibMemberInflater() } catch { return nil }
        zlib.beginMember()
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer {
            input.deallocate()
            output.deallocate()
        }
        var offset = memberStart
        var start = 0, end = 0
        while true {
            if start == end {
                let n: Int
                do { n = try FileIO.read(fd, into: input.baseAddress!, count: bufferSize, at: fileBase + offset) } catch {
                    throw .readFailed(path: path, error)
                }
                if n == 0 { return .truncated(path: path) }
                start = 0
                end = n
            }
            do {
                let step = try zlib.inflate(UnsafeRawBufferPointer(rebasing: input[start..<end]), into: output)
                start += step.consumed
                offset += Int64(step.consumed)
                if step.memberEnded { return nil }
            } catch {
                return error.error(path: path, offset: offset)
            }
        }
    }
}
