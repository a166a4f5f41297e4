#if canImport(Glibc)
import Glibc
#endif

/// Produces a tar stream of a list of entries and cuts it into chunks.
///
/// The stream is headers, file contents padded to 512-byte blocks, and the
/// end-of-archive blocks, padded to a multiple of 10240 bytes (tar's
/// default record size, as GNU tar writes it). Every chunk but the last is
/// exactly `chunkSize` bytes, whatever the files' sizes, so the archive
/// does not depend on how many threads read.
///
/// Trouble is handled as GNU tar handles it, keeping the archive a valid
/// tar: a file that cannot be opened is left out entirely (its header is
/// written only once it opens, and a later hard link to it is stored as
/// the file in its place), a file that shrank is padded with zeros to its header's
/// size, a file that grew is cut at it, and a file whose size or time
/// changed while read is reported as "file changed as we read it". Each of
/// these is a warning naming the file (the job's status 2).
///
/// With `sparse` (`pack --sparse`), a large file with holes is stored as
/// GNU tar's pax sparse format 1.0 (`TarHeader.encodeSparse`): its data
/// regions are found with SEEK_DATA/SEEK_HOLE and only they are read and
/// stored; its manifest digest is still that of the whole file, holes
/// hashed as the zeros they read as.
///
/// With `contentDefined` (`pack --rsyncable`), each chunk ends where its
/// content says (`ContentDefinedCuts`), as `gzip --rsyncable` cuts a
/// stream: the bytes past the cut begin the next chunk. The data members
/// are then those `tar -cf - … | bale gzip --rsyncable` would write, and a
/// change in one file changes only the members around it, not every
/// member after it. The index records each member's length as ever.
///
/// The stream is made in order under the cutter's lock. Small files are
/// opened ahead in parallel by a `FilePrefetcher` (`readerThreads`
/// threads), which has the kernel read their content ahead; every file
/// is read here, straight into the chunk buffer, the one copy of its
/// bytes in bale.
/// `@unchecked Sendable`: the stream's state is touched only under
/// `monitor`; the digest table by index, written here under `monitor`
/// and read whole only once the stream is read.
public final class TarChunkCutter: ChunkCutter, @unchecked Sendable {
    private let feed: EntryFeed
    private let chunkSize: Int
    /// Where chunks are made: slots of the workers' arena once the pool
    /// is there (`makeChunks(in:)`), else arrays.
    private var arena: SharedArena?
    private let monitor = Monitor()
    private var next: UInt64 = 0
    private var ended = false
    private var streamOffset: Int64 = 0
    /// End chunks where the content says (`pack --rsyncable`).
    private let contentDefined: Bool
    /// The bytes past the last chunk's content-defined cut, which begin
    /// the next chunk.
    private var carried: [UInt8] = []

    // Where the stream stands: the next entry's position in the feed.
    private var position = 0
    /// What goes into the stream before anything else: a header (and a
    /// sparse file's map), padding. Each part is copied from where it is
    /// straight into the chunk, not joined to the others first.
    private var pending: [ArraySlice<UInt8>] = []
    private var pendingPart = 0
    private var pendingOffset = 0
    /// Zeros to pad an entry's content to a whole 512-byte block.
    private static let zeros = [UInt8](repeating: 0, count: TarHeader.blockSize)
    private var file: OpenFile?
    private var finishing = false
    private var problems: [Diagnostic] = []
    /// The entries (by index) whose file changed while read, and whether
    /// any file could not be opened or read (see `changedEntries`).
    private var changed: Set<Int> = []
    private var unreadFiles = false
    /// The directories whose entries the stream is in, from the top down,
    /// each with its index: looked at again once the stream has left them
    /// (`leaveDirectories`).
    private var directoriesIn: [(entry: PackEntry, index: Int)] = []
    /// Whether directories are looked at again (`leaveDirectories`): not
    /// with `--remove-files`, whose parts (`--shard`) remove files from the
    /// directories another part archives, as GNU tar does not with it.
    private var checksDirectories = true
    /// Regular files whose header went into the stream (a hard link stored
    /// as its file included; a file that could not be opened not).
    private var storedFiles = 0
    /// Microseconds the cutter may still wait, over the whole job, for a
    /// descriptor to open a file with (`DescriptorLimit.retryingWhileShort`:
    /// at most 63 ms a file): a shortage that does not pass costs at most this.
    private var shortageWaitLeft: UInt32 = 2_000_000

