/// The options that take a value, per command, whose value is the next
/// argument whatever it begins with, as getopt takes it (`--exclude '-*'`,
/// `-o -x`, `--suffix -gz`, GNU tar's and gzip's command lines):
/// argument-parser takes an argument that begins with '-' for an option
/// and says the value is missing. Such a pair is joined before parsing
/// (`--exclude=-*`, `-o-x`: every short option here takes its value
/// joined). `-` alone is a value already. EndToEndTests'
/// `CommandLineTests.everyValueMayBeginWithADash` checks this list against
/// the options the parser describes (`--experimental-dump-help`).
enum OptionValues {
    private static let engine: Set<String> = ["--codec", "--io-threads", "--jobs", "-p", "--json-file", "--worker-timeout"]
    private static let gzip = engine.union(["--chunk-size", "--exclude", "--files-from", "--include", "--level",
                                            "--manifest", "--min-size", "--older-than", "--out-dir", "--shard",
                                            "--suffix", "-S", "-o"])
    static let options: [String: Set<String>] = [
        "gzip": gzip,
        "gunzip": gzip,
        "pack": engine.union(["--exclude", "--files-from", "-T", "--group", "--level", "--manifest", "--mtime",
                              "--owner", "--shard", "-C", "-o"]),
        "unpack": engine.union(["--exclude", "--strip-components", "--wildcards", "-C"]),
        "cat": engine.union(["--exclude", "--wildcards"]),
        "list": engine.union(["--exclude"]),
        "verify": engine.union(["--manifest"]),
        "sum": engine.union(["--shard"]),
    ]
}
