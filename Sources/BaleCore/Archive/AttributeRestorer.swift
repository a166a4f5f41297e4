#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Gives extracted files their extended attributes and POSIX ACLs, as
/// `tar --xattrs --acls -x` and bsdtar do: what this process may set
/// (`user.*` always, as the owner of a file may set them; `security.*`,
/// such as capabilities, and `trusted.*` as root only, the kernel
/// refusing them to others), and ACLs where the modes are given in full
/// (as root, or `--same-permissions`: an ACL is a mode's bits, and more).
/// Given with modes less the umask, an ACL brought back what the umask
/// took: a file of 0640 with `user:1234:r--`, extracted by a user whose
/// umask is 077, came out `-rw-r-----+`, readable by 1234, where GNU tar
/// (which restores ACLs only with `--acls`) gives 0600 (a probe helper);
/// so ACLs go with the modes in full, as bsdtar's `-p` takes them (the
/// default for root only). The attributes go through the descriptor the file was
/// written with, after its content and owner (a write or a chown clears
/// `security.capability`) and before its times.
///
/// An ACL is set by writing the kernel's binary form to
/// `system.posix_acl_access` / `_default`, its names resolved here to ids
/// (`AccessControlList.kernelForm`). The mode and the access ACL overlap
/// (the mode's group bits are the ACL's mask), so the order is the tars':
/// the other attributes, then the mode, then the ACL, whose mask then
/// gives the group bits. It matters for bsdtar's archives, which record
/// the owning group's bits in the mode, not the mask's: a file of mode
/// 0664 whose ACL has `mask::rw-` is stored as 0644 and that mask, and
/// comes back 0664 only if the ACL is set last, as GNU tar and bsdtar do.
///
/// An attribute the file system does not take (ENOTSUP: a file system
/// without attributes, or without ACLs, or a name of a namespace the
/// kernel knows but with no handler for it, `system.bogus`) gets one
/// warning for the whole run, naming it and the first file, not one per
/// file: a tree's worth of SELinux labels on a file system that takes
/// none said the same thing thousands of times. The warning named the
/// file system as taking no attributes at all, whatever the attribute,
/// and hid the next attribute's failure (a probe helper's `system.bogus`
/// beside a `user.ok` that was set). Any other failure is a warning
/// naming the file and the attribute. One restorer serves the extractor
/// and the `FileWriters` threads.
final class AttributeRestorer: Sendable {
    /// True when this process may set `security.*` and `trusted.*`.
    private let isPrivileged: Bool
    /// True when ACLs are restored: the modes are given in full.
    private let restoresACLs: Bool
    /// The attributes (by name) that the file system did not take, each
    /// said once (see above).
    private let unsupportedWarned = Mutex<Set<[UInt8]>>([])

    init(isPrivileged: Bool = geteuid() == 0, restoresACLs: Bool) {
        self.isPrivileged = isPrivileged
        self.restoresACLs = restoresACLs
    }

    /// What to set on the file of `entry`, in order (its attributes, then
    /// its ACLs in the kernel's form), with the names of ACL entries made
    /// ids by `lookUp` (this system's name, else the id the archive
    /// records); and the warnings for what cannot be set.
    func attributes(of entry: TarEntry, lookUp: ([UInt8], AccessControlList.Tag) -> UInt32?)
        -> (attributes: [ExtendedAttributes.Attribute], problems: [Diagnostic]) {
        var list = entry.attributes.attributes.filter { isPrivileged || $0.name.starts(with: Array("user.".utf8)) }
        var problems: [Diagnostic] = []
        for (acl, name) in [(entry.accessACL, ExtendedAttributes.accessACLName), (entry.defaultACL, ExtendedAttributes.defaultACLName)] {
            guard let acl, restoresACLs else { continue }
            // A default ACL belongs to a directory only.
            if name == ExtendedAttributes.defaultACLName && entry.kind != .directory { continue }
            switch acl.kernelForm(lookUp: lookUp) {
            case .success(let bytes): list.append(.init(name: name, value: bytes))
            case .failure(let unresolved):
                let why = unresolved.name.isEmpty ? "it lacks a required entry"
                    : "no user or group \(TerminalText.name(unresolved.name)) here, and no id recorded"
                problems.append(.warning(path: entry.displayName, "ACL not restored: \(why)"))
            }
        }
        return (list, problems)
    }

    /// Sets `attributes` and `mode` (none: left as it is) on the file open
    /// on `fd`, in that order but for the ACLs, set after the mode; the warnings.
    func restore(_ attributes: [ExtendedAttributes.Attribute], mode: mode_t?, to fd: Int32, displayName: String) -> [Diagnostic] {
        let isACL = { (attribute: ExtendedAttributes.Attribute) in
            attribute.name == ExtendedAttributes.accessACLName || attribute.name == ExtendedAttributes.defaultACLName
        }
        let setOne = { (attribute: ExtendedAttributes.Attribute) in ExtendedAttributes.set(attribute, on: fd) }
        var problems = set(attributes.filter { !isACL($0) }, displayName: displayName, using: setOne)
        if let mode { fchmod(fd, mode) }
        problems += set(attributes.filter(isACL), displayName: displayName, using: setOne)
        return problems
    }

    /// Sets `attributes` on the file an `O_PATH` descriptor holds (a
    /// symbolic link, FIFO or device, whose mode is set already); the warnings.
    func restore(_ attributes: [ExtendedAttributes.Attribute], toPathDescriptor fd: Int32, displayName: String) -> [Diagnostic] {
        set(attributes, displayName: displayName) { ExtendedAttributes.set($0, onPathDescriptor: fd) }
    }

    /// At most this many attributes a file are named in warnings; the rest
    /// are counted in one more. An archive's entry may carry 16,384
    /// (`TarReader.maximumAttributes`), each refused (a file system out of
    /// room for them): a warning each, made for every file before the
    /// run's collector kept its first 10,000, cost `unpack` 465 MiB for 100
    /// such files (a probe helper).
    static let attributesNamedPerFile = 32
    /// At most this many attribute names are remembered as not taken by the
    /// file system (`unsupportedWarned`); past them, each is counted with
    /// its file's others.
    static let unsupportedNamesKept = 256

    /// Sets each of `attributes` with `setOne`; the warnings.
    private func set(_ attributes: [ExtendedAttributes.Attribute], displayName: String,
                     using setOne: (ExtendedAttributes.Attribute) -> SystemError?) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        var notNamed = 0
        for attribute in attributes {
            guard let error = setOne(attribute) else { continue }
            if error.code == ENOTSUP {
                let first = unsupportedWarned.withLock { (names: inout Set<[UInt8]>) -> Bool? in
                    names.contains(attribute.name) ? false
                        : names.count < Self.unsupportedNamesKept ? names.insert(attribute.name).inserted : nil
                }
                if first == true {
                    problems.append(.warning(path: displayName,
                        "cannot restore extended attribute \(attribute.displayName): \(error.reason) "
                        + "(the first file; no more said of the others)"))
                } else if first == nil {
                    notNamed += 1
                }
                continue
            }
            guard problems.count < Self.attributesNamedPerFile else {
                notNamed += 1
                continue
            }
            problems.append(.warning(path: displayName, "cannot restore extended attribute \(attribute.displayName): \(error.reason)"))
        }
        if notNamed > 0 {
            problems.append(.warning(path: displayName, "\(notNamed) more extended attribute\(notNamed == 1 ? "" : "s") not restored"))
        }
        return problems
    }
}
