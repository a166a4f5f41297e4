#if canImport(Glibc)
import Glibc
#endif

/// One entry of a pack on its way into the tar stream: the member to
/// write (`header`), and, for a regular file, where its content is read
/// from and what the walk saw of it, to notice a change while it is read.
public struct PackEntry: Equatable, Sendable {
    /// The member as it is written (its time and owner may be restamped: `--mtime`, `--owner`).
    public var header: TarEntry
    /// Where the content is read from, relative to the directory the pack
    /// reads from (`-C`, or the working directory); empty for no content.
    public var source: [UInt8]
    /// What the walk saw of the file (of every kind: `pack --remove-files`
    /// removes a name only while it still is the file archived); nil only
    /// for an entry made otherwise (in tests).
    public var walkedStamp: WalkedStamp?
    /// The identity of the directory the walk found the file in: its
    /// content is read only from that directory (`DirectoryOfPaths`);
    /// nil for a path given (opened as given) and entries with no content.
    public var walkedDirectory: FileIdentity?
    /// The walk followed symbolic links (`pack -h`): the source may be a
    /// link to the file, and is opened through it.
    public var followsLinks = false
    /// A regular file whose extended attributes and ACLs are still to be
    /// read, on the descriptor its content is read through (by the cutter
    /// or its read-ahead threads), and stored in `header` before it is
    /// written.
    public var readsAttributesWithContent = false
    /// Named on the command line, not found in a directory the walk read:
    /// one that is gone when its content is opened "cannot be opened", one
    /// found in a directory was "removed before we read it" (GNU tar's
    /// words for each: `SourceOpenFailure.diagnostic`).
    public var wasGiven = false

    public init(header: TarEntry, source: [UInt8], walkedStamp: WalkedStamp? = nil,
                walkedDirectory: FileIdentity? = nil, followsLinks: Bool = false,
                readsAttributesWithContent: Bool = false, wasGiven: Bool = false) {
        self.header = header
        self.source = source
        self.walkedStamp = walkedStamp
        self.walkedDirectory = walkedDirectory
        self.followsLinks = followsLinks
        self.readsAttributesWithContent = readsAttributesWithContent
        self.wasGiven = wasGiven
    }

    /// About what this entry takes in memory while it waits in the feed
    /// (`EntryFeed`): its names, link target and attributes, and ~0.5 KiB
    /// for the rest.
    var heldBytes: Int {
        var bytes = 512 + source.count + header.name.count + header.linkTarget.count
        for attribute in header.attributes.attributes { bytes += attribute.name.count + attribute.value.count }
        return bytes
    }

    /// The attributes of the file open on `fd` (its content's descriptor),
    /// when this entry reads them there; nil when it does not.
    func attributesWithContent(from fd: Int32) -> Result<ExtendedAttributes, SystemError>? {
        readsAttributesWithContent ? ExtendedAttributes.read(fromOpenFile: fd) : nil
    }

    /// What the walk saw of a file: its size and modification time (a
    /// change while it is read shows in these), and what makes it the same
    /// file still when it is removed (`pack --remove-files`): its device,
    /// inode, type and mode, and its change time, which moves whenever its
    /// content, mode, owner or links change, even when the modification
    /// time is set back.
    public struct WalkedStamp: Equatable, Sendable {
        public var size: Int64
        public var seconds: Int64
        public var nanoseconds: Int32
        public var identity: FileIdentity
        public var mode: UInt32
        public var changeSeconds: Int64
        public var changeNanoseconds: Int32

        /// The stamp of a file examined with stat.
        public init(_ info: stat) {
            size = Int64(info.st_size)
            seconds = Int64(info.st_mtim.tv_sec)
            nanoseconds = Int32(info.st_mtim.tv_nsec)
            identity = FileIdentity(info)
            mode = UInt32(info.st_mode)
            changeSeconds = Int64(info.st_ctim.tv_sec)
            changeNanoseconds = Int32(info.st_ctim.tv_nsec)
        }

        /// True when `other` has this size and modification time: the
        /// content read is the content walked, as GNU tar judges it.
        func hasSizeAndTime(of other: WalkedStamp) -> Bool {
            size == other.size && seconds == other.seconds && nanoseconds == other.nanoseconds
        }

        /// True when `other` has this size, modification and change time:
        /// nothing was written to the file in between, even where its
        /// modification time was set back after (`rsync --inplace -t`,
        /// `touch -r`), as GNU tar judges a file read ("file changed as we
        /// read it" compares the change time).
        func isUnchanged(since other: WalkedStamp) -> Bool {
            hasSizeAndTime(of: other) && changeSeconds == other.changeSeconds
                && changeNanoseconds == other.changeNanoseconds
        }
    }

