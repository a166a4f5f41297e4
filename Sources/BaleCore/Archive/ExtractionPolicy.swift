#if canImport(Glibc)
import Glibc
#endif

/// What an extraction does beyond writing the entries: which entries it
/// takes (`--exclude`), what it does with their names
/// (`--strip-components`), with files already there (`-k`,
/// `--skip-old-files`, `--keep-newer-files`), and which modes, owners and
/// times it gives (`--same-permissions`, `--no-same-owner`,
/// `--numeric-owner`, `-m`). Each rule is GNU tar 1.34's option of the
/// same name, tested against it on the same archives.
///
/// One value for the whole run, shared by the extractor and its writer
/// threads: the rules are decided here, once, and applied there.
public struct ExtractionPolicy: Sendable {
    /// What happens to a file (or link, FIFO, device) that is already
    /// where an entry goes.
    public enum ExistingFiles: Sendable, Equatable {
        /// Replaced (the default): a regular file atomically, under a
        /// temporary name renamed over the old one; an empty directory is
        /// removed, a full one is not (its entry is not extracted).
        case replace
        /// `-k`: kept, and each such entry is an error ("Cannot open: File
        /// exists"), exit 2, as GNU tar.
        case keep
        /// `--skip-old-files`: kept silently.
        case skip
        /// `--keep-newer-files`: kept, with a warning, when it is as new as
        /// the entry or newer (exit 0, as GNU tar); replaced otherwise.
        case keepNewer
    }

    /// Which permission bits entries get.
    public enum Modes: Sendable, Equatable {
        /// The archive's, setuid, setgid and sticky bits included (root's
        /// default, as in GNU tar and bsdtar; `--same-permissions`).
        case archived
        /// The archive's read, write and execute bits less the umask, no
        /// setuid, setgid or sticky bit (everyone else's default, as in GNU
        /// tar; `--no-same-permissions`).
        case lessUmask
    }

    /// What a name already taken gets, decided by `verdict`.
    enum Verdict: Equatable {
        /// What is there goes (or, a directory over a directory, is reused).
        case replace
        /// A directory over a directory with `--keep-newer-files`: as GNU
        /// tar, an empty one is made anew, a full one is kept as it is.
        case remakeIfEmpty
        /// What is there stays; the diagnostic, if any, says so.
        case keep(Diagnostic?)
    }

    /// What is where an entry that is not a directory goes (`makeRoom`).
    enum Room {
        /// Nothing (or an empty directory, now removed, as GNU tar removes
        /// it): the entry is made there.
        case free
        /// A file, link or device, which the entry replaces by rename.
        case taken
        /// The entry is not extracted: what is there is kept (or is a full
        /// directory); the diagnostic, if there is something to say.
        case refused(Diagnostic?)

        /// True for `refused`.
        var refuses: Bool {
            if case .refused = self { return true }
            return false
        }
    }

    public var existingFiles = ExistingFiles.replace
    /// Leading name components removed from each name (and from hard
    /// links' targets); entries with no more than that many are skipped.
    public var stripComponents = 0
    /// Entries not extracted; matched on the name as archived.
    public var exclusions = ExclusionPatterns()
    /// Whether modification times are restored (`-m` turns it off: files
    /// and directories keep the time they were extracted at).
    public var restoresTimes = true
    /// Whether entries get their owners (by default as root, as GNU tar).
    public var restoresOwners = geteuid() == 0
    /// Owners by the archive's numeric ids, not by its names.
    public var numericOwner = false
    /// Whether this run made the destination (`unpack -C DIR`, DIR not
    /// there): then a `./` entry gives it its owner, mode, time and
    /// attributes, as GNU tar and bsdtar give them, and a restore of `pack
    /// -C /srv/data .` into a new directory gets the tree's own. A
    /// destination that was there keeps its own (GNU tar would give it the
    /// archive's: a `./` of mode 0777, or of another owner as root, from a
    /// download unpacked into a home directory, is a known trap).
    public var destinationIsNew = false
    /// Whether extended attributes, ACLs and capabilities are restored
    /// (`--no-xattrs` turns it off; `AttributeRestorer` says which).
    public var restoresAttributes = true
    public var modes: Modes = geteuid() == 0 ? .archived : .lessUmask

    public init() {}

    /// The mode an entry archived with `mode` gets.
    func mode(_ mode: UInt32) -> mode_t {
        switch modes {
        case .archived: return mode_t(mode & 0o7777)
        case .lessUmask: return mode_t(mode & 0o777) & ~ProcessUmask.bits
        }
    }

