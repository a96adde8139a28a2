// StyleOptions: the paintings, how they are read and where they apply (masks), the options `stylize`, `sweep` and
// `clip` share.

import ArgumentParser
import StyleLapse

struct StyleOptions: RuleChecked {
    @Option(help: "The painting whose style to take (repeat for several, blended).") var style: [String] = []
    @Option(help: "Weights of several styles, comma-separated (default: equal).") var styleBlend: String?
    @Option(parsing: .unconditional, help: "Style picture's longer side as a multiple of the content's (default 1; with --preset report each painting keeps its own size).")
    var styleScale: Double?
    @Option(help: "Pooling in VGG19: max (default) or average.") var pooling: Pooling?
    @Option(help: "What VGG19's convolutions see beyond the picture's edge: zeros (VGG's own), replicate or reflect (in the first convolution), replicate-all or reflect-all (in every one).")
    var padding: NetworkPadding?
    @Option(help: "Keep the photo's colours: luminance (its colour, the result's light) or transfer (the painting recoloured to the photo's colour statistics first).")
    var preserveColor: ColorPreservation?
    @Option(help: "Where on the photo a --style paints: a greyscale picture of the photo's shape, white where it applies (grey: partly); one per --style, in the same order. Where masks overlap they share; where none covers the photo, only the content counts.")
    var styleMask: [String] = []
    @Option(help: "Where in a painting its style is taken: a greyscale picture of the painting's shape, white where; one per --style, in the same order.")
    var styleRegion: [String] = []
    @Option(help: "How much the photo counts, pixel by pixel: a greyscale picture of its shape, white where --content-weight holds, black where the photo does not count (\"keep the face\").")
    var contentMask: String?
    @Option(help: "How masks reach each layer of VGG19: simple (default: resized) or inside (only the neurons that see nothing outside the mask).")
    var maskPropagation: GuidePropagation?
    @Option(help: "What the style layers compare: gram (default; Gatys et al.'s Gram matrices) or w2 (the Wasserstein-2 distance between the features' Gaussians, crowsonkb 2023; relative losses on the --strength scale, \(OptionNames.number(ObjectiveSettings.standardStrength)) unless --strength or --content-weight/--style-weight are given).")
    var styleLoss: StyleLoss?
    @Option(help: "The five style layers' weights, block1_conv1 … block5_conv1, comma-separated, scaled to sum 1 (default equal; crowsonkb's style-transfer-pytorch weighs them 256,64,16,4,1).")
    var styleLayerWeights: String?

    /// Only what parsing must refuse: weights that are not numbers (their count and values are the library's).
    func check() throws {
        if let text = styleBlend, Self.numbers(text) == nil {
            throw ValidationError("--style-blend takes one weight per --style, separated by commas, e.g. 0.7,0.3")
        }
        if let text = styleLayerWeights, Self.numbers(text) == nil {
            throw ValidationError("--style-layer-weights takes one weight per style layer, separated by commas, e.g. 256,64,16,4,1")
        }
        if maskPropagation != nil && styleMask.isEmpty && styleRegion.isEmpty && contentMask == nil {
            throw ValidationError("--mask-propagation says how masks reach VGG19's layers; give --style-mask, --style-region or --content-mask")
        }
    }

    /// The numbers of a comma-separated list (nil when one is not a number).
    static func numbers(_ text: String) -> [Double]? {
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
        return values.contains(nil) ? nil : values.map { $0! }
    }

    /// Each painting's weight in the blend (nil: equal).
    var blend: [Double]? { styleBlend.flatMap(Self.numbers) }

    /// The options a checkpoint fixes (a resumed run continues as it was started): each flag and whether it was given.
    var fixedByCheckpoint: [(String, Bool)] {
        [("--style", !style.isEmpty), ("--style-blend", styleBlend != nil), ("--style-scale", styleScale != nil),
         ("--preserve-color", preserveColor != nil), ("--pooling", pooling != nil), ("--padding", padding != nil),
         ("--style-mask", !styleMask.isEmpty), ("--style-region", !styleRegion.isEmpty), ("--content-mask", contentMask != nil),
         ("--mask-propagation", maskPropagation != nil), ("--style-loss", styleLoss != nil),
         ("--style-layer-weights", styleLayerWeights != nil)]
    }

    /// These options in the library's options.
    func lay(over options: inout SessionOptions) {
        (options.styles, options.styleBlend, options.styleScale) = (style, blend, styleScale)
        (options.pooling, options.padding, options.preserveColor) = (pooling, padding, preserveColor)
        (options.styleMasks, options.styleRegions) = (styleMask.isEmpty ? nil : styleMask, styleRegion.isEmpty ? nil : styleRegion)
        (options.contentMask, options.maskPropagation, options.styleLoss) = (contentMask, maskPropagation, styleLoss)
        options.styleLayerWeights = styleLayerWeights.flatMap(Self.numbers)
    }
}

extension Pooling: ExpressibleByArgument {}
extension NetworkPadding: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { names }
}
extension ColorPreservation: ExpressibleByArgument {}
extension GuidePropagation: ExpressibleByArgument {}
extension StyleLoss: ExpressibleByArgument {}
