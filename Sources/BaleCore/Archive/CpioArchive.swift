/// A cpio archive (`find | cpio -o`, `bsdtar --format cpio`, an
/// initramfs), told by its first bytes, so that one given to `unpack`,
/// `list`, `cat` or `verify` is named as one, before anything is read or
/// written, instead of being read as a tar with a bad header checksum.
/// The sibling of `ForeignCompression`: a format bale does not read, with
/// the command that does.
public enum CpioArchive {
    /// The refusal, in one place for every reading command.
    public static let refusal = "a cpio archive, which bale does not read (only tar, plain or in gzip): "
        + "extract it with cpio -idm or bsdtar -xf"

    /// The reason of the error for a cpio archive found once inflated (in
    /// gzip): the tar reader's, at byte 0 of the stream.
    public static let foundInTarStream = "it is " + refusal

    /// True when `head` (the input's first bytes, 12 or more) begins as a
    /// cpio archive does: the binary format's magic (0o070707 in either
    /// byte order), or the portable ("070707") and new ("070701",
    /// "070702") formats' six characters followed by the header's digits
    /// (a tar's first name could begin "070707").
    public static func begins(_ head: [UInt8]) -> Bool {
        guard head.count >= 12 else { return false }
        if head[0] == 0xC7 && head[1] == 0x71 || head[0] == 0x71 && head[1] == 0xC7 { return true }
        let magic = String(decoding: head[0..<6], as: UTF8.self)
        let digits = head[6..<12]
        switch magic {
        case "070707": return digits.allSatisfy { (0x30...0x37).contains($0) }
        case "070701", "070702": return digits.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }
        default: return false
        }
    }
}
