#if canImport(Glibc)
import Glibc
#endif

/// One member of a tar archive: what it is, its name in the archive, and
/// the metadata tar keeps, as bale writes it (`TarHeader.encode`) and
/// reads it (`TarReader`, which also notes where the member lies in the
/// stream it read). Where a packed member's content comes from is not the
/// format's business: see `PackEntry`.
///
/// Names are bytes, not Strings: a file name on Linux is any bytes but
/// '/' and NUL, and an archive must carry it exactly.
public struct TarEntry: Equatable, Sendable {
    /// What kind of file the entry is.
    public enum Kind: Equatable, Sendable {
        case file
        case directory
        case symbolicLink
        /// A later name of a file already in the archive (`linkTarget`).
        case hardLink
        case fifo
        case characterDevice
        case blockDevice
    }

    /// The name in the archive (relative; directories end in "/").
    public var name: [UInt8]
    public var kind: Kind
    /// The target of a symbolic or hard link.
    public var linkTarget: [UInt8] = []
    /// Permission bits, with setuid/setgid/sticky.
    public var mode: UInt32
    public var userID: UInt32
    public var groupID: UInt32
    public var userName: [UInt8] = []
    public var groupName: [UInt8] = []
    /// Modification time: seconds since the epoch, and nanoseconds.
    public var modificationSeconds: Int64
    public var modificationNanoseconds: Int32 = 0
    /// The number of content bytes. For an entry read from an archive:
    /// the bytes its handler receives (`content` and `hole`), which for a
    /// sparse file is its real size, and for other types that carry data
    /// (a GNU dump directory's listing, a volume label's or an unknown
    /// type's) the data that follows, given only to be skipped.
    public var size: Int64 = 0
    /// The header's size field where no data follows it, as GNU tar
    /// lists it: a directory's, a symbolic link's, a device's or a FIFO's,
    /// and a hard link's only from a pax size
    /// record (GNU tar reads a hard link's size field as 0); nil when it
    /// is `size`, or zero.
    public var listedSizeField: Int64?
    /// For an entry read from an archive: the bytes its data takes in the
    /// tar stream when that differs from `size` (a sparse file stores only
    /// its data regions, and format 1.0 its map), else nil.
    public var storedSize: Int64?
    /// True for a GNU sparse file (old GNU 'S' or pax 0.0, 0.1, 1.0): its
    /// content comes as data and holes (`TarReader.Handler.hole`).
    public var isSparse = false
    /// What a header of a type bale never writes said, when GNU tar
    /// handles it specially; nil for the ordinary types.
    public var special: Special?
    /// True for a POSIX volume label (`tar --format=posix -V`), made from
    /// a pax global header's `GNU.volume.label`: listed as tar lists it, but
    /// no member of its own, so no name given to `cat` or `unpack` selects
    /// it (tar: "Not found in archive"), where a GNU 'V' header is one.
    public var isGlobalLabel = false

    /// Header types bale does not create, as GNU tar 1.34 treats them.
    public enum Special: Equatable, Sendable {
        /// 'V': a volume label; listed, never extracted.
        case volumeLabel
        /// 'M': the rest of a file begun on another volume, from this byte
        /// on; listed, and refused by extraction.
        case continuation(offset: Int64)
        /// A regular file whose pax `GNU.volume.offset` says it is the rest
        /// of a file begun on another volume, from this byte on (GNU tar's
        /// posix multi-volume): listed as the file it is, as tar lists it,
        /// and refused by extraction, as 'M' is.
        case paxContinuation(offset: Int64)
        /// 'D': a GNU dump directory; a directory, its listing skipped.
        case dumpDirectory
        /// '7': a contiguous file (POSIX reserves the type); a regular
        /// file, listed with GNU tar's 'C'.
        case contiguous
        /// Any letter tar does not know: extracted as a regular file, with
        /// a warning.
        case unknownType(UInt8)

        /// Why a continuation's content is not extracted nor written
        /// (`unpack`, `cat`), in GNU tar's words.
        public static let continuationRefusal = "cannot extract -- file is continued from another volume"
    }
    /// Extended attributes (pax `SCHILY.xattr.*`, and bsdtar's
    /// `LIBARCHIVE.xattr.*`), but for the POSIX ACLs, which are kept in
    /// `accessACL` and `defaultACL`.
    public var attributes = ExtendedAttributes()
    /// The POSIX ACLs (pax `SCHILY.acl.access` and `.default`); nil when
    /// the file has none beyond its mode.
    public var accessACL: AccessControlList?
    public var defaultACL: AccessControlList?
    /// What of the entry's attribute and ACL records cannot be restored
    /// (a name no file can have, an ACL that does not parse), worded for a
    /// warning by an extractor that restores attributes.
    public var attributeProblems: [String] = []
    public var deviceMajor: UInt32 = 0
    public var deviceMinor: UInt32 = 0
    /// Where the entry lies in the tar stream it was read from (set by
    /// `TarReader`): its first header block (a pax or long-name header when
    /// it has one) and its first content byte. Damage reports use them.
    public var headerOffset: Int64 = 0
    public var contentOffset: Int64 = 0

    public init(name: [UInt8], kind: Kind, mode: UInt32,
                userID: UInt32, groupID: UInt32, modificationSeconds: Int64) {
        self.name = name
        self.kind = kind
        self.mode = mode
        self.userID = userID
        self.groupID = groupID
        self.modificationSeconds = modificationSeconds
    }

    /// The name as text, for messages: every byte kept (`TerminalText.name`),
    /// so a name that is not UTF-8 is printed as `caf\351`, as GNU tar shows it.
    public var displayName: String { TerminalText.name(name) }

    /// The name as GNU tar gives it in its messages about extracting the
    /// entry: without a directory's trailing slashes (`x: Current ‘x’ is
    /// newer`, not `x/`); a name of slashes alone stays.
    public var extractionName: String { TerminalText.name(TarMemberName.withoutTrailingSlashes(name)) }

    /// For a regular entry named `d/`, a directory by GNU tar's rule, that
    /// carries data: the warning that its data goes nowhere, as GNU tar
    /// gives it when it extracts one ("Skipping to next header", exit 2);
    /// nil for any other entry. `unpack` and `verify` say it (bale skipped
    /// the data in silence, exit 0, and verify said OK); `list` lists the
    /// entry as `tar -t` does, without a word.
    public var dataSkippedWarning: Diagnostic? {
        guard kind == .directory, special == nil, size > 0 else { return nil }
        return .warning(path: displayName, "a directory entry holding \(size) bytes of data; the data is skipped")
    }
}