    private struct OpenFile {
        var fd: Int32
        var entry: PackEntry
        var remaining: Int64
        var shortBy: Int64 = 0
        /// Where a read first failed (EIO: a bad sector), its cause, and
        /// how many bytes could not be read (`salvage`), for the one
        /// warning said when the file is done.
        var readFailure: (byte: Int64, reason: String)?
        var unreadable: Int64 = 0
        /// Index of its entry.
        var index: Int
        /// The bytes are hashed as they pass into the stream (`--manifest`).
        var hashed: Bool
        /// A sparse file's data regions (offset, length), the region being
        /// read and how much of it is, and how much of the real file is
        /// hashed (holes included); nil for a file stored whole.
        var regions: [(offset: Int64, length: Int64)]? = nil
        var region = 0
        var regionRead: Int64 = 0
        var hashedTo: Int64 = 0
        /// The bytes stored after its header (its size, or a sparse file's map and data).
        var stored: Int64
        /// Its change time when it was opened: one that differs once it
        /// is read says the file was written meanwhile
        /// (`PackEntry.problemAfterReading`).
        var changeAtOpen: timespec
    }

    /// Store files with holes as sparse files (`pack --sparse`).
    private let sparse: Bool
    /// Makes a regular file's attributes, read on its content's
    /// descriptor, into its header (`PackEntry.readsAttributesWithContent`).
    private var attributes: PackAttributes

    private let prefetcher: FilePrefetcher
    /// The directory the entries' sources are opened relative to (`pack -C`):
    /// the library never changes the process's working directory.
    private let base: Int32
    /// The cutter's opener of the files walked: of paths deeper than
    /// PATH_MAX, and of a file in the directory the walk found it in (the
    /// cutter runs on one thread; each read-ahead thread has its own).
    private let walkedFiles = DirectoryOfPaths()

    /// Cuts the tar stream of the entries of `feed`, starting with the
    /// first ones while the walk still finds the rest; `readerThreads` open
    /// small files ahead, asking for at most `prefetchBudget` bytes of
    /// content ahead. With `makesDigests`, the SHA-256 of every file's
    /// content is taken as it passes into the stream: `digestsWhenRead`,
    /// for `pack --manifest`, with no second read.
    ///
    /// With `indexes`, each entry's facts and position are recorded as its
    /// header enters the stream, for the archive's index (`indexBlob`).
    /// With `contentDefined`, chunks end where the content says.
    init(feed: EntryFeed, relativeTo base: Int32 = AT_FDCWD, chunkSize: Int, contentDefined: Bool = false,
         readerThreads: Int = 2, prefetchBudget: Int = 32 << 20, makesDigests: Bool = false, sparse: Bool = false,
         attributes: PackAttributes = PackAttributes(namesOwners: true), indexes: Bool = false) {
        self.feed = feed
        self.contentDefined = contentDefined
        do { index = indexes ? try ArchiveIndexEncoder() : nil } catch { indexFailure = error }
        self.base = base
        self.sparse = sparse
        self.attributes = attributes
        self.chunkSize = chunkSize
        digestTable = makesDigests ? FileDigests() : nil
        fileHasher = makesDigests ? SHA256() : nil
        streamRead = monitor.makeCondition()
        prefetcher = FilePrefetcher(feed: feed, relativeTo: base, threads: readerThreads, budget: prefetchBudget)
    }

