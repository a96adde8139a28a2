// LiveRoutes: every request the live page's server answers, behind the token.

import FlyingFox
import FlyingSocks
import Foundation

struct LiveRoutes: HTTPHandler {
    let token: String
    let state: LiveState
    let content: LiveServer.Content

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard authorized(request) else { return HTTPResponse(statusCode: .unauthorized) }
        // The raw path must be one of the routes as written: no "..", no encoded characters, no empty segments.
        let raw = request.target.path(percentEncoded: true)
        guard raw == request.path, !raw.contains(".."), !raw.contains("%"), !raw.contains("//") else {
            return HTTPResponse(statusCode: .notFound)
        }
        switch (request.method, request.path) {
        case (.GET, "/"): return respond(Data(LivePage.html.utf8), type: "text/html; charset=utf-8")
        case (.GET, "/api/state"): return respond(try JSONEncoder().encode(state.current), type: "application/json")
        case (.GET, "/api/history"): return respond(state.historyJSON(), type: "application/json")
        case (.GET, "/api/image"):
            guard let png = state.picturePNG() else { return HTTPResponse(statusCode: .notFound) }
            return respond(png, type: "image/png")
        case (.GET, "/api/frame"):
            // A number (the frame's place in the run), never a name.
            guard let k = request.query["n"].flatMap({ Int($0) }), let png = state.frame(k) else {
                return HTTPResponse(statusCode: .notFound)
            }
            return respond(png, type: "image/png")
        case (.GET, "/api/photo"): return content.photo.map { respond($0, type: "image/png") } ?? HTTPResponse(statusCode: .notFound)
        case (.GET, "/api/masks"): return content.masks.map { respond($0, type: "image/png") } ?? HTTPResponse(statusCode: .notFound)
        case (.GET, "/api/painting"):
            return content.painting.map { respond($0, type: "image/png") } ?? HTTPResponse(statusCode: .notFound)
        case (.GET, "/api/events") where request.headers[.upgrade]?.lowercased() == "websocket":
            // The page's stream: the same messages over a WebSocket (an open event stream would keep a headless
            // browser's page from ever finishing its load).
            return try await WebSocketHTTPHandler(handler: MessageFrameWSHandler(handler: EventsSocket(state: state)))
                .handleRequest(request)
        case (.GET, "/api/events"):
            let body = HTTPBodySequence(from: StreamBytes(stream: state.subscribe()))
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/event-stream", HTTPHeader("Cache-Control"): "no-store"],
                                body: body)
        case (.POST, "/api/stop"):
            content.stop()
            return respond(Data("{\"stopping\": true}".utf8), type: "application/json")
        case (.POST, "/api/pause"), (.POST, "/api/resume"):
            guard let pause = content.pause else { return error(409, "this run cannot be paused") }
            let pausing = request.path == "/api/pause"
            guard state.current.status == (pausing ? "running" : "paused") else {
                return error(409, "the run is \(state.current.status)")
            }
            pause(pausing)
            state.update(.state) { $0.status = pausing ? "paused" : "running" }
            return respond(try JSONEncoder().encode(state.current), type: "application/json")
        case (.POST, "/api/steer"):
            guard let steer = content.steer else { return error(409, "this run cannot be steered") }
            let body = try await request.bodyData
            guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                return error(400, "expected JSON {\"strength\": x} or {\"style_weight\": x}")
            }
            let strength = (object["strength"] as? NSNumber)?.doubleValue
            let styleWeight = (object["style_weight"] as? NSNumber)?.doubleValue
            guard (strength == nil) != (styleWeight == nil) else {
                return error(400, "expected JSON {\"strength\": x} or {\"style_weight\": x}")
            }
            do { try steer(strength, styleWeight) } catch { return self.error(400, "\(error)") }
            return respond(try JSONEncoder().encode(state.current), type: "application/json")
        case (.GET, let path) where path.hasPrefix("/files/"):
            let name = String(path.dropFirst("/files/".count))
            // Only the outputs by their fixed names, once the run has written them.
            guard ["finished", "stopped"].contains(state.current.status), let file = content.files[name],
                  let data = FileManager.default.contents(atPath: file) else { return HTTPResponse(statusCode: .notFound) }
            let type = ["png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp",
                        "mp4": "video/mp4", "webm": "video/webm", "gif": "image/gif", "apng": "image/apng",
                        "jsonl": "application/jsonl"][(file as NSString).pathExtension.lowercased()]
            return respond(data, type: type ?? "application/octet-stream",
                           download: (file as NSString).lastPathComponent)
        default:
            return HTTPResponse(statusCode: .notFound)
        }
    }

    /// The token from `?token=` or `Authorization: Bearer`, compared in constant time.
    private func authorized(_ request: HTTPRequest) -> Bool {
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        guard let given = request.query["token"] ?? bearer else { return false }
        let (a, b) = (Array(given.utf8), Array(token.utf8))
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func respond(_ data: Data, type: String, download: String? = nil) -> HTTPResponse {
        var headers: HTTPHeaders = [.contentType: type, HTTPHeader("Cache-Control"): "no-store"]
        if let download { headers[HTTPHeader("Content-Disposition")] = "inline; filename=\"\(download)\"" }
        return HTTPResponse(statusCode: .ok, headers: headers, body: data)
    }

    private func error(_ code: Int, _ message: String) -> HTTPResponse {
        let status: HTTPStatusCode = code == 409 ? .conflict : .badRequest
        let json = (try? JSONSerialization.data(withJSONObject: ["error": message])) ?? Data()
        return HTTPResponse(statusCode: status, headers: [.contentType: "application/json"], body: json)
    }
}

/// Each page's messages over a WebSocket: every message one text frame (the same text as the event stream's).
struct EventsSocket: WSMessageHandler {
    let state: LiveState
    func makeMessages(for client: AsyncStream<WSMessage>) async throws -> AsyncStream<WSMessage> {
        let events = state.subscribe()
        return AsyncStream(bufferingPolicy: .bufferingNewest(state.queueLimit)) { continuation in
            let task = Task {
                for await message in events { continuation.yield(.text(String(decoding: message, as: UTF8.self))) }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// A page's event stream as the bytes FlyingFox sends (chunked): each message as it comes.
struct StreamBytes: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8
    let stream: AsyncStream<Data>

    func makeAsyncIterator() -> Iterator { Iterator(base: stream.makeAsyncIterator()) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var base: AsyncStream<Data>.Iterator
        var pending: [UInt8] = []

        mutating func next() async -> UInt8? {
            guard let buffer = await nextBuffer(suggested: 1) else { return nil }
            return buffer.first
        }

        mutating func nextBuffer(suggested count: Int) async -> [UInt8]? {
            if pending.isEmpty {
                guard let data = await base.next() else { return nil }
                pending = [UInt8](data)
            }
            let n = Swift.max(1, Swift.min(count, pending.count))
            defer { pending.removeFirst(n) }
            return Array(pending.prefix(n))
        }
    }
}
