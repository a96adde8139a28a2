// Refusals: a session that cannot start says why in terms of its settings — each setting named by its key, so a
// command line can name its own option instead (`described(naming:)`), and a Swift program its own field.

import Foundation

/// An error whose message names settings; `described(naming:)` says each key as the caller calls it.
public protocol SettingsNaming: Error, CustomStringConvertible {
    func described(naming name: (String) -> String) -> String
}

extension SettingsNaming {
    public var description: String { described { $0 } }
}

extension SettingsError: SettingsNaming {}

/// A picture with a side under 16 pixels at the run's size limit, and the smallest `pictures.maxSize` that would
/// keep 16 pixels on every side (nil: none would).
public struct PictureTooSmall: SettingsNaming {
    public let path: String
    public let width: Int, height: Int
    public let fittingMaxSize: Int?
    public func described(naming name: (String) -> String) -> String {
        "\(path): is \(width)×\(height) at this size; VGG19 needs 16 pixels a side"
            + (fittingMaxSize.map { "; try \(name("pictures.maxSize")) \($0)" } ?? "")
    }
}

/// A run that fits the memory in no way: the least it needs, what it may use, and the largest `pictures.maxSize`
/// that would fit (nil: none found).
public struct MemoryRefusal: SettingsNaming {
    public let width: Int, height: Int
    public let needed: Int, allowed: Int
    /// Whether `allowed` is the `memoryLimit` setting (else the memory available).
    public let limited: Bool
    public let fittingMaxSize: Int?
    public func described(naming name: (String) -> String) -> String {
        let mb = { (bytes: Int) in String(format: "%.0f MB", Double(bytes) / 1048576) }
        return "\(width)×\(height) needs at least about \(mb(needed)), more than the \(mb(allowed)) "
            + (limited ? "allowed by \(name("memoryLimit"))" : "available")
            + (fittingMaxSize.map { "; try \(name("pictures.maxSize")) \($0)" } ?? "")
    }
}
