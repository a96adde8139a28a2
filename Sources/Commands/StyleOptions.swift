// StyleOptions: the paintings and how they are read, the options `stylize` and `sweep` share.

import ArgumentParser
import Network
import StyleLapse

struct StyleOptions: RuleChecked {
    @Option(help: "The painting whose style to take (repeat for several, blended).") var style: [String] = []
    @Option(help: "Weights of several styles, comma-separated (default: equal).") var styleBlend: String?
    @Option(parsing: .unconditional, help: "Style picture's longer side as a multiple of the content's (default 1; with --preset report each painting keeps its own size).")
    var styleScale: Double?
    @Option(help: "Pooling in VGG19: max or average.") var pooling: Pooling = .max
    @Option(help: "What VGG19's convolutions see beyond the picture's edge: zeros (VGG's own), replicate or reflect (in the first convolution), replicate-all or reflect-all (in every one).")
    var padding: NetworkPadding?
    @Option(help: "Keep the photo's colours: luminance (its colour, the result's light) or transfer (the painting recoloured to the photo's colour statistics first).")
    var preserveColor: ColorPreservation?

    func check() throws {
        if let text = styleBlend {
            let weights = text.split(separator: ",").map { Double($0) }
            guard weights.count == style.count, weights.allSatisfy({ $0.map { $0 >= 0 && $0.isFinite } ?? false }),
                  weights.reduce(0, { $0 + ($1 ?? 0) }) > 0 else {
                throw ValidationError("--style-blend takes one non-negative weight per --style, e.g. 0.7,0.3")
            }
        }
        if let styleScale, !(styleScale > 0 && styleScale <= 8) { throw ValidationError("--style-scale must be in (0, 8]") }
    }

    /// Each painting's weight in the blend (nil: equal).
    var blend: [Double]? { styleBlend.map { $0.split(separator: ",").compactMap { Double($0) } } }   // check() made sure each is a number
}

extension Pooling: ExpressibleByArgument {}
extension NetworkPadding: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { names }
}
extension ColorPreservation: ExpressibleByArgument {}
