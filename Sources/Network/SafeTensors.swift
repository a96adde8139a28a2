// SafeTensors: a reader for the safetensors format (8-byte header length, JSON header, raw little-endian data) that
// refuses truncated, overlapping, misdeclared or non-finite tensors with an error naming the file.

import Foundation

/// A failure loading weights; one line naming the file, what is wrong and what to do.
public struct WeightsError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String
    public init(_ path: String, _ problem: String) { self.path = path; self.problem = problem }
    public var description: String { "\(path): \(problem)" }
    /// What a damaged or missing weight file should say.
    static let hint = "run tools/setup/fetch-weights to fetch and convert the weights again"
}

/// The tensors of a safetensors file. Only F32 tensors are read (StyleLapse's converter writes nothing else).
public struct SafeTensorsFile {
    public let path: String
    /// The file's `__metadata__` strings.
    public let metadata: [String: String]
    /// Tensor names with their shapes.
    public let shapes: [String: [Int]]
    /// SHA-256 of the data section (everything after the header), hex; computed when asked.
    public var dataSHA256: String {
        bytes.withUnsafeBytes { SHA256.hex(UnsafeRawBufferPointer(rebasing: $0[dataStart...])) }
    }
    private let dataStart: Int
    private let values: [String: [Float]]
    private let bytes: [UInt8]

    /// SHA-256 of the whole file, hex.
    public func fileSHA256() -> String { bytes.withUnsafeBytes { SHA256.hex($0) } }

    public init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WeightsError(path, FileManager.default.fileExists(atPath: path)
                ? "cannot be read" : "no such weights file; \(WeightsError.hint)")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw WeightsError(path, "truncated (\(bytes.count) bytes); \(WeightsError.hint)") }
        let headerLength = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        guard headerLength > 1, headerLength <= bytes.count - 8 else {
            throw WeightsError(path, "not a safetensors file or truncated header; \(WeightsError.hint)")
        }
        let dataStart = 8 + headerLength
        guard let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart])) as? [String: Any] else {
            throw WeightsError(path, "damaged safetensors header (not JSON); \(WeightsError.hint)")
        }
        metadata = header["__metadata__"] as? [String: String] ?? [:]
        let dataLength = bytes.count - dataStart
        var shapes: [String: [Int]] = [:], values: [String: [Float]] = [:]
        var ranges: [(Int, Int, String)] = []
        for (name, any) in header where name != "__metadata__" {
            guard let entry = any as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int],
                  offsets.count == 2 else {
                throw WeightsError(path, "tensor \(name): malformed header entry")
            }
            guard dtype == "F32" else { throw WeightsError(path, "tensor \(name): dtype \(dtype), expected F32") }
            let count = shape.reduce(1, *)
            let (begin, end) = (offsets[0], offsets[1])
            guard shape.allSatisfy({ $0 >= 0 }), begin >= 0, end - begin == 4 * count else {
                throw WeightsError(path, "tensor \(name): shape \(shape) does not match its \(end - begin) bytes")
            }
            guard end <= dataLength else {
                throw WeightsError(path, "truncated: tensor \(name) ends at byte \(end) of a \(dataLength)-byte data "
                    + "section; \(WeightsError.hint)")
            }
            ranges.append((begin, end, name))
            let floats = bytes.withUnsafeBytes { raw -> [Float] in
                (0..<count).map { i in
                    Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: dataStart + begin + 4 * i,
                                                                             as: UInt32.self)))
                }
            }
            if let bad = floats.firstIndex(where: { !$0.isFinite }) {
                throw WeightsError(path, "tensor \(name) holds a non-finite value (\(floats[bad])) at element \(bad)")
            }
            shapes[name] = shape
            values[name] = floats
        }
        ranges.sort { $0.0 < $1.0 }
        for (a, b) in zip(ranges, ranges.dropFirst()) where b.0 < a.1 {
            throw WeightsError(path, "tensors \(a.2) and \(b.2) overlap")
        }
        self.shapes = shapes
        self.values = values
        self.bytes = bytes
        self.dataStart = dataStart
    }

    /// The values of tensor `name`, or nil when the file has none.
    public func tensor(_ name: String) -> [Float]? { values[name] }

    /// Writes `tensors` (name → shape, values) as an F32 safetensors file with `metadata` (for tests and tools).
    public static func encode(_ tensors: [String: (shape: [Int], values: [Float])], metadata: [String: String])
        -> [UInt8]
    {
        var header: [String: Any] = ["__metadata__": metadata]
        var data: [UInt8] = []
        for name in tensors.keys.sorted() {
            let t = tensors[name]!
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [data.count, data.count + 4 * t.values.count]]
            for v in t.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data += $0 } }
        }
        var json = [UInt8](try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        while json.count % 8 != 0 { json.append(0x20) }
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out += $0 }
        return out + json + data
    }
}
