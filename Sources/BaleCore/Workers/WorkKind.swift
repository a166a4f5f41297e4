/// What the workers do with every chunk of one job, with the settings the
/// job holds for all of them (codec, level): the part of a request that
/// is the same for every chunk. What each chunk asks is its `WorkRequest`,
/// made by the cutter.
public enum WorkKind: Sendable, Equatable {
    /// Compress plain data to gzip members with this codec and level.
    case compress(Compression)
    /// Inflate bale gzip members, whose sizes are recorded in their
    /// headers, with this codec.
    case inflate(Codec)
    /// Hash the files whose paths the chunks list (`bale sum`).
    case digest
}