    /// Each file's digest by entry index, and which entries have one.
    private let digestTable: FileDigests?
    /// The entries hashed, by index, with their names (the feed may
    /// have dropped the entries by the time the manifest is made).
    private var hashedEntries: [(index: Int, name: [UInt8])] = []
    /// The hard links stored (with `makesDigests`), each name with the
    /// name it links to: a hard link has no content of its own in the
    /// stream, but it is a file of the tree, and `sha256sum -c` of the
    /// manifest in an unpacked tree checks it too, with its target's digest.
    private var hashedLinks: [(name: [UInt8], target: [UInt8])] = []
    /// The archive's index as the stream is made: each entry as its
    /// header goes in (nil: `--no-index`).
    private var index: ArchiveIndexEncoder?
    /// Why the index could not be made (zlib found no memory for it): the
    /// pack then fails when it asks for the index (`indexBlob`).
    private var indexFailure: CodecError?

    /// The archive index's bytes (`ArchiveIndexEncoder.blob`), once the
    /// whole stream has been read and compressed into the members whose
    /// sizes are `members`; nil when the cutter makes no index (or has
    /// already given it: the index is handed over, not copied). With
    /// digests, each file's SHA-256 is in it.
    public func indexBlob(members: [(length: UInt64, dataLength: UInt64)],
                          streamLength: UInt64) throws(CodecError) -> [UInt8]? {
        let (recorded, failure) = monitor.withLock { () -> (ArchiveIndexEncoder?, CodecError?) in
            defer { index = nil }
            return (index, indexFailure)
        }
        if let failure { throw failure }
        // Every file the index recorded was hashed by the time the stream
        // was read (its key is only given with digests; see `recordInIndex`).
        return try recorded?.blob(members: members, streamLength: streamLength) { key in digestTable?.digest(key) }
    }

    /// Files are streamed one at a time, so one hasher does for all.
    private let fileHasher: SHA256?
    private let streamRead: Monitor.Condition
    private var stopped = false

    /// Each archived file's name and SHA-256 (with `makesDigests`): waits
    /// until the whole stream has been read (the last chunks may still be
    /// compressing), or returns nil if the cutter is stopped first.
    public func digestsWhenRead() -> Manifest.Entries? {
        let (hashed, links) = monitor.withLock { () -> ([(index: Int, name: [UInt8])]?, [(name: [UInt8], target: [UInt8])]) in
            while !finishing && !stopped { monitor.wait(streamRead) }
            return finishing ? (hashedEntries, hashedLinks) : (nil, [])
        }
        // Once the stream is read nothing writes the table any more.
        guard let hashed, let digestTable else { return nil }
        var result = Manifest.Entries()
        for (index, name) in hashed { result.append(name: name, digest: digestTable.digest(index)) }
        // Each hard link's line has its target's digest. The targets are
        // found by name only here, once, and only when there are links;
        // the table holds the targets alone (a table of every name would
        // cost memory on every tree). A link to its own name (`pack d/b d`
        // stores d/b, then meets it again in d) is no other name: no line.
        if !links.isEmpty {
            let others = links.filter { $0.name != $0.target }
            let targets = Set(others.map(\.target))
            var indexByTarget: [[UInt8]: Int] = [:]
            for (index, name) in hashed where targets.contains(name) { indexByTarget[name] = index }
            for link in others {
                guard let index = indexByTarget[link.target] else { continue }
                result.append(name: link.name, digest: digestTable.digest(index))
            }
        }
        return result
    }

    deinit {
        prefetcher.stop()
        if let file { FileIO.close(file.fd) }
    }

    /// Stops the read-ahead threads (and the walk, if it still runs);
    /// call when the job is over.
    public func stop() {
        feed.cancel()
        monitor.withLock {
            stopped = true
            streamRead.broadcast()
        }
        prefetcher.stop()
    }

    /// Opens at most `filesAhead` files ahead of the stream, none if 0
    /// (`PackDescriptors`); called before the walk finds its first entry.
    public func readAhead(atMost filesAhead: Int, holdingDirectories: Bool = true) {
        prefetcher.share(filesAhead: filesAhead, holdingDirectories: holdingDirectories)
    }

    /// Leaves directories unchecked once stored (see `checksDirectories`);
    /// called before the walk finds its first entry.
    public func leaveDirectoriesUnchecked() {
        monitor.withLock { checksDirectories = false }
    }

    /// Makes the next chunks in slots of `arena` (the pool's, which starts
    /// after the cutter is made).
    public func makeChunks(in arena: SharedArena?) {
        monitor.withLock { self.arena = arena }
    }