    /// The name left after `stripComponents`, counted as GNU tar counts
    /// them (a leading '/' ignored, runs of '/' as one, "." a component);
    /// nil when the name has no more components than that.
    func stripped(_ name: [UInt8]) -> [UInt8]? {
        guard stripComponents > 0 else { return name }
        let slash = UInt8(ascii: "/")
        var index = name.firstIndex { $0 != slash } ?? name.endIndex
        var left = stripComponents
        while index < name.endIndex {
            let isSlash = name[index] == slash
            index += 1
            if isSlash {
                left -= 1
                while index < name.endIndex && name[index] == slash { index += 1 }
                if left == 0 { return Array(name[index...]) }
            }
        }
        return nil
    }

    /// Whether a hard link to `target`, named without it, is given its
    /// target's content by the selective path (`IndexedSelection`), which
    /// does so only where GNU tar and the stream path fail to make the
    /// link: where `target` names a file this extraction could link to
    /// (no `..` component before it is stripped under --strip-components,
    /// and one component at least once stripped, none of them `..`), and
    /// nothing is there yet in `destination`. Else the link is handed over
    /// as itself, and `TarExtractor` refuses it by its target's name alone
    /// ("cannot hard link to ‘T’: it has no more than 1 name components")
    /// or links it to the file there, as the stream path and GNU tar do.
    /// The selective path gave the content either way, exit 0: a link to a
    /// stripped-away name, and a copy of the archive's bytes where tar
    /// links to the file already on disk (probe helpers).
    func givesContent(toALinkTo target: [UInt8], in destination: Int32) -> Bool {
        if stripComponents > 0, case .failure = TarExtractor.components(target) { return false }
        guard let name = stripped(target), case .success(let parts) = TarExtractor.components(name), !parts.isEmpty else {
            return false
        }
        let path = Array(parts.joined(separator: [UInt8(ascii: "/")]))
        var there = stat()
        guard path.count < Int(PATH_MAX),
              withCString(path, { fstatat(destination, $0, &there, AT_SYMLINK_NOFOLLOW) }) == 0 else { return true }
        return there.st_mode & S_IFMT == S_IFDIR
    }

    /// What becomes of `existing` (found with lstat where the entry named
    /// `name` goes) under this policy. `isDirectory`: the entry is one.
    /// `refusal`: GNU tar's words for the entry's failure, "Cannot open"
    /// for a file, "Cannot create symlink to ‘T’" for a link.
    func verdict(on existing: stat, forEntryNamed name: String, isDirectory: Bool,
                 modified: (seconds: Int64, nanoseconds: Int32), refusal: @autoclosure () -> String) -> Verdict {
        let existingIsDirectory = existing.st_mode & S_IFMT == S_IFDIR
        switch existingFiles {
        case .replace:
            return .replace
        case .skip:
            return .keep(nil)
        case .keep:
            // GNU tar leaves what is there where a directory goes without a word.
            return .keep(isDirectory ? nil
                         : Diagnostic(.error, path: name, "\(refusal()): File exists", exitStatus: .warning))
        case .keepNewer:
            // A directory is never newer (GNU tar's file_newer_p).
            if !existingIsDirectory
                && (existing.st_mtim.tv_sec, existing.st_mtim.tv_nsec) >= (Int(modified.seconds), Int(modified.nanoseconds)) {
                return .keep(.warning(path: name, "Current file is newer or same age; kept", exitStatus: .success))
            }
            return isDirectory && existingIsDirectory ? .remakeIfEmpty : .replace
        }
    }

    /// Looks at the name `leaf` in `parent`, where the entry `name`
    /// (modified at `modified`, not a directory) goes, and applies the
    /// verdict: an empty directory there is removed, a full one refuses the
    /// entry; a file, link or device is left for the entry to replace by
    /// rename, or kept.
    func makeRoom(at leaf: [UInt8], in parent: Int32, forEntryNamed name: String,
                  modified: (seconds: Int64, nanoseconds: Int32), refusal: @autoclosure () -> String) -> Room {
        var existing = stat()
        // Nothing there (or gone since): the entry is made as new.
        guard withCString(leaf, { fstatat(parent, $0, &existing, AT_SYMLINK_NOFOLLOW) }) == 0 else { return .free }
        if case .keep(let said) = verdict(on: existing, forEntryNamed: name, isDirectory: false, modified: modified,
                                          refusal: refusal()) {
            return .refused(said)
        }
        guard existing.st_mode & S_IFMT == S_IFDIR else { return .taken }
        if withCString(leaf, { unlinkat(parent, $0, AT_REMOVEDIR) }) != 0 {
            return .refused(.error(path: name, "\(SystemError(code: EEXIST, operation: "open").reason); not extracted"))
        }
        return .free
    }
}
