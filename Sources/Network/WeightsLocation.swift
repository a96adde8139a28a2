// WeightsLocation: where tools/setup/fetch-weights puts the converted weights, the default for every command and test.

import Foundation

public enum WeightsLocation {
    /// $STYLELAPSE_WEIGHTS if set; else vgg19.safetensors in $STYLELAPSE_WEIGHTS_DIR, or in
    /// ${XDG_CACHE_HOME:-~/.cache}/stylelapse (the same rule as tools/setup/fetch-weights).
    public static var defaultPath: String {
        let env = ProcessInfo.processInfo.environment
        if let file = env["STYLELAPSE_WEIGHTS"], !file.isEmpty { return file }
        let dir = env["STYLELAPSE_WEIGHTS_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory() + "/.cache") + "/stylelapse"
        return dir + "/vgg19.safetensors"
    }

    /// The message for a missing weights file.
    public static func missingMessage(_ path: String) -> String {
        "\(path): no weights file; fetch and convert the VGG19 weights with: bash tools/setup/fetch-weights"
    }
}
