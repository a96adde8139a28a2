// The `stylize` command's run: options → settings and outputs (the library's) → a session (new, resumed or
// replayed) with its sinks → the summary. Every output is checked before anything is loaded.

import ArgumentParser
import Foundation
import StyleLapse

extension StylizeCommand {
    public func run() throws {
        try kernels.apply()
        // From here on, Ctrl-C asks for a clean stop (before the first step, the run stops at iteration 0).
        let interrupts = Interrupts()
        interrupts.install()
        let session: StylizeSession
        var outputs = runOutputs()
        if let resume {
            session = try StylizeSession(resuming: resume, iterations: painting.iterations, threads: threads)
            // Outputs not given again go where the first run's did.
            if let data = session.resumedApplication, let first = try? JSONDecoder().decode(RunOutputs.self, from: data) {
                outputs = outputs.over(first, outputGiven: output != nil)
            }
            var places = outputs.places
            places.removeAll { $0.role == .checkpoint }   // the folder it resumes, continued
            try OutputChecks.require(places, inputs: session.settings.inputs + [(Checkpoint.statePath(resume), .checkpointState)])
        } else if let replay {
            // The checkpointed run made again from its start: its settings, its steering, new outputs.
            let snapshot = try Checkpoint.load(replay)
            if output == nil { outputs.output = RunOutputs.defaultName([snapshot.settings.pictures.content] + snapshot.settings.pictures.styles) }
            try OutputChecks.require(outputs.places, inputs: snapshot.settings.inputs + [(Checkpoint.statePath(replay), .checkpointState)])
            session = try StylizeSession(settings: snapshot.settings, threads: threads)
        } else {
            let settings = try sessionOptions().settings()
            try OutputChecks.require(outputs.places, inputs: settings.inputs)
            if let frames { try OutputChecks.requireNoOldFrames(frames, remove: false, allowed: overwriteFrames) }
            session = try StylizeSession(settings: settings, threads: threads)
            // The old frames go only once the run can start: a refused run loses nothing.
            if let frames, overwriteFrames { try OutputChecks.requireNoOldFrames(frames, remove: true) }
        }
        interrupts.onStop = session.requestStop
        let plan = session.plan
        if !quiet {
            FileHandle.standardError.write(Data(String(format: "stylelapse: estimated peak memory %.0f MB, the objective "
                + "evaluated %@%@\n", Double(plan.memoryEstimate) / 1048576, plan.recompute?.description ?? "on one tape",
                plan.spillsPairs ? ", L-BFGS's curvature pairs spilled to a temporary file" : "").utf8))
        }
        session.attach(ProgressSink(total: plan.totalIterations, quiet: quiet))
        let film = try outputs.attach(to: session, command: ["stylelapse"] + CommandLine.arguments.dropFirst())
        let live = try serve.flatMap(ServeAddress.init).map {
            try LiveRun.start($0, session: session, outputs: outputs, interrupts: interrupts)
        }
        defer { live?.server.stop(state: live!.state) }

        let outcome: StylizeOutcome
        do {
            outcome = try session.run()
        } catch let failure as StylizeFailure {
            // A frame, the video or the trace could not be written (a full disk, an I/O error), or the optimisation
            // failed: the session saved the best image so far and says where.
            throw CommandError(description: failure.description)
        }
        if !quiet { summary(outcome, plan: plan, outputs: outputs, film: film?.parts) }
        if outcome.stopped, let folder = outputs.checkpoint {
            FileHandle.standardError.write(Data(("stylelapse: stopped at iteration \(outcome.iterations); the checkpoint saved in "
                + "\(folder) continues with: stylelapse stylize --resume \(folder)\n").utf8))
        }
        if let live {
            live.written(["picture"] + (outputs.videos.isEmpty ? [] : ["video"]) + (outputs.trace == nil ? [] : ["trace"]))
            live.linger(serveLinger ?? Self.defaultServeLinger, interrupts: interrupts, quiet: quiet)
        }
        if outcome.stopped { throw ExitCode(130) }
    }

    func summary(_ o: StylizeOutcome, plan: StylizePlan, outputs: RunOutputs, film: FilmParts?) {
        // This run's own share: a resumed run counts from its checkpoint.
        let before = o.resumedFrom ?? (0, 0, 0)
        let (steps, seconds) = (o.iterations - before.iterations, o.seconds - before.seconds)
        let resumed = o.resumedFrom.map { " after the checkpoint's \($0.iterations) (\(o.iterations) in all; " } ?? " ("
        print(String(format: "%@ in %.1f s: %d iterations%@%d evaluations), %.3f s per iteration, peak memory %.0f MB",
                     o.stopped ? "stopped" : (o.converged ? "converged" : o.finished != nil ? "finished" : "done"), seconds,
                     steps, resumed, o.evaluations - before.evaluations, seconds / Double(max(steps, 1)), ProcessMemory.peakMB))
        print(o.stopReason)
        print(String(format: "best loss %.6g at iteration %d (style %.6g, content %.6g)", o.bestLoss.total,
                     o.bestIteration, o.bestLoss.style, o.bestLoss.content)
            + (o.bestPass.divisor == 1 ? "" : " in the pass at \(o.bestPass.width)×\(o.bestPass.height), enlarged"))
        let fps = Double(outputs.film.fps)
        let parts = film.map { String(format: " (%.1f s: %.1f opening, %.1f painting, %.1f closing)",
                                      Double($0.total) / fps, Double($0.opening) / fps, Double($0.painting) / fps,
                                      Double($0.closing) / fps) } ?? ""
        print("wrote \(outputs.output)" + outputs.videos.map { ", \($0)" }.joined() + parts
            + [outputs.trace, outputs.plot, outputs.frames, outputs.checkpoint].compactMap { $0.map { ", \($0)" } }.joined())
    }
}