    public var chunkCount: UInt64 { monitor.withLock { next } }

    /// Warnings about files that could not be read or changed while read.
    public var warnings: [Diagnostic] { monitor.withLock { problems } }

    /// The entries, by index in the feed, whose file changed while it was
    /// read (it shrank, or its size or time differ from the walk's): the
    /// archive holds them as read, not as they are (`pack --remove-files`
    /// keeps them).
    public var changedEntries: Set<Int> { monitor.withLock { changed } }

    /// True when every file could be opened and read (the changed ones
    /// too): no file is missing from the archive or stored as zeros for a
    /// read error.
    public var readEveryFile: Bool { monitor.withLock { !unreadFiles } }

    /// How many regular files the archive holds: what `--json`'s `files`
    /// says. The walk's count took in files that could not be opened
    /// ("Cannot open", left out: 11 said of an archive holding none).
    public var filesStored: Int { monitor.withLock { storedFiles } }

    public func nextChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk<Void>? {
        monitor.withLock { () -> Chunk<Void>? in
            guard !ended, admit(next) else { return nil }
            // `fill` writes every byte it counts, so the buffer need not be zeroed first.
            let slot = arena?.claimSlot().flatMap { $0.input.count >= chunkSize ? $0 : nil }
            let request: WorkRequest
            let filled: Int
            var streamEnded = false
            if let slot {
                slot.prefaultInput(chunkSize)
                let buffer = UnsafeMutableRawBufferPointer(rebasing: slot.input[0..<chunkSize])
                let made = fill(buffer)
                streamEnded = made < chunkSize
                filled = cutWhereTheContentSays(UnsafeRawBufferPointer(buffer), made)
                request = .compressInArena(slot.region(inputLength: filled))
            } else {
                let buffer = [UInt8](unsafeUninitializedCapacity: chunkSize) { bytes, count in
                    let made = fill(UnsafeMutableRawBufferPointer(bytes))
                    streamEnded = made < chunkSize
                    count = cutWhereTheContentSays(UnsafeRawBufferPointer(bytes), made)
                }
                (request, filled) = (.compress(data: buffer), buffer.count)
            }
            if streamEnded && carried.isEmpty { ended = true }
            if filled == 0 && next > 0 { return nil }
            defer {
                next += 1
                streamOffset += Int64(filled)
            }
            return Chunk(sequence: next, offset: streamOffset, request: request, slot: slot)
        }
    }

    /// With content-defined cuts, the length of the chunk made of the
    /// first `made` bytes of `buffer`: up to the first cut, the bytes past
    /// it kept to begin the next chunk. Otherwise all `made`.
    private func cutWhereTheContentSays(_ buffer: UnsafeRawBufferPointer, _ made: Int) -> Int {
        guard contentDefined else { return made }
        return ContentDefinedCuts.chunkLength(of: UnsafeRawBufferPointer(rebasing: buffer[..<made]),
                                              chunkSize: chunkSize, carryingInto: &carried)
    }

