// ServeAddress: `--serve [HOST:]PORT` — loopback unless a host is given.

import ArgumentParser

struct ServeAddress: Equatable {
    var host: String, port: UInt16

    /// "8080", "0", "127.0.0.1:8080", "0.0.0.0:8080", "[::1]:8080"; nil when malformed.
    init?(_ text: String) {
        var host = "127.0.0.1", portText = Substring(text)
        if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { return nil }
        }
        guard let port = UInt16(portText) else { return nil }
        (self.host, self.port) = (host, port)
    }

    /// Whether only this machine can reach it.
    var isLoopback: Bool { host == "127.0.0.1" || host == "::1" || host.hasPrefix("127.") }
}

extension ServeAddress {
    /// `--serve` and `--serve-linger` as a command takes them (`stylize`, `clip`): a well-formed address, a linger
    /// only with it and within a day.
    static func check(serve: String?, linger: Double?) throws {
        if let serve, ServeAddress(serve) == nil {
            throw ValidationError("--serve takes [HOST:]PORT, e.g. 8080, 0 (a free port) or 0.0.0.0:8080")
        }
        if let linger {
            guard serve != nil else { throw ValidationError("--serve-linger goes with --serve") }
            guard linger >= 0 && linger <= 86400 else { throw ValidationError("--serve-linger must be 0…86400 seconds") }
        }
    }
}
