// FixtureFile: reads the golden fixtures written by tools/fixtures/make_fixtures.py (format "SLFX", version 2).

import Foundation

/// One case of a fixture file: named float64 tensors, parameters and the tolerance to compare with.
public struct FixtureCase: Sendable {
    public let name: String
    public let kernel: String
    public let params: [String: Double]
    public let rel: Double
    public let abs: Double
    public let tensors: [String: (shape: [Int], values: [Double])]
    /// Tolerances the generator set for single tensors, overriding (rel, abs).
    public let tensorTolerances: [String: (rel: Double, abs: Double)]

    /// The tolerance for tensor `key`: its own when the generator gave one, else the case's.
    public func tolerance(_ key: String) -> (rel: Double, abs: Double) { tensorTolerances[key] ?? (rel, abs) }

    /// The values of tensor `key` (fails loudly when the generator did not write it).
    public func values(_ key: String) -> [Double] {
        guard let t = tensors[key] else { fatalError("fixture case '\(name)' has no tensor '\(key)'") }
        return t.values
    }

    public func floats(_ key: String) -> [Float] { values(key).map { Float($0) } }
    public func shape(_ key: String) -> [Int] { tensors[key]!.shape }
}

public enum FixtureFileError: Error, CustomStringConvertible {
    case unreadable(String, String)

    public var description: String {
        switch self {
        case .unreadable(let path, let why):
            return "\(path): \(why). HINT: regenerate it with `python3 tools/fixtures/make_fixtures.py` (torch==2.13.0)."
        }
    }
}

public enum FixtureFile {
    public static let version: UInt32 = 2

    /// All cases of the fixture file at `path`; refuses a wrong magic number or an unknown version.
    public static func load(_ path: String) throws -> [FixtureCase] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FixtureFileError.unreadable(path, "missing")
        }
        let bytes = [UInt8](data)
        func u32(_ at: Int) -> UInt32 { (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
        guard bytes.count >= 12, Array(bytes[0..<4]) == Array("SLFX".utf8) else {
            throw FixtureFileError.unreadable(path, "not a StyleLapse fixture file")
        }
        guard u32(4) == version else {
            throw FixtureFileError.unreadable(path, "fixture format version \(u32(4)); this build reads \(version)")
        }
        let headerLength = Int(u32(8))
        let dataStart = 12 + headerLength
        guard bytes.count >= dataStart,
              let header = try JSONSerialization.jsonObject(with: Data(bytes[12..<dataStart])) as? [String: Any],
              let cases = header["cases"] as? [[String: Any]] else {
            throw FixtureFileError.unreadable(path, "damaged header")
        }
        return try cases.map { c in
            var tensors: [String: (shape: [Int], values: [Double])] = [:]
            var tolerances: [String: (rel: Double, abs: Double)] = [:]
            for (key, any) in c["tensors"] as? [String: [String: Any]] ?? [:] {
                let shape = any["shape"] as? [Int] ?? [], offset = any["offset"] as! Int, count = any["count"] as! Int
                let size = any["dtype"] as? String == "f4" ? 4 : 8
                let start = dataStart + offset
                guard start + size * count <= bytes.count else { throw FixtureFileError.unreadable(path, "truncated") }
                let values = (0..<count).map { i -> Double in
                    var bits: UInt64 = 0
                    for b in 0..<size { bits |= UInt64(bytes[start + size * i + b]) << (8 * b) }
                    return size == 4 ? Double(Float(bitPattern: UInt32(bits))) : Double(bitPattern: bits)
                }
                tensors[key] = (shape, values)
                if let r = any["rel"] as? Double, let a = any["abs"] as? Double { tolerances[key] = (r, a) }
            }
            let tol = c["tolerance"] as? [String: Double] ?? [:]
            return FixtureCase(name: c["name"] as? String ?? "?", kernel: c["kernel"] as? String ?? "?",
                               params: c["params"] as? [String: Double] ?? [:], rel: tol["rel"] ?? 0,
                               abs: tol["abs"] ?? 0, tensors: tensors, tensorTolerances: tolerances)
        }
    }
}
