/// An unknown option on a command line that also asks for help (`-h`,
/// `--help`, or an `h` in a cluster of short options): the usage error the
/// line gives without its help flags, so that a cron job's mistyped option
/// or a file name that looks like options exits 64, as any unknown option
/// does, instead of printing the help with exit 0. Only an unknown option
/// counts: without its help flag, `bale unpack -h` lacks its archive, and
/// that is still a request for help.
enum UnknownOptionBesideHelp {
    /// The parser's message (its usage lines too), naming a cluster as it
    /// was typed, and the exit status (64).
    static func error(in arguments: [String]) -> (message: String, status: Int32)? {
        let optionCount = arguments.firstIndex(of: "--") ?? arguments.endIndex
        var askedForHelp = false
        var withoutHelp: [String] = []
        /// Each cluster given without its `h`, and as it was typed.
        var clusters: [(parsed: String, typed: String)] = []
        for (position, argument) in arguments.enumerated() {
            guard position < optionCount else { withoutHelp.append(argument); continue }
            if argument == "-h" || argument == "--help" {
                askedForHelp = true
            } else if argument.hasPrefix("-"), !argument.hasPrefix("--"), argument.count > 2, argument.contains("h") {
                askedForHelp = true
                let parsed = String(argument.filter { $0 != "h" })
                clusters.append((parsed, argument))
                withoutHelp.append(parsed)
            } else {
                withoutHelp.append(argument)
            }
        }
        guard askedForHelp else { return nil }
        do {
            _ = try Bale.parseAsRoot(withoutHelp)
            return nil
        } catch {
            guard Bale.message(for: error).hasPrefix("Unknown option") else { return nil }
            var message = Bale.fullMessage(for: error)
            for cluster in clusters {
                message = message.replacing("'\(cluster.parsed)'", with: "'\(cluster.typed)'")
            }
            return (message, Bale.exitCode(for: error).rawValue)
        }
    }
}
