// CheckpointHeader: what every checkpoint — a picture's (state.bin) and a clip's (clip.json) — says of its run, as
// one type: the run's settings whole, the SHA-256 of its input files (a resumed run refuses a changed one), what the
// program that ran it keeps there, and how far the run got (a picture's pass and optimiser state, a clip's frames).
// The keys are written flat, the progress's beside the header's, as both formats always were: files written before
// this type still read.

import Foundation

/// A checkpoint's header: `Settings` is the session's (a picture's `SessionSettings`, a clip's `ClipSettings`),
/// `Progress` how far it got.
public struct CheckpointHeader<Settings: Codable & Sendable, Progress: Codable & Sendable>: Codable, Sendable {
    /// The session's settings, whole: a resumed run continues with them.
    public var settings: Settings
    /// SHA-256 of each input file, in the order the session lists them (the photo or clip, each painting, each mask).
    public var digests: [String]
    /// What the program that ran the session needs to go on (the CLI keeps its output options here), opaque to the
    /// library.
    public var application: Data?
    /// How far the run got.
    public var progress: Progress

    public init(settings: Settings, digests: [String], application: Data? = nil, progress: Progress) {
        (self.settings, self.digests, self.application, self.progress) = (settings, digests, application, progress)
    }

    private enum CodingKeys: String, CodingKey { case settings, digests, application }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        settings = try c.decode(Settings.self, forKey: .settings)
        digests = try c.decode([String].self, forKey: .digests)
        application = try c.decodeIfPresent(Data.self, forKey: .application)
        progress = try Progress(from: decoder)
    }

    public func encode(to encoder: Encoder) throws {
        try progress.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(settings, forKey: .settings)
        try c.encode(digests, forKey: .digests)
        try c.encodeIfPresent(application, forKey: .application)
    }
}
