/// The index of a .tar.gz that bale wrote: every entry's facts and where
/// its header lies, and every data member's place in the file, so that
/// `list` needs no decompression and `cat` or a named `unpack` inflate
/// only the members that hold what they want.
///
/// The index travels inside the archive, after the last data member and
/// before the end member, in the extra fields of empty gzip members
/// (`GzipIndexMember`), compressed and checksummed (`ArchiveIndexLayout`);
/// the end member's `indexOffset` points at it, so a reader finds it from
/// the file's tail (`ArchiveIndexReader`), as zip's central directory is
/// found. Every other gzip reader skips those members: decompressed, the
/// archive is exactly its tar stream.
///
/// An index is a claim, not a fact: the reader checks it for consistency
/// (every offset inside the file and inside its member, headers in
/// increasing order, members contiguous, totals equal to the end
/// member's), and whoever uses an entry checks the tar header found at its
/// position against it (`Entry.disagreement(with:)`) before trusting it.
public struct ArchiveIndex: Equatable, Sendable {
    /// One data member of the archive: a gzip member holding one piece of
    /// the tar stream.
    public struct Member: Equatable, Sendable {
        /// Where the member begins in the archive file (an indexed
        /// archive's stream begins at the file's first byte).
        public var offset: UInt64
        /// Its compressed bytes, gzip header to trailer.
        public var length: UInt64
        /// Where its data begins in the tar stream.
        public var dataStart: UInt64
        /// Its data's bytes.
        public var dataLength: UInt64

        public init(offset: UInt64, length: UInt64, dataStart: UInt64, dataLength: UInt64) {
            self.offset = offset
            self.length = length
            self.dataStart = dataStart
            self.dataLength = dataLength
        }
    }

    /// One entry of the archive, with what `bale list -v` shows of it and
    /// where it lies.
    public struct Entry: Equatable, Sendable {
        /// The name as the reader gives it (a pax `path`, a sparse file's
        /// real name), bytes as stored.
        public var name: [UInt8]
        public var kind: TarEntry.Kind
        /// A regular file's size (a sparse file's real size); 0 for others.
        public var size: UInt64
        /// Permission bits with setuid, setgid and sticky (mode & 0o7777).
        public var mode: UInt32
        public var modificationSeconds: Int64
        public var modificationNanoseconds: Int32
        public var userID: UInt32
        public var groupID: UInt32
        /// User and group names; empty when the archive holds ids only.
        public var userName: [UInt8]
        public var groupName: [UInt8]
        /// A symbolic or hard link's target; empty for others.
        public var linkTarget: [UInt8]
        /// A character or block device's numbers; 0 for others.
        public var deviceMajor: UInt32
        public var deviceMinor: UInt32
        /// True for a file stored as a GNU sparse file (pax 1.0): its data
        /// in the stream is a map and the data regions, not `size` bytes.
        public var isSparse: Bool
        /// Where the entry's first header block lies in the tar stream (a
        /// pax header when it has one; always a multiple of 512).
        public var headerStreamOffset: UInt64
        /// Where its stored data begins in the tar stream (after its last
        /// header block).
        public var contentStreamOffset: UInt64
        /// The member holding the first header block (an index into
        /// `ArchiveIndex.members`), and the block's offset in that
        /// member's data.
        public var headerMember: Int
        public var headerOffset: UInt64
        /// The SHA-256 of a regular file's content (archives packed with
        /// `--manifest`); nil otherwise.
        public var sha256: [UInt8]?

        public init(name: [UInt8], kind: TarEntry.Kind, size: UInt64 = 0, mode: UInt32, modificationSeconds: Int64,
                    modificationNanoseconds: Int32 = 0, userID: UInt32 = 0, groupID: UInt32 = 0,
                    userName: [UInt8] = [], groupName: [UInt8] = [], linkTarget: [UInt8] = [],
                    deviceMajor: UInt32 = 0, deviceMinor: UInt32 = 0, isSparse: Bool = false,
                    headerStreamOffset: UInt64 = 0, contentStreamOffset: UInt64 = 0,
                    headerMember: Int = 0, headerOffset: UInt64 = 0, sha256: [UInt8]? = nil) {
            self.name = name
            self.kind = kind
            self.size = size
            self.mode = mode
            self.modificationSeconds = modificationSeconds
            self.modificationNanoseconds = modificationNanoseconds
            self.userID = userID
            self.groupID = groupID
            self.userName = userName
            self.groupName = groupName
            self.linkTarget = linkTarget
            self.deviceMajor = deviceMajor
            self.deviceMinor = deviceMinor
            self.isSparse = isSparse
            self.headerStreamOffset = headerStreamOffset
            self.contentStreamOffset = contentStreamOffset
            self.headerMember = headerMember
            self.headerOffset = headerOffset
            self.sha256 = sha256
        }

        /// The facts of a header as `TarReader` read it (or as `pack`
        /// wrote it), in the index's terms: the mode's file-type bits
        /// dropped, a size only for regular files, device numbers only for
        /// devices. Positions are left for the caller.
        public init(_ entry: TarEntry) {
            let isDevice = entry.kind == .characterDevice || entry.kind == .blockDevice
            self.init(name: entry.name, kind: entry.kind, size: entry.kind == .file ? UInt64(max(0, entry.size)) : 0,
                      mode: entry.mode & 0o7777, modificationSeconds: entry.modificationSeconds,
                      modificationNanoseconds: entry.modificationNanoseconds,
                      userID: entry.userID, groupID: entry.groupID, userName: entry.userName,
                      groupName: entry.groupName,
                      linkTarget: entry.kind == .symbolicLink || entry.kind == .hardLink ? entry.linkTarget : [],
                      deviceMajor: isDevice ? entry.deviceMajor : 0, deviceMinor: isDevice ? entry.deviceMinor : 0,
                      isSparse: entry.isSparse)
        }

