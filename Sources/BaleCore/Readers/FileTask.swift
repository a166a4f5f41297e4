/// One file of a batch job and where its output goes.
public struct FileTask: Sendable {
    public var source: SourceFile
    public var target: [UInt8]
    /// Remove the input once the output is in place (no -k, no --out-dir).
    public var removesSource: Bool
    /// The output gets the input's owner without a chown: the input is
    /// ours and the output's directory is not setgid.
    public var ownerComesFree: Bool
    /// The directory the output must be made in, as the walk found it (the
    /// input's, or `--out-dir`'s mirror of it): one replaced since, by a
    /// symbolic link to elsewhere, gets no output (`FileSetSink`).
    public var targetDirectory: FileIdentity?

    public init(source: SourceFile, target: [UInt8], removesSource: Bool, ownerComesFree: Bool = false,
                targetDirectory: FileIdentity? = nil) {
        self.source = source
        self.target = target
        self.removesSource = removesSource
        self.ownerComesFree = ownerComesFree
        self.targetDirectory = targetDirectory
    }
}
