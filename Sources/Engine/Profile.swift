// Profile: wall-clock seconds by stage, for `stylelapse bench iteration --profile` (where an iteration's time goes).
// Stages are timed on the calling thread around whole parallel kernels; nil costs nothing.

public final class Profile {
    /// Stage names in the order they were first seen, with their summed seconds and calls.
    public private(set) var stages: [(name: String, seconds: Double, calls: Int)] = []
    private var index: [String: Int] = [:]

    public init() {}

    public func add(_ name: String, _ seconds: Double) {
        if let i = index[name] {
            stages[i].seconds += seconds
            stages[i].calls += 1
        } else {
            index[name] = stages.count
            stages.append((name, seconds, 1))
        }
    }

    public func reset() { (stages, index) = ([], [:]) }
}

extension Duration {
    /// The duration in seconds.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

extension Optional where Wrapped == Profile {
    /// Runs `body`, adding its wall-clock time to stage `name` when there is a profile.
    @inline(__always)
    public func measure<T>(_ name: @autoclosure () -> String, _ body: () throws -> T) rethrows -> T {
        guard let profile = self else { return try body() }
        let start = ContinuousClock.now
        let result = try body()
        profile.add(name(), (ContinuousClock.now - start).seconds)
        return result
    }
}
