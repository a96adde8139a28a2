// `stylize --serve`: the live page's server as a client sees it — its address line, the token on every call, 404s
// and path tricks, the figures, the picture, the event stream, 50 clients at once, a client that never reads,
// steering and Stop — and the page itself in a real browser (headless Chromium).

import Foundation
import ImageFiles
import TestSupport
import Timelapse
import XCTest

final class LiveCommandTests: XCTestCase {
    let content = Fixture.path("demo/chelsea.png"), style = Fixture.path("demo/starry_night.jpg")

    override func setUpWithError() throws { _ = try RealWeights.require() }

    /// A running `stylize --serve 0` and what its address line says.
    struct Live {
        let process: Process, port: Int, token: String, dir: TemporaryFolder
        func get(_ target: String, token given: String? = nil) throws -> RawResponse {
            try RawHTTP.request(port: port, "GET", target + (target.contains("?") ? "&" : "?") + "token=" + (given ?? token))
        }
        func post(_ target: String, json: String = "") throws -> RawResponse {
            try RawHTTP.request(port: port, "POST", target, headers: ["Authorization": "Bearer \(token)",
                                                                      "Content-Type": "application/json"],
                                body: Data(json.utf8))
        }
        func state() throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: try get("/api/state").body) as! [String: Any]
        }
        func waitFor(_ what: String, _ done: ([String: Any]) -> Bool) throws -> [String: Any] {
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline {
                if let s = try? state(), done(s) { return s }
                usleep(100_000)
            }
            XCTFail("timed out waiting for \(what)")
            return [:]
        }
    }

    func start(_ extra: [String], iterations: Int = 100000, more: (TemporaryFolder) -> [String] = { _ in [] }) throws -> Live {
        let dir = TemporaryFolder()
        let process = try Command.start(["stylize", "--content", content, "--style", style, "--max-size", "64",
                                         "--iterations", "\(iterations)", "--output", dir.file("o.png"),
                                         "--video", dir.file("v.mp4"), "--trace", dir.file("t.jsonl"),
                                         "--serve", "0", "--serve-linger", "0"] + extra + more(dir),
                                        stderr: dir.file("err.txt"))
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let err = (try? String(contentsOfFile: dir.file("err.txt"), encoding: .utf8)) ?? ""
            if let line = err.split(separator: "\n").first(where: { $0.hasPrefix("live: ") }) {
                let url = line.dropFirst("live: ".count)
                let parts = url.split(separator: "?token=")
                let port = Int(parts[0].split(separator: ":").last!.split(separator: "/").first!)!
                XCTAssertTrue(url.hasPrefix("http://127.0.0.1:"), String(url))
                return Live(process: process, port: port, token: String(parts[1]), dir: dir)
            }
            usleep(50_000)
        }
        process.terminate()
        process.waitUntilExit()
        let err = (try? String(contentsOfFile: dir.file("err.txt"), encoding: .utf8)) ?? ""
        throw NoAddress(stderr: err)   // a failure, never a skip: a page that does not start fails every test here
    }

    /// `--serve` printed no `live:` line within a minute.
    struct NoAddress: Error, CustomStringConvertible {
        let stderr: String
        var description: String { "stylize --serve printed no live: line within 60 s; its stderr:\n\(stderr)" }
    }

    /// With masks, the page shows what they say beside the photo (`/api/masks`, a PNG thumbnail, behind the token
    /// as every call); without masks there is none to show (404) and the figure stays hidden.
    func testMasksAreShownBesideThePhoto() throws {
        let live = try start([]) { dir in
            var m = RGBImage(width: 451, height: 300)
            for y in 0..<300 { for x in 0..<200 { for c in 0..<3 { m[x, y, c] = 255 } } }
            try? PNGFile.write(m, to: dir.file("left.png"))
            return ["--style-mask", dir.file("left.png"), "--content-mask", dir.file("left.png")]
        }
        defer { live.process.terminate(); live.process.waitUntilExit() }
        let masks = try live.get("/api/masks")
        XCTAssertEqual(masks.status, 200)
        XCTAssertEqual(masks.headers["content-type"], "image/png")
        let picture = try ImageFile.decode([UInt8](masks.body), path: "masks")
        XCTAssertEqual([picture.width, picture.height], [64, 43], "the photo's working size (no larger than a thumbnail)")
        XCTAssertEqual(try RawHTTP.request(port: live.port, "GET", "/api/masks").status, 401)
        XCTAssertTrue(try live.get("/").text.contains(#"id="masksFigure" hidden"#))
        let plain = try start([])
        defer { plain.process.terminate(); plain.process.waitUntilExit() }
        XCTAssertEqual(try plain.get("/api/masks").status, 404)
    }

    func testTheServerAnswersOnlyWithItsToken() throws {
        let live = try start([])
        defer { live.process.terminate(); live.process.waitUntilExit() }
        XCTAssertEqual(live.token.count, 32, "128 bits, hex")
        XCTAssertTrue(live.token.allSatisfy(\.isHexDigit))
        _ = try live.waitFor("an iteration") { ($0["iteration"] as? Int ?? 0) >= 2 }
        // Without the token, or with another: 401 and nothing else.
        for target in ["/", "/api/state", "/api/image", "/api/events", "/nothing", "/files/picture"] {
            let bare = try RawHTTP.request(port: live.port, "GET", target)
            XCTAssertEqual(bare.status, 401, target)
            XCTAssertEqual(bare.body.count, 0, target)
        }
        XCTAssertEqual(try live.get("/api/state", token: String(repeating: "0", count: 32)).status, 401)
        XCTAssertEqual(try RawHTTP.request(port: live.port, "POST", "/api/stop").status, 401, "Stop needs the token too")
        XCTAssertEqual(try RawHTTP.request(port: live.port, "GET", "/api/state",
                                           headers: ["Authorization": "Bearer \(live.token)"]).status, 200)
        // Unknown paths and path tricks: 404, never a file.
        for target in ["/nothing", "/api/../api/state", "/%2e%2e/%2e%2e/etc/passwd", "/files/../../etc/passwd",
                       "/files/%2Fetc%2Fpasswd", "/files/o.png", "/api/state/..", "//etc/passwd"] {
            let r = try live.get(target)
            XCTAssertEqual(r.status, 404, target)
            XCTAssertFalse(r.text.contains("root:"), target)
        }
        XCTAssertEqual(try live.get("/files/picture").status, 404, "outputs only once written")
        // The figures, the picture, the page, the history.
        let state = try live.state()
        for key in ["iteration", "iterations", "total", "style", "content", "width", "height", "pass", "status"] {
            XCTAssertNotNil(state[key], key)
        }
        XCTAssertEqual(state["status"] as? String, "running")
        let image = try live.get("/api/image")
        XCTAssertEqual(image.headers["content-type"], "image/png")
        XCTAssertEqual(try ImageFile.decode([UInt8](image.body), path: "image").width, 64)
        let page = try live.get("/")
        XCTAssertTrue(page.text.contains("<title>StyleLapse — live</title>") && !page.text.contains("http://cdn"))
        XCTAssertEqual(try live.get("/api/photo").headers["content-type"], "image/png")
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: try live.get("/api/history").body) as? [[Double]])
        // The scrubber's frames: by number only.
        XCTAssertGreaterThan(try live.state()["frames"] as? Int ?? 0, 0)
        let frame = try live.get("/api/frame?n=0")
        XCTAssertEqual(frame.status, 200)
        XCTAssertEqual(try ImageFile.decode([UInt8](frame.body), path: "frame").width, 64, "the first frame (no larger than the run)")
        for n in ["-1", "999999", "abc", "..%2F..%2Fetc%2Fpasswd"] { XCTAssertEqual(try live.get("/api/frame?n=" + n).status, 404, n) }
    }

    func testEventsManyClientsAndOneThatNeverReads() throws {
        let live = try start([])
        defer { live.process.terminate(); live.process.waitUntilExit() }
        _ = try live.waitFor("the run") { ($0["iteration"] as? Int ?? 0) >= 1 }
        // A client that asks for the events and never reads them.
        let stuck = try RawHTTP.connect(port: live.port)
        defer { close(stuck) }
        let request = "GET /api/events?token=\(live.token) HTTP/1.1\r\nHost: x\r\n\r\n"
        _ = request.withCString { send(stuck, $0, strlen($0), 0) }
        // The event stream: iteration events as the run goes.
        let events = try RawHTTP.connect(port: live.port)
        defer { close(events) }
        let ask = "GET /api/events?token=\(live.token) HTTP/1.1\r\nHost: x\r\n\r\n"
        _ = ask.withCString { send(events, $0, strlen($0), 0) }
        var received = Data(), buffer = [UInt8](repeating: 0, count: 8192)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && String(decoding: received, as: UTF8.self).components(separatedBy: "event: iteration").count < 4 {
            let n = recv(events, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received.append(contentsOf: buffer[0..<n])
        }
        let text = String(decoding: received, as: UTF8.self)
        XCTAssertTrue(text.contains("text/event-stream"), text)
        XCTAssertTrue(text.contains("event: state"), "the figures at once")
        XCTAssertGreaterThanOrEqual(text.components(separatedBy: "event: iteration").count - 1, 3)
        // 50 clients at once.
        let before = try live.state()["iteration"] as? Int ?? 0
        let (port, token) = (live.port, live.token)
        let statuses = Statuses(50)
        DispatchQueue.concurrentPerform(iterations: 50) { k in
            statuses.set(k, (try? RawHTTP.request(port: port, "GET", "/api/state?token=\(token)").status) ?? 0)
        }
        XCTAssertEqual(statuses.all, Array(repeating: 200, count: 50))
        // The run goes on with the stuck client connected.
        _ = try live.waitFor("iterations with a stuck client") { ($0["iteration"] as? Int ?? 0) >= before + 5 }
    }

    func testSteerThenStop() throws {
        let live = try start(["--strength", "0.3"])
        _ = try live.waitFor("iteration 3") { ($0["iteration"] as? Int ?? 0) >= 3 }
        // Pause holds the run between two steps; resume lets it go on.
        XCTAssertEqual(try live.post("/api/resume").status, 409, "not paused")
        let paused = try live.post("/api/pause")
        XCTAssertEqual(paused.status, 200, paused.text)
        usleep(700_000)   // a step under way finishes
        let held = try live.state()
        XCTAssertEqual(held["status"] as? String, "paused")
        usleep(1_000_000)
        XCTAssertEqual(try live.state()["iteration"] as? Int, held["iteration"] as? Int, "no step while paused")
        XCTAssertEqual(try live.post("/api/resume").status, 200)
        _ = try live.waitFor("a step after resuming") { ($0["iteration"] as? Int ?? 0) > (held["iteration"] as? Int ?? 0) }
        XCTAssertEqual(try live.post("/api/steer", json: "{\"strength\": 1.7}").status, 400, "out of range")
        XCTAssertEqual(try live.post("/api/steer", json: "nonsense").status, 400)
        let steer = try live.post("/api/steer", json: "{\"strength\": 0.9}")
        XCTAssertEqual(steer.status, 200, steer.text)
        let after = try live.waitFor("the change") { ($0["strength"] as? Double ?? 0) > 0.89 }
        XCTAssertEqual(after["strength"] as? Double ?? 0, 0.9, accuracy: 1e-9)
        let stop = try live.post("/api/stop")
        XCTAssertEqual(stop.status, 200)
        live.process.waitUntilExit()
        XCTAssertEqual(live.process.terminationStatus, 130, "Stop is Ctrl-C's clean finish")
        XCTAssertNoThrow(try ImageFile.read(live.dir.file("o.png")))
        XCTAssertGreaterThan(try VideoFile.read(live.dir.file("v.mp4")).frames.count, 0, "a playable film")
        let trace = try String(contentsOfFile: live.dir.file("t.jsonl"), encoding: .utf8)
        XCTAssertTrue(trace.contains("\"event\":\"steer\""), "the change is in the trace")
    }

    /// A run steered from the page, checkpointed at its end, is made again from its start by --replay: the same
    /// picture, byte for byte.
    func testASteeredRunIsMadeAgainByReplay() throws {
        let live = try start(["--strength", "0.3", "--max-size", "48"], iterations: 16) { ["--checkpoint", $0.file("ck")] }
        _ = try live.waitFor("iteration 4") { ($0["iteration"] as? Int ?? 0) >= 4 }
        XCTAssertEqual(try live.post("/api/steer", json: "{\"strength\": 0.85}").status, 200)
        live.process.waitUntilExit()
        XCTAssertEqual(live.process.terminationStatus, 0)
        let trace = try String(contentsOfFile: live.dir.file("t.jsonl"), encoding: .utf8)
        XCTAssertTrue(trace.contains("\"event\":\"steer\""), "steered")
        let again = try Command.run(["stylize", "--replay", live.dir.file("ck"), "--output", live.dir.file("again.png"),
                                     "--quiet"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(Fixture.bytesAt(live.dir.file("again.png")), Fixture.bytesAt(live.dir.file("o.png")),
                       "the steered run made again")
        let refused = try Command.run(["stylize", "--replay", live.dir.file("ck"), "--strength", "0.5"])
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.stderr.contains("--replay makes the run as it was"), refused.stderr)
    }

    /// sweep --serve: the running cell on the page; Stop ends the sweep as Ctrl-C does (130, the sheet of what ran).
    func testASweepOnThePage() throws {
        let dir = TemporaryFolder()
        let process = try Command.start(["sweep", "--content", content, "--style", style, "--strength", "0.3,0.7",
                                         "--iterations", "100000", "--max-size", "48", "--output", dir.file("s.png"),
                                         "--serve", "0"], stderr: dir.file("err.txt"))
        var url = ""
        for _ in 0..<600 where url.isEmpty {
            url = ((try? String(contentsOfFile: dir.file("err.txt"), encoding: .utf8)) ?? "").split(separator: "\n")
                .first { $0.hasPrefix("live: ") }.map { String($0.dropFirst(6)) } ?? ""
            usleep(50_000)
        }
        let parts = url.split(separator: "?token=")
        XCTAssertEqual(parts.count, 2, url)
        let port = Int(parts[0].split(separator: ":").last!.split(separator: "/").first!)!
        let token = String(parts[1])
        let deadline = Date().addingTimeInterval(60)
        var running = false
        while Date() < deadline && !running {
            let r = try? RawHTTP.request(port: port, "GET", "/api/state?token=\(token)")
            running = (r.flatMap { try? JSONSerialization.jsonObject(with: $0.body) as? [String: Any] }?["iteration"] as? Int ?? 0) > 2
            usleep(100_000)
        }
        XCTAssertTrue(running)
        XCTAssertEqual(try RawHTTP.request(port: port, "POST", "/api/steer?token=\(token)",
                                           body: Data("{\"strength\": 0.5}".utf8)).status, 409, "a sweep is not steered")
        XCTAssertEqual(try RawHTTP.request(port: port, "POST", "/api/stop?token=\(token)").status, 200)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        XCTAssertNoThrow(try ImageFile.read(dir.file("s.png")), "the sheet of what ran")
    }

    func testTheSettingsAreCheckedBeforeTheRun() throws {
        for (value, words) in [("notaport", "--serve takes [HOST:]PORT"), ("1.2.3.4:99999", "--serve takes")] {
            let result = try Command.run(["stylize", "--content", content, "--style", style, "--serve", value])
            XCTAssertEqual(result.status, 64)
            XCTAssertTrue(result.stderr.contains(words), result.stderr)
        }
        let linger = try Command.run(["stylize", "--content", content, "--style", style, "--serve-linger", "3"])
        XCTAssertTrue(linger.stderr.contains("--serve-linger goes with --serve"), linger.stderr)
        // Any other address than loopback is given on purpose, and warned about.
        let dir = TemporaryFolder()
        let open = try Command.run(["stylize", "--content", content, "--style", style, "--max-size", "32", "--iterations", "1",
                                    "--output", dir.file("o.png"), "--serve", "0.0.0.0:0", "--serve-linger", "0"])
        XCTAssertEqual(open.status, 0, open.stderr)
        XCTAssertTrue(open.stderr.contains("warning: the live page on 0.0.0.0 is reachable from the network"), open.stderr)
        XCTAssertTrue(open.stderr.contains("live: http://0.0.0.0:"), open.stderr)
    }

    /// The page's DOM after headless Chromium has run it for a moment (3 s of virtual time).
    func pageInChromium(_ live: Live) throws -> String {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let browser = try XCTUnwrap(chromium, "headless Chromium is needed (tools/setup/install-deps --tests installs it)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                             "--virtual-time-budget=3000", "--dump-dom", "http://127.0.0.1:\(live.port)/?token=\(live.token)"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return dom
    }

    /// A finished run's page in a real browser: it says how the run ended, not "live", and offers no Pause or Stop.
    func testTheFinishedPageIsNoLongerLive() throws {
        let live = try start(["--serve-linger", "60"], iterations: 2)
        defer { live.process.terminate(); live.process.waitUntilExit() }
        let state = try live.waitFor("the finish") { $0["status"] as? String == "finished" }
        XCTAssertEqual(state["stop"] as? String, "iterations: every step given", "why it ended")
        let dom = try pageInChromium(live)
        XCTAssertTrue(dom.contains("id=\"status\" class=\"finished\""), dom)
        XCTAssertTrue(dom.contains("<div class=\"why\">iterations: every step given</div>"), "the page says why: \(dom)")
        XCTAssertTrue(dom.contains("<span id=\"progress\"></span>"), "no percentage for a finished run: \(dom)")
        XCTAssertTrue(dom.contains("<title>StyleLapse — finished</title>"), dom)
        let label = try XCTUnwrap(dom.range(of: "<span id=\"scrubLabel\">").map { dom[$0.upperBound...].prefix { $0 != "<" } })
        XCTAssertTrue(label.hasSuffix(" frames") && !label.contains("live"), "the scrubber's label: \(label)")
        for button in ["pause", "stop"] {
            let tag = try XCTUnwrap(dom.range(of: "<button id=\"\(button)\"").map { dom[$0.lowerBound...].prefix { $0 != ">" } })
            XCTAssertTrue(tag.contains("hidden"), "\(button) is still offered: \(tag)")
        }
    }

    /// The page in a real browser: after a few iterations its counter shows them and its picture is loaded.
    func testThePageInHeadlessChromium() throws {
        let live = try start([])
        defer { live.process.terminate(); live.process.waitUntilExit() }
        _ = try live.waitFor("iteration 3") { ($0["iteration"] as? Int ?? 0) >= 3 }
        /// The page's iteration counter after the browser has run it for a moment.
        func counter() throws -> (Int, String) {
            let dom = try pageInChromium(live)
            let text = try XCTUnwrap(dom.range(of: "<dd id=\"iteration\">").map { dom[$0.upperBound...].prefix { $0 != "<" } },
                                     "the counter is in the page")
            return (Int(text.split(separator: " ").first ?? "") ?? 0, dom)
        }
        let (first, dom) = try counter()
        XCTAssertGreaterThanOrEqual(first, 3, "the page shows the run's iteration")
        usleep(1_500_000)
        let (second, _) = try counter()
        XCTAssertGreaterThan(second, first, "and follows it")
        XCTAssertTrue(dom.contains("id=\"status\" class=\"running\""), "running")
        XCTAssertTrue(dom.contains("src=\"blob:") || dom.contains("/api/image?n="), "the picture is loaded")
    }
}

/// Statuses filled in from many threads.
final class Statuses: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int]
    init(_ n: Int) { values = Array(repeating: 0, count: n) }
    func set(_ k: Int, _ v: Int) { lock.withLock { values[k] = v } }
    var all: [Int] { lock.withLock { values } }
}
