// StyleLapse as a library: paint a photo in the style of a painting, print each iteration's loss from the event
// stream, write the best picture and the film.
//
//   swift run -c release stylize-example PHOTO PAINTING OUTPUT.png [FILM.mp4] [ITERATIONS]

import Foundation
import StyleLapse

let args = CommandLine.arguments
guard args.count >= 4 else {
    FileHandle.standardError.write(Data("usage: stylize-example PHOTO PAINTING OUTPUT.png [FILM.mp4] [ITERATIONS]\n".utf8))
    exit(2)
}
do {
    var options = SessionOptions()                  // StyleLapse's defaults; .report for the origin report's run
    (options.content, options.styles, options.maxSize) = (args[1], [args[2]], 256)
    options.iterations = args.count > 5 ? Int(args[5]) : 100
    let session = try StylizeSession(settings: try options.settings())
    session.attach(EventHandler { event in
        if case .iteration(let i) = event { print("iteration \(i.record.iteration): loss \(i.record.loss.total)") }
    })
    var outputs = RunOutputs(output: args[3])       // the picture, and a film when asked
    if args.count > 4 && !args[4].isEmpty { outputs.videos = [args[4]] }
    try outputs.attach(to: session)
    let outcome = try session.run()                 // refuses outputs over its inputs before any work
    print("best loss \(outcome.bestLoss.total) at iteration \(outcome.bestIteration); wrote \(args[3])")
} catch {
    FileHandle.standardError.write(Data("stylize-example: \(error)\n".utf8))
    exit(1)
}