    /// Fills `buffer` with the next bytes of the stream, those carried
    /// past the last cut first; returns how many (fewer than its size only
    /// at the end of the stream).
    private func fill(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        var filled = ContentDefinedCuts.takeCarried(&carried, into: buffer.baseAddress!)
        while filled < buffer.count {
            if pendingPart < pending.count {
                let part = pending[pendingPart]
                let take = min(part.count - pendingOffset, buffer.count - filled)
                part.withUnsafeBytes { source in
                    (buffer.baseAddress! + filled).copyMemory(from: source.baseAddress! + pendingOffset, byteCount: take)
                }
                pendingOffset += take
                if pendingOffset == part.count {
                    pendingPart += 1
                    pendingOffset = 0
                }
                filled += take
                continue
            }
            if file != nil {
                filled += readFile(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                continue
            }
            if let entry = feed.entry(at: position) {
                leaveDirectories(toEnter: entry.header.name)
                // A directory deeper than the kernel takes a path whole is
                // not looked at again (`leaveDirectories`), nor kept: each
                // kept holds its whole path, and a chain 10,000 deep held
                // them all at once (267 MiB, the square of the depth).
                if checksDirectories && entry.header.kind == .directory && entry.walkedStamp != nil
                    && entry.source.count < Int(PATH_MAX) {
                    directoriesIn.append((entry, position))
                }
                startEntry(entry, at: position, streamPosition: UInt64(streamOffset) + UInt64(filled))
                position += 1
                feed.passed(position, by: .stream)
                continue
            }
            if finishing { break }
            leaveDirectories(toEnter: nil)
            finishing = true
            streamRead.broadcast()
            // End of archive, padded to whole 10240-byte records.
            let end = streamOffset + Int64(filled) + Int64(TarHeader.endOfArchive.count)
            let pad = TarHeader.recordPadding(endingAt: end)
            setPending(TarHeader.endOfArchive[...], [UInt8](repeating: 0, count: pad)[...])
        }
        return filled
    }

    private func setPending(_ parts: ArraySlice<UInt8>...) {
        pending = parts.filter { !$0.isEmpty }
        pendingPart = 0
        pendingOffset = 0
    }

    /// Records an entry whose header blocks `headerBlocks` begin at
    /// `streamPosition` in the index, if one is made.
    private func recordInIndex(_ header: TarEntry, headerBlocks: Int, at streamPosition: UInt64, position: Int,
                               isSparse: Bool = false) {
        do {
            try index?.record(header, headerAt: streamPosition, contentAt: streamPosition + UInt64(headerBlocks),
                              isSparse: isSparse, digestKey: digestTable != nil && header.kind == .file ? position : nil)
        } catch {
            index = nil
            indexFailure = error
        }
    }

    /// The names of files whose entry does not hold the file the walk
    /// found there: left out (they could not be opened), or another file
    /// put under the name since; and for each that a later hard link
    /// named, the name that was stored with the content in its place (see
    /// `standingIn`).
    private var supplantedFiles: Set<[UInt8]> = []
    private var standIns: [[UInt8]: [UInt8]] = [:]

    /// `entry`, a hard link, as it is stored when the file it links to was
    /// left out or is another file now (removed or replaced between the
    /// walk and its read: GNU tar, which decides on links as it reads,
    /// stores the next name as the file). Written as it was, it would link
    /// to nothing or to other content, and its own content, still on disk
    /// under its name, would be in no entry:
    /// so it links to the name stored in that file's place, or is that
    /// name, stored as a file with its content (the walk's size, its own
    /// attributes); nil when neither is needed.
    private func standingIn(for entry: PackEntry) -> PackEntry? {
        guard entry.header.kind == .hardLink, supplantedFiles.contains(entry.header.linkTarget) else { return nil }
        var standIn = entry
        if let name = standIns[entry.header.linkTarget] {
            standIn.header.linkTarget = name
            return standIn
        }
        standIn.header.kind = .file
        standIn.header.linkTarget = []
        standIn.header.size = entry.walkedStamp?.size ?? 0
        return standIn
    }

    /// Puts the entry at `position` of the feed into the stream, its
    /// header at `streamPosition`.
    private func startEntry(_ listed: PackEntry, at position: Int, streamPosition: UInt64) {
        let standIn = standingIn(for: listed)
        let entry = standIn ?? listed
        guard entry.header.kind == .file else {
            if entry.header.kind == .hardLink, digestTable != nil {
                hashedLinks.append((entry.header.name, entry.header.linkTarget))
            }
            let blocks = TarHeader.encode(entry.header)
            recordInIndex(entry.header, headerBlocks: blocks.count, at: streamPosition, position: position)
            setPending(blocks[...])
            return
        }
        // A small file was opened ahead (with its attributes); a large one
        // is opened here, and so is a small one the read-ahead had no
        // descriptor for.
        // A hard link standing in for its file was not opened ahead (the
        // read-ahead opens files only).
        let prefetched = standIn == nil && FilePrefetcher.isPrefetched(entry)
        let source: OpenedSource
        let attributes: Result<ExtendedAttributes, SystemError>?
        switch prefetched ? prefetcher.take(position, entry: entry) : .leftToTaker {
        case .failed(let problem):
            leaveOut(entry, problem)
            return
        case .opened(let opened, let read):
            (source, attributes) = (opened, read)
        case .leftToTaker:
            let holds = prefetcher.readersHoldDirectories
            var opening = entry.openSource(relativeTo: base, through: walkedFiles, holdingDirectory: holds)
            // Out of descriptors, with files of later entries held open
            // ahead: those are given back (opened again when their turn
            // comes), no more are opened ahead, and this one is tried
            // again, rather than left out. Then again a little later, a
            // few times: what the walk holds for a moment (a directory's
            // attributes) is back by then.
            if case .failure(let failure) = opening, failure.isOutOfDescriptors {
                prefetcher.giveUpDescriptors()
                walkedFiles.close()
                opening = DescriptorLimit.retryingWhileShort(
                    first: entry.openSource(relativeTo: base, through: walkedFiles, holdingDirectory: holds),
                    isShort: { if case .failure(let failure) = $0 { failure.isOutOfDescriptors } else { false } },
                    budget: &shortageWaitLeft
                ) { entry.openSource(relativeTo: base, through: walkedFiles, holdingDirectory: holds) }
            }
            switch opening {
            case .success(let opened): source = opened
            case .failure(let failure):
                leaveOut(entry, failure.diagnostic(for: entry.header.displayName, wasGiven: entry.wasGiven))
                return
            }
            attributes = entry.attributesWithContent(from: source.fd)
        }
        let fd = source.fd
        if standIn != nil { standIns[listed.header.linkTarget] = entry.header.name }
        storedFiles += 1
        let header = header(of: entry, with: attributes)
        if sparse, !prefetched, let regions = Self.dataRegions(fd, size: entry.header.size) {
            let data = regions.reduce(0) { $0 + $1.length }
            let (blocks, map) = TarHeader.encodeSparse(header, regions: regions)
            recordInIndex(header, headerBlocks: blocks.count, at: streamPosition, position: position, isSparse: true)
            setPending(blocks[...], map[...])
            file = OpenFile(fd: fd, entry: entry, remaining: data, index: position, hashed: digestTable != nil,
                            regions: regions, stored: data, changeAtOpen: source.changeTime)
            return
        }
        let blocks = TarHeader.encode(header)
        recordInIndex(header, headerBlocks: blocks.count, at: streamPosition, position: position)
        setPending(blocks[...])
        file = OpenFile(fd: fd, entry: entry, remaining: entry.header.size, index: position, hashed: digestTable != nil,
                        stored: entry.header.size, changeAtOpen: source.changeTime)
    }

    /// Leaves out the file of `entry`, which could not be opened, with
    /// `problem`; later hard links to it are stored in its place (`standingIn`).
    private func leaveOut(_ entry: PackEntry, _ problem: Diagnostic) {
        problems.append(problem)
        unreadFiles = true
        supplantedFiles.insert(entry.header.name)
    }

    /// The header of `entry` with the attributes read with its content
    /// (nil: none to read); one that cannot be read is a warning, as in
    /// the walk, and the file is stored without them.
    private func header(of entry: PackEntry, with read: Result<ExtendedAttributes, SystemError>?) -> TarEntry {
        var header = entry.header
        switch read {
        case nil:
            break
        case .success(let found)?:
            if !found.isEmpty { attributes.store(found, in: &header) }
        case .failure(let error)?:
            problems.append(.warning(path: entry.header.displayName, "Cannot read extended attributes: \(error.reason)"))
        }
        return header
    }

    /// The most regions a sparse file is stored with; a file with more
    /// holes than that is stored whole.
    static let maximumSparseRegions = 1 << 20
    /// lseek's SEEK_DATA and SEEK_HOLE (Linux 3.1 and later; Glibc shows
    /// them to Swift only under _GNU_SOURCE).
    private static let seekData: Int32 = 3
    private static let seekHole: Int32 = 4

    /// The data regions of the first `size` bytes of the file open on
    /// `fd`, found with SEEK_DATA/SEEK_HOLE, ending with (size, 0) when
    /// the file ends in a hole (as GNU tar writes the map); nil when the
    /// file has no hole (its blocks cover its size) or the file system
    /// cannot say.
    static func dataRegions(_ fd: Int32, size: Int64) -> [(offset: Int64, length: Int64)]? {
        var info = stat()
        guard fstat(fd, &info) == 0, Int64(info.st_blocks) * 512 < size else { return nil }
        // SEEK_DATA and SEEK_HOLE move the file's offset, and a file with
        // no hole after all is then read from it, sequentially: it is put
        // back. Left at the end, every file that has fewer blocks than
        // bytes and no hole (a file system that compresses, as ZFS; one
        // that counts no blocks, as many FUSE ones) was stored as zeros
        // ("File shrank by SIZE bytes", exit 2).
        let start = lseek(fd, 0, SEEK_CUR)
        defer { if start >= 0 { lseek(fd, start, SEEK_SET) } }
        var regions: [(offset: Int64, length: Int64)] = []
        var position: Int64 = 0
        while position < size {
            let data = Int64(lseek(fd, off_t(position), Self.seekData))
            if data < 0 {
                if errno == ENXIO { break }  // only a hole from here on
                return nil
            }
            if data >= size { break }
            let hole = Int64(lseek(fd, off_t(data), Self.seekHole))
            guard hole > data else { return nil }
            let end = min(hole, size)
            regions.append((data, end - data))
            guard regions.count <= maximumSparseRegions else { return nil }
            position = end
        }
        if regions.count == 1 && regions[0] == (0, size) { return nil }
        if (regions.last.map { $0.offset + $0.length } ?? 0) < size { regions.append((size, 0)) }
        return regions
    }

    /// Hashes `count` zeros (a hole) into the large-file hasher.
    private func hashZeros(_ count: Int64) {
        var left = count
        while left > 0 {
            let take = Int(min(left, Int64(Self.holeZeros.count)))
            Self.holeZeros.withUnsafeBytes { fileHasher?.update(UnsafeRawBufferPointer(rebasing: $0[0..<take])) }
            left -= Int64(take)
        }
    }
    private static let holeZeros = [UInt8](repeating: 0, count: 1 << 16)

    /// Copies the open file's next bytes into `buffer`; at its end, queues
    /// the padding and checks whether the file changed.
    private func readFile(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard var current = file else { return 0 }
        var copied = 0
        if current.remaining > 0 {
            var want = Int(min(Int64(buffer.count), current.remaining))
            var at: Int64?
            if let regions = current.regions {
                // The next region with data left, and the hole before it.
                while current.regionRead == regions[current.region].length {
                    current.region += 1
                    current.regionRead = 0
                }
                let region = regions[current.region]
                want = Int(min(Int64(want), region.length - current.regionRead))
                at = region.offset + current.regionRead
                if current.hashed && current.hashedTo < at! { hashZeros(at! - current.hashedTo) }
                current.regionRead += Int64(want)
                current.hashedTo = at! + Int64(want)
            }
            var got = 0
            do {
                if let at {
                    got = try FileIO.read(current.fd, into: buffer.baseAddress!, count: want, at: at)
                } else {
                    got = try FileIO.read(current.fd, into: buffer.baseAddress!, count: want)
                }
            } catch {
                // A read that failed (a bad sector): what can be read of the
                // range is read again in small pieces, zeros where a piece
                // fails. Read whole, one bad sector cost the chunk around it
                // (a 3 MB file bad from its second MiB was stored as zeros).
                let start = at ?? (current.entry.header.size - current.remaining)
                let salvaged = Self.salvage(current.fd, into: buffer.baseAddress!, count: want, at: start)
                if at == nil { lseek(current.fd, off_t(start) + off_t(salvaged.read), SEEK_SET) }
                if current.readFailure == nil {
                    current.readFailure = (salvaged.firstBadByte ?? start, error.reason)
                }
                current.unreadable += Int64(salvaged.unreadable)
                unreadFiles = true
                got = salvaged.read
            }
            if got < want {
                // Shrank: zeros keep the archive's structure.
                (buffer.baseAddress! + got).initializeMemory(as: UInt8.self, repeating: 0, count: want - got)
                current.shortBy += Int64(want - got)
            }
            current.remaining -= Int64(want)
            if current.hashed { fileHasher?.update(UnsafeRawBufferPointer(rebasing: buffer[0..<want])) }
            copied = want
        }
        if current.remaining == 0 {
            finishFile(current)
            file = nil
        } else {
            file = current
        }
        return copied
    }

    /// Reads `count` bytes at `offset` in pieces of 64 KiB, a piece that
    /// fails left as zeros: how far the file went (`read`, zeros included;
    /// less than `count` where it ends), how many bytes failed, and the
    /// first of them.
    private static func salvage(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int,
                                at offset: Int64) -> (read: Int, unreadable: Int, firstBadByte: Int64?) {
        let piece = 1 << 16
        var done = 0, unreadable = 0
        var firstBad: Int64?
        while done < count {
            let want = min(piece, count - done)
            do {
                let got = try FileIO.read(fd, into: buffer + done, count: want, at: offset + Int64(done))
                done += got
                if got < want { break }  // the file ends here
            } catch {
                (buffer + done).initializeMemory(as: UInt8.self, repeating: 0, count: want)
                if firstBad == nil { firstBad = offset + Int64(done) }
                unreadable += want
                done += want
            }
        }
        return (done, unreadable, firstBad)
    }

    /// Looks again at each directory the stream leaves before `name` (all
    /// of them at the end, nil): one whose change time, modification time
    /// or size moved since the walk listed it had entries made, removed or
    /// renamed while its own were archived, and the archive may lack some
    /// of them or hold some that are gone. GNU tar says so, "file changed
    /// as we read it" (exit 1); bale said nothing, exit 0, an archive
    /// without files made in the tree during the run (a reading helper).
    /// Looked at by its path (one `fstatat` a directory), as the walk
    /// reached it; one that is gone or another is said by its files; one
    /// whose path is PATH_MAX bytes or longer is not looked at (nor kept in
    /// `directoriesIn`): reached a component at a time, each of a chain
    /// 20,000 deep (left deepest first) took `pack` from 6 s to 50.
    private func leaveDirectories(toEnter name: [UInt8]?) {
        while let (directory, index) = directoriesIn.last {
            if let name, name.starts(with: directory.header.name) { return }
            directoriesIn.removeLast()
            guard let walked = directory.walkedStamp else { continue }
            var info = stat()
            let follows = directory.followsLinks || directory.wasGiven
            let found = withCString(directory.source) { fstatat(base, $0, &info, follows ? 0 : AT_SYMLINK_NOFOLLOW) }
            if found != 0 { continue }
            let now = PackEntry.WalkedStamp(info)
            guard now.identity == walked.identity, !now.isUnchanged(since: walked) else { continue }
            problems.append(.warning(path: directory.header.extractionName, "file changed as we read it"))
            changed.insert(index)
        }
    }

    private func finishFile(_ current: OpenFile) {
        defer { FileIO.close(current.fd) }
        if let failure = current.readFailure {
            // Once a file, as GNU tar's "Read error at byte N" (which pads
            // the whole rest with zeros; bale only what failed).
            problems.append(.warning(path: current.entry.header.displayName,
                                     "Read error at byte \(failure.byte): \(failure.reason); "
                                         + "\(current.unreadable) unreadable bytes stored as zeros"))
        }
        if current.hashed && current.regions != nil && current.hashedTo < current.entry.header.size {
            hashZeros(current.entry.header.size - current.hashedTo)  // the hole at the end
        }
        if current.hashed, let digestTable, let fileHasher {
            digestTable.store(current.index, from: fileHasher)
            hashedEntries.append((current.index, current.entry.header.name))
        }
        if let (problem, isAnotherFile) = current.entry.problemAfterReading(from: current.fd, shortBy: current.shortBy,
                                                                                changedSince: current.changeAtOpen) {
            problems.append(problem)
            changed.insert(current.index)
            if isAnotherFile { supplantedFiles.insert(current.entry.header.name) }
        }
        setPending(Self.zeros[..<TarHeader.padding(current.stored)])
    }
}
