// `stylelapse weights [PATH]`: the weights file, its SHA-256, every layer with its shape, the parameter count.

import ArgumentParser
import Foundation
import StyleLapse

struct Weights: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check and describe a VGG19 weights file (default: where tools/setup/fetch-weights puts it).",
        discussion: "Example: stylelapse weights ~/.cache/stylelapse/vgg19.safetensors")

    @Argument(help: "A safetensors file written by tools/setup/fetch-weights.")
    var path: String?

    func run() throws {
        let path = self.path ?? WeightsLocation.defaultPath
        guard FileManager.default.fileExists(atPath: path) else {
            throw WeightsError(path, "no weights file; fetch and convert the VGG19 weights with: bash tools/setup/fetch-weights")
        }
        let network = try VGGNetwork.load(path)   // validates shapes, values and the recorded hash
        let file = try SafeTensorsFile(path: path)
        print("file:    \(path)")
        print("sha256:  \(file.fileSHA256())")
        print("data:    sha256 \(file.dataSHA256) (matches the hash recorded at conversion)")
        print("source:  \(file.metadata["source"] ?? "?")")
        print("input:   \(network.inputNormalization.rawValue), pooling \(network.pooling.rawValue)")
        var total = 0
        for l in network.architecture.layers {
            let count = l.outChannels * l.inChannels * 9 + l.outChannels
            total += count
            let shape = "[\(l.outChannels), \(l.inChannels), 3, 3]".padding(toLength: 17, withPad: " ", startingAt: 0)
            let bias = "[\(l.outChannels)]".padding(toLength: 6, withPad: " ", startingAt: 0)
            print("  " + l.layer.name.padding(toLength: 13, withPad: " ", startingAt: 0) + " weight " + shape
                + " bias " + bias + String(format: " %9d parameters", count))
        }
        print("parameters: \(total)")
    }
}
