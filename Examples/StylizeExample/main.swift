// StyleLapse as a library: paint a photo in the style of a painting, print each iteration's loss from the event
// stream, write the best picture and the timelapse.
//
//   swift run -c release stylize-example PHOTO PAINTING OUTPUT.png [FILM.mp4]

import Foundation
import StyleLapse

let args = CommandLine.arguments
guard args.count >= 4 else {
    FileHandle.standardError.write(Data("usage: stylize-example PHOTO PAINTING OUTPUT.png [FILM.mp4]\n".utf8))
    exit(2)
}
do {
    var run = StylizeSettings.standard
    run.iterations = 100
    let settings = SessionSettings(pictures: PictureSettings(content: args[1], styles: [args[2]], maxSize: 256), run: run)
    let session = try StylizeSession(settings: settings)
    session.attach(EventHandler { event in
        if case .iteration(let i) = event { print("iteration \(i.record.iteration): loss \(i.record.loss.total)") }
    })
    if args.count > 4 { session.attach(try TimelapseSink(path: args[4], width: session.plan.width, height: session.plan.height)) }
    let outcome = try session.run()
    try PNGFile.write(outcome.best, to: args[3])
    print("best loss \(outcome.bestLoss.total) at iteration \(outcome.bestIteration); wrote \(args[3])")
} catch {
    FileHandle.standardError.write(Data("stylize-example: \(error)\n".utf8))
    exit(1)
}
