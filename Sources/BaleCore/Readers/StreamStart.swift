/// The bytes of a stream that `UnpackCommand` read to tell gzip from tar,
/// put back in front of the rest for whichever reader takes the stream:
/// a plain tar gets them fed to its sink first, the gzip readers take them
/// as the start of their input (`GunzipJob.run(head:)`). No copy of the
/// stream is made. A file (`head` empty) is read directly.
struct StreamStart {
    /// The bytes already read from the stream; empty for a file.
    var head: [UInt8]

    /// Feeds `head` to a plain tar's sink (or to `verify`'s `TarSniffer`).
    func feedHead(to sink: some OutputSink) throws(BaleError) {
        guard !head.isEmpty else { return }
        try sink.write(head)
    }

    /// `GunzipJob.run` on the whole input: `head`, then the rest of `input`.
    func gunzip(
        input: Int32, inputName: String, seekable: Bool, codec: Codec, pipeline: Pipeline, judging: Bool = false,
        streamStoppedAt: (Int64) -> Void = { _ in }, sink: any OutputSink
    ) throws(BaleError) -> GunzipJob.Report {
        try GunzipJob.run(input: input, inputName: inputName, seekable: seekable, head: head, codec: codec,
                          pipeline: pipeline, judging: judging, streamStoppedAt: streamStoppedAt, sink: sink)
    }
}
