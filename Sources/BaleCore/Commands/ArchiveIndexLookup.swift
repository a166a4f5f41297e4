/// Finds an archive's index and gives the selective path its tables.
/// (Placeholder until the index reader lands: every archive reads as
/// having none.)
enum ArchiveIndexLookup {
    enum Found {
        case absent
        case unusable(String)
        case found(members: [IndexedSelection.Member], entries: [IndexedSelection.Entry])
    }

    static func find(in input: ArchiveInput) -> Found { .absent }
}