        /// Where the entry and `read` (a header read from the stream)
        /// differ, in words for a message ("size 12 in the index, 13 in
        /// the stream"); nil when they agree. Compared: name, kind, size,
        /// mode, time, owner ids and names, link target, device numbers,
        /// sparseness, and the header's position when `read` carries one
        /// (`comparesPosition`).
        public func disagreement(with read: TarEntry, comparesPosition: Bool = true) -> String? {
            let other = Entry(read)
            func differs(_ what: String, _ mine: String, _ theirs: String) -> String {
                "\(what) \(mine) in the index, \(theirs) in the stream"
            }
            func text(_ bytes: [UInt8]) -> String { "'" + TerminalText.name(claimed: bytes) + "'" }
            if name != other.name { return differs("name", text(name), text(other.name)) }
            if kind != other.kind { return differs("type", "\(kind)", "\(other.kind)") }
            if size != other.size { return differs("size", "\(size)", "\(other.size)") }
            if mode != other.mode { return differs("mode", String(mode, radix: 8), String(other.mode, radix: 8)) }
            if modificationSeconds != other.modificationSeconds || modificationNanoseconds != other.modificationNanoseconds {
                return differs("time", "\(modificationSeconds).\(modificationNanoseconds)",
                               "\(other.modificationSeconds).\(other.modificationNanoseconds)")
            }
            if userID != other.userID || groupID != other.groupID {
                return differs("owner", "\(userID):\(groupID)", "\(other.userID):\(other.groupID)")
            }
            if userName != other.userName || groupName != other.groupName {
                return differs("owner names", text(userName + [0x3a] + groupName),
                               text(other.userName + [0x3a] + other.groupName))
            }
            if linkTarget != other.linkTarget { return differs("link target", text(linkTarget), text(other.linkTarget)) }
            if deviceMajor != other.deviceMajor || deviceMinor != other.deviceMinor {
                return differs("device", "\(deviceMajor),\(deviceMinor)", "\(other.deviceMajor),\(other.deviceMinor)")
            }
            if isSparse != other.isSparse { return differs("sparse", "\(isSparse)", "\(other.isSparse)") }
            if comparesPosition {
                if headerStreamOffset != UInt64(max(0, read.headerOffset)) {
                    return differs("header at byte", "\(headerStreamOffset)", "\(read.headerOffset)")
                }
                if contentStreamOffset != UInt64(max(0, read.contentOffset)) {
                    return differs("data at byte", "\(contentStreamOffset)", "\(read.contentOffset)")
                }
            }
            return nil
        }
    }

    /// The data members, in order: contiguous in the file, their data
    /// contiguous in the tar stream.
    public var members: [Member]
    /// The entries, in stream order (headers at increasing offsets).
    public var entries: [Entry]

    /// The entry whose header begins at `offset` of the tar stream, found
    /// by halving (entries are in stream order; an index out of order
    /// finds none, and is then taken for a lie: the safe side).
    public func entry(atHeaderOffset offset: Int64) -> Entry? {
        guard offset >= 0 else { return nil }
        let place = firstEntryPlace(atOrAfter: UInt64(offset))
        return place < entries.count && entries[place].headerStreamOffset == UInt64(offset) ? entries[place] : nil
    }

    /// The place in `entries` of the first entry whose header begins at
    /// `offset` of the tar stream or after it (`entries.count` for none),
    /// found by halving.
    public func firstEntryPlace(atOrAfter offset: UInt64) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].headerStreamOffset < offset { low = middle + 1 } else { high = middle }
        }
        return low
    }
    /// The tar stream's length: the data members' bytes together.
    public var streamLength: UInt64
    /// Where the last entry's data ends in the tar stream (padded to a
    /// block), where the end of the archive must begin, when the index
    /// knows it: nil after a sparse file (whose map's length it does not
    /// hold) and for an index not decoded; 0 for no entries. Known from
    /// every entry's place, whichever entries an index decoded for a
    /// selection holds.
    public internal(set) var endOfEntries: UInt64?
    /// Where the table of digests begins in the payload the index was
    /// decoded from (`ArchiveIndexDecoder.EntryWalk` reads it beside the
    /// records); 0 for an index not decoded.
    public internal(set) var digestTableOffset = 0

    public init(members: [Member], entries: [Entry], streamLength: UInt64) {
        self.members = members
        self.entries = entries
        self.streamLength = streamLength
    }

    /// The index of the member whose data holds byte `streamOffset` of the
    /// tar stream; nil past the stream's end.
    public func member(holding streamOffset: UInt64) -> Int? {
        guard streamOffset < streamLength else { return nil }
        var low = 0, high = members.count
        while low < high {
            let middle = (low + high) / 2
            if members[middle].dataStart + members[middle].dataLength <= streamOffset { low = middle + 1 } else { high = middle }
        }
        return low < members.count ? low : nil
    }

    /// What looking for an archive's index found.
    public enum Lookup: Equatable, Sendable {
        /// No index: another tool's archive, one packed with `--no-index`
        /// or by an older bale, or an input that is not a regular file.
        case absent
        /// An index that passed every check.
        case found(ArchiveIndex)
        /// An index that is damaged or does not hold together; the reason
        /// is worded for a warning ("the index's checksum does not match").
        /// The caller warns and reads the stream instead.
        case unusable(reason: String)
    }
}
