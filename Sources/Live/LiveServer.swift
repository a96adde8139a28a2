// LiveServer: the live page's HTTP server (FlyingFox). Every call needs the run's token (query `token=` or
// `Authorization: Bearer`): without it, 401 and nothing else; unknown paths 404. It serves only its embedded page,
// the run's figures and pictures, and the run's own outputs by fixed names: nothing in a request names a file.

import FlyingFox
import FlyingSocks
import Foundation
import StyleLapse

public final class LiveServer: @unchecked Sendable {
    /// 128 random bits, hex.
    public let token: String
    public let host: String
    public private(set) var port: UInt16 = 0
    private let server: HTTPServer
    private var task: Task<Void, Error>?

    /// What the server serves besides the figures: the photo and painting thumbnails (PNG), the outputs by fixed
    /// name ("picture", "video", "trace" → paths the command chose), and what Stop and steering do.
    public struct Content: Sendable {
        public var photo: Data?, painting: Data?
        /// What the masks say (`Pictures.maskOverview`), PNG; nil: no masks.
        public var masks: Data?
        public var files: [String: String]
        public var stop: @Sendable () -> Void
        public var steer: (@Sendable (_ strength: Double?, _ styleWeight: Double?) throws -> Void)?
        /// Pauses (true) or resumes (false) the run between two steps; nil: it cannot be paused.
        public var pause: (@Sendable (Bool) -> Void)?
        public init(photo: Data?, painting: Data?, masks: Data? = nil, files: [String: String], stop: @escaping @Sendable () -> Void,
                    steer: (@Sendable (Double?, Double?) throws -> Void)?, pause: (@Sendable (Bool) -> Void)? = nil) {
            (self.photo, self.painting, self.files, self.stop, self.steer) = (photo, painting, files, stop, steer)
            (self.pause, self.masks) = (pause, masks)
        }
    }

    /// Binds `host:port` (port 0: a free one) and starts serving; throws when the address cannot be bound.
    public init(host: String, port: UInt16, state: LiveState, content: Content) throws {
        var bytes = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &generator) }
        token = bytes.map { String(format: "%02x", $0) }.joined()
        self.host = host
        let address: any SocketAddress = host.contains(":") ? try sockaddr_in6.inet6(ip6: host, port: port)
            : try sockaddr_in.inet(ip4: host, port: port)
        server = HTTPServer(address: address, timeout: 30, logger: .disabled)
        let routes = LiveRoutes(token: token, state: state, content: content)
        let ready = DispatchSemaphore(value: 0)
        let failure = Handoff<Error>()
        let server = self.server
        task = Task {
            await server.appendRoute("*", to: routes)
            do { try await server.run() } catch { failure.value = error; ready.signal(); throw error }
        }
        Task {
            do { try await server.waitUntilListening(timeout: 10) } catch { failure.value = failure.value ?? error }
            ready.signal()
        }
        ready.wait()
        if let error = failure.value { throw error }
        let bound = Handoff<UInt16>()
        let got = DispatchSemaphore(value: 0)
        Task {
            if case .ip4(_, let p) = await server.listeningAddress { bound.value = p }
            if case .ip6(_, let p) = await server.listeningAddress { bound.value = p }
            got.signal()
        }
        got.wait()
        self.port = bound.value ?? port
    }

    /// The page's address with its token.
    public var url: String {
        "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/?token=\(token)"
    }

    /// Stops serving (open streams end).
    public func stop(state: LiveState) {
        state.closeAll()
        let done = DispatchSemaphore(value: 0)
        let server = self.server
        Task { await server.stop(timeout: 1); done.signal() }
        _ = done.wait(timeout: .now() + 3)
        task?.cancel()
    }
}
