// `--serve`: the live page beside a run (a picture, a sweep, a clip) — its sink attached, its address printed, the
// outputs listed once written, and the page kept up a while after the run (Ctrl-C ends that sooner).

import Foundation
import Live
import StyleLapse

struct LiveRun {
    let server: LiveServer
    let state: LiveState

    /// Starts serving at `address`: one line `live: URL` on stderr (and a warning when the page is reachable from
    /// the network). `stop` is the page's Stop; `steer` its slider (nil: not steerable).
    static func start(_ address: ServeAddress, photo: RGBImage, painting: RGBImage?, masks: RGBImage? = nil, files: [String: String],
                      stop: @escaping @Sendable () -> Void,
                      steer: (@Sendable (Double?, Double?) throws -> Void)?,
                      pause: (@Sendable (Bool) -> Void)? = nil) throws -> LiveRun {
        let state = LiveState()
        func thumbnail(_ image: RGBImage) -> Data? {
            (try? PNGFile.encode(image.resized(maxSide: 240), name: "thumbnail")).map { Data($0) }
        }
        let content = LiveServer.Content(photo: thumbnail(photo), painting: painting.flatMap(thumbnail),
                                         masks: masks.flatMap(thumbnail), files: files,
                                         stop: stop, steer: steer, pause: pause)
        let server: LiveServer
        do {
            server = try LiveServer(host: address.host, port: address.port, state: state, content: content)
        } catch {
            throw CommandError(description: "--serve \(address.host):\(address.port): cannot listen there (\(error))")
        }
        if !address.isLoopback {
            FileHandle.standardError.write(Data(("stylelapse: warning: the live page on \(address.host) is reachable "
                + "from the network (anyone with its address and token can watch and stop the run)\n").utf8))
        }
        FileHandle.standardError.write(Data("live: \(server.url)\n".utf8))
        return LiveRun(server: server, state: state)
    }

    /// Starts serving one `stylize` session (Stop as Ctrl-C, the slider steering it).
    static func start(_ address: ServeAddress, session: StylizeSession, outputs: RunOutputs,
                      interrupts: Interrupts) throws -> LiveRun {
        var files = ["picture": outputs.output]
        if let video = outputs.videos.first { files["video"] = video }
        if let trace = outputs.trace { files["trace"] = trace }
        // steer, pause and resume are safe from any thread (the session's own lock), which the compiler cannot see.
        nonisolated(unsafe) let running = session
        let live = try start(address, photo: session.pictures.photo, painting: session.pictures.styles.first,
                             masks: session.pictures.maskOverview, files: files, stop: { interrupts.request() },
                             steer: { strength, weight in try running.steer(strength: strength, styleWeight: weight) },
                             pause: { $0 ? running.pause() : running.resume() })
        live.attach(session, steerable: true)
        return live
    }

    /// Starts serving a painted clip (Stop as Ctrl-C: the frame being painted is finished). Not steerable.
    static func start(_ address: ServeAddress, clip session: ClipSession, interrupts: Interrupts) throws -> LiveRun {
        let pictures = session.settings.painting.pictures
        let first = try session.firstPicture()
        let live = try start(address, photo: first, painting: try? ImageFile.read(pictures.styles[0]),
                             masks: pictures.hasMasks ? try Pictures(pictures, photo: first).maskOverview : nil,
                             files: ["video": session.output], stop: { interrupts.request() }, steer: nil)
        session.attach(ClipLiveSink(state: live.state, session: session))
        return live
    }

    /// Shows `session` on the page from now on.
    func attach(_ session: StylizeSession, steerable: Bool) {
        session.attach(LiveSink(state: state, objective: session.settings.run.objective, steerable: steerable))
    }

    /// The outputs are written: the page lists them (by their fixed names).
    func written(_ names: [String]) { state.update(.finish) { $0.files = names } }

    /// Keeps the page up for `seconds` or until `interrupts` ends it, then stops serving.
    func linger(_ seconds: Double, interrupts: Interrupts, quiet: Bool) {
        if seconds > 0 {
            if !quiet {
                FileHandle.standardError.write(Data(String(format: "live: the page stays up for %.0f s (Ctrl-C ends it)\n",
                                                           seconds).utf8))
            }
            let (before, end) = (interrupts.count, Date().addingTimeInterval(seconds))
            while Date() < end && interrupts.count == before { usleep(100_000) }
        }
        server.stop(state: state)
    }
}
