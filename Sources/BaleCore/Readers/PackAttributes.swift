/// Makes the extended attributes read from a file into what its tar entry
/// stores: its POSIX ACLs (the kernel's `system.posix_acl_access` and
/// `_default`) become the entry's `accessACL` and `defaultACL`, with the
/// name of each user and group as GNU tar writes them (none with
/// `--numeric-owner`: ids only); every other attribute is stored as it is.
///
/// Used where `pack` reads attributes: by the walk (`PackEntryFinder`) for
/// directories, links and devices, and by the cutter (`TarChunkCutter`)
/// for regular files, on the descriptor their content is read through.
/// Each user keeps its own value (the names are cached in it), on its own
/// thread.
struct PackAttributes {
    /// Whether ACL entries name their users and groups (not `--numeric-owner`).
    let namesOwners: Bool
    private var owners = OwnerNames()

    init(namesOwners: Bool) { self.namesOwners = namesOwners }

    /// Gives `header` the attributes `read` and the ACLs among them.
    mutating func store(_ read: ExtendedAttributes, in header: inout TarEntry) {
        var others: [ExtendedAttributes.Attribute] = []
        for attribute in read.attributes {
            if attribute.name == ExtendedAttributes.accessACLName, let acl = AccessControlList(kernelForm: attribute.value) {
                header.accessACL = named(acl)
            } else if attribute.name == ExtendedAttributes.defaultACLName, let acl = AccessControlList(kernelForm: attribute.value) {
                header.defaultACL = named(acl)
            } else {
                others.append(attribute)
            }
        }
        header.attributes = ExtendedAttributes(others)
    }

    /// The ACL with the name of each user and group that has one.
    private mutating func named(_ acl: AccessControlList) -> AccessControlList {
        guard namesOwners else { return acl }
        var named = acl
        for index in named.entries.indices {
            guard let id = named.entries[index].id else { continue }
            named.entries[index].name = named.entries[index].tag == .user ? owners.user(id) : owners.group(id)
        }
        return named
    }
}
