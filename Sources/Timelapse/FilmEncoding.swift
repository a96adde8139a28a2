// FilmEncoding: how a film is encoded.

/// Encoding settings for a film.
public struct FilmEncoding: Sendable {
    /// Frames per second of the video.
    public var fps: Int = 30
    /// libx264's constant rate factor (0 lossless … 51 worst; 18 is visually transparent for most pictures).
    /// With the mpeg4 fallback it is mapped to a quantiser 2…31.
    public var crf: Int = 18
    /// libx264's speed preset: how long it searches for a smaller file at the same quality.
    public var speed: EncoderSpeed = .medium
    /// How long the last frame stays on screen at the end, in seconds.
    public var holdSeconds: Double = 0
    /// Use libx264 when libavcodec has it (else the built-in mpeg4 encoder). Tests can force the fallback.
    public var preferH264: Bool = true
    /// The colours of a GIF (required for `.gif`; see `Palette`).
    public var palette: Palette?
    /// The container's tags (e.g. "title", "comment"), as `ffprobe -show_format` shows them.
    public var metadata: [String: String] = [:]
    /// How many frames may wait for the encoder thread before `append` blocks (keeps memory flat).
    public var queueCapacity: Int = 4
    /// A painted clip's timing: each frame is appended with its own timestamp in this time base (num/den seconds),
    /// kept as it is (a variable frame rate stays variable), and every frame is kept, a GIF's too. Nil: a film,
    /// `fps` frames a second.
    public var timeBase: (num: Int32, den: Int32)?
    /// A file whose first audio stream is copied into the video beside the frames (a painted clip's sound), when
    /// the container takes its codec; the time `audioStart` (seconds) of that file lands at the video's start.
    public var audioFrom: String?
    public var audioStart: Double = 0

    public init(fps: Int = 30, crf: Int = 18, speed: EncoderSpeed = .medium, holdSeconds: Double = 0) {
        self.fps = fps
        self.crf = crf
        self.speed = speed
        self.holdSeconds = holdSeconds
    }

    /// The frame rates, hold times and rate factors a film may have (a command's options and a run's outputs are
    /// checked against these).
    public static let fpsRange = 1...240
    public static let holdRange = 0.0...3600
    public static let crfRange = 0...51

    /// Frames added after the last one to hold it for `holdSeconds`.
    public var holdFrames: Int { Int((holdSeconds * Double(fps)).rounded()) }
}

/// libx264's presets, fastest first: a slower one makes a smaller file of the same quality.
public enum EncoderSpeed: String, CaseIterable, Codable, Sendable {
    case ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow
}