    /// Opens the content for reading, relative to the directory open on
    /// `base` (a path of any length: the walk reaches trees deeper than
    /// PATH_MAX), through a link only when the walk followed links; the
    /// file open (with its change time), or why there is none. Opened without
    /// waiting and checked to be a regular file still: the name may have
    /// been given to a FIFO or a device since the walk (`SourceOpenFailure`).
    ///
    /// And taken only from the directory the walk found it in. The walk
    /// and the read are apart in time, and a path is only a name: a
    /// directory of the tree replaced meanwhile by a symbolic link (to
    /// `/etc`, to another user's home), or renamed away or rotated (`logs`
    /// moved to `logs.1`, a new `logs` made), leads the path to other files
    /// than those walked. Opened by its whole path, O_NOFOLLOW on its last
    /// component only, such a file was stored under the tree's name (a
    /// reading helper: outside files in the archive as the tree's, new
    /// unrelated files as the old entries); and opened at all, it may be a
    /// device whose open does something (a tape that rewinds on close, a
    /// watchdog) or a FIFO whose writer it lets go. GNU tar opens through
    /// the directory its walk holds open; bale's walk runs ahead of its
    /// readers and cannot hold one for every directory in flight. So the
    /// directory the path leads to is opened first (O_PATH: nothing in it
    /// is opened), and the file is opened in it by its name only if that
    /// is the directory walked (device and inode: `DirectoryOfPaths`); a
    /// file replaced there by a rename over it is read as GNU tar reads it
    /// ("file changed as we read it"); under another directory, nothing is
    /// opened and the file is left out (`directoryReplaced`). Where the
    /// job has descriptors to spare, the calling thread keeps the directory
    /// for the next file in it (`holdingDirectory`): one `openat` a file, by
    /// its name alone; without, it is opened, checked and closed each time.
    /// A path given on the command line is opened as given.
    func openSource(relativeTo base: Int32, through directories: DirectoryOfPaths,
                    holdingDirectory: Bool = true) -> Result<OpenedSource, SourceOpenFailure> {
        let flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (followsLinks ? 0 : O_NOFOLLOW)
        let opened: Result<Int32, SourceOpenFailure> = source.withUnsafeBytes { path in
            directories.withDirectory(of: path, relativeTo: base, expecting: walkedDirectory) { place in
                let fd: Int32
                switch place {
                case .inDirectory(let directory, let name): fd = openat(directory, name, flags)
                case .wholePath: fd = directories.openWhole(source, relativeTo: base, flags: flags)
                case .replaced: return .failure(.directoryReplaced)
                // Its directory gone from its path (renamed away, removed,
                // a file in its place) is a directory replaced too: its
                // files were said "File removed before we read it", which
                // they may not be (a probe helper). (`sum` says what the
                // path says, as sha256sum: `FileBatchHasher`.)
                case .failed(let code) where code == ENOENT || code == ENOTDIR: return .failure(.directoryReplaced)
                case .failed(let code): return .failure(.system(SystemError(code: code, operation: "open")))
                }
                return fd >= 0 ? .success(fd) : .failure(.system(.current("open")))
            }
        }
        if !holdingDirectory { directories.closeDirectory() }
        let fd: Int32
        switch opened {
        case .success(let openedFD): fd = openedFD
        case .failure(let failure): return .failure(failure)
        }
        var info = stat()
        if fstat(fd, &info) != 0 {
            let error = SystemError.current("fstat")
            FileIO.close(fd)
            return .failure(.system(error))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            FileIO.close(fd)
            return .failure(.notARegularFile(type: UInt32(info.st_mode & S_IFMT)))
        }
        return .success(OpenedSource(fd: fd, changeTime: SettledStatus.of(fd, as: info).st_ctim))
    }

    /// What to report, as GNU tar words it, once this file's content was
    /// read from `fd`: that it came `shortBy` bytes short (padded with
    /// zeros), or that its size or time differ from the walk's, or that it
    /// is another file than the walk's (replaced by one of the same size
    /// and time: the header's mode and owner are the old file's); nil if
    /// none of these. With the problem, whether `fd` holds another file
    /// than the one the walk found under this name (replaced since): the
    /// hard links the walk made to this name are then not links to it.
    ///
    /// And its change time against the one it had when it was opened
    /// (`OpenedSource.changeTime`), as GNU tar compares it: a file
    /// rewritten in place while read, its modification time set back after
    /// (`rsync --inplace -t`), was stored torn, half old and half new, exit
    /// 0 (a probe). Not against the walk's: a change before the open
    /// (another name of the file removed, `HostileTreeTests`) leaves what
    /// is read whole. A file opened ahead is judged from that open, a
    /// little before its read: a change in between is said too.
    func problemAfterReading(from fd: Int32, shortBy: Int64,
                             changedSince changeAtOpen: timespec) -> (problem: Diagnostic, isAnotherFile: Bool)? {
        var info = stat()
        // The walk's stamp beside what the file holds now (one fstat).
        let stamps = walkedStamp.flatMap { walked in fstat(fd, &info) == 0 ? (walked, WalkedStamp(info)) : nil }
        let isAnotherFile = stamps.map { $0.identity != $1.identity } ?? false
        if shortBy > 0 {
            return (.warning(path: header.displayName, "File shrank by \(shortBy) bytes; padding with zeros"), isAnotherFile)
        }
        if let (walked, now) = stamps, !now.hasSizeAndTime(of: walked) || isAnotherFile
            || now.changeSeconds != Int64(changeAtOpen.tv_sec) || now.changeNanoseconds != Int32(changeAtOpen.tv_nsec) {
            return (.warning(path: header.displayName, "file changed as we read it"), isAnotherFile)
        }
        // A byte past the size stored: a file whose size says less than
        // it holds (a /proc file says 0; a FUSE file system may say what
        // it likes) is in the archive cut to that size, and `--remove-files`
        // removed it (a probe, exit 0). Said, and so kept. Asked only of a
        // file with fewer blocks than bytes, as such files have (no
        // blocks at all, mostly): one pread more for each of 12,000 files
        // cost `pack` ~1.5% of its time.
        if stamps == nil || SizeCheck.mayHoldMore(than: info), FileIO.holdsData(fd, at: Int64(header.size)) {
            return (.warning(path: header.displayName, "file changed as we read it"), isAnotherFile)
        }
        return nil
    }
}
