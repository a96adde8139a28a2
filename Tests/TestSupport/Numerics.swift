// Numerics: a seeded random generator and whole-tensor comparison with relative + absolute tolerance.

import XCTest

/// SplitMix64: small, fast, seeded; the same numbers on every machine.
public struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` values uniform in `range`.
    public mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &self) }
    }
}

/// Asserts |actual − expected| ≤ abs + rel·|expected| for every element, reporting how many fail and the first few
/// with their coordinates in `dims` (for example [C, H, W]).
public func assertClose<A: BinaryFloatingPoint, B: BinaryFloatingPoint>(
    _ actual: [A], _ expected: [B], rel: Double, abs: Double, dims: [Int] = [], _ label: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    guard actual.count == expected.count else {
        return XCTFail("\(label): \(actual.count) values, expected \(expected.count)", file: file, line: line)
    }
    var failures: [String] = []
    var count = 0
    var worst = 0.0
    for i in 0..<actual.count {
        let a = Double(actual[i]), e = Double(expected[i])
        let err = Swift.abs(a - e)
        let bound = abs + rel * Swift.abs(e)
        worst = max(worst, err / bound)
        if !(err <= bound) {
            count += 1
            if failures.count < 5 { failures.append("\(coordinates(i, dims)): \(a) vs \(e)") }
        }
    }
    if count > 0 {
        XCTFail("\(label): \(count) of \(actual.count) values off (rel \(rel), abs \(abs), worst \(worst)× the bound): "
            + failures.joined(separator: "; "), file: file, line: line)
    }
}

/// "[c, y, x]"-style coordinates of flat index `i` in a row-major array of dimensions `dims`.
public func coordinates(_ i: Int, _ dims: [Int]) -> String {
    guard !dims.isEmpty else { return "[\(i)]" }
    var rest = i
    var out: [Int] = []
    for d in dims.reversed() { out.append(rest % d); rest /= d }
    return "[" + out.reversed().map(String.init).joined(separator: ", ") + "]"
}
