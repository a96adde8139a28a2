// The engine's layout stays inside the engine: no module outside Engine reaches into a BlockedTensor's storage
// (the compiler enforces it: `base`, strides and `pointer` are internal), and the one @unchecked Sendable pointer
// wrapper lives in Parallel.swift. The layers: every module imports only what Package.swift declares for it, the
// commands only the library's products, the painting no drawing, no public member speaking the engine's types.
// Checked on the sources, so a change that widens any of these fails here.

import Foundation
import TestSupport
import XCTest

final class EncapsulationTests: XCTestCase {
    func sources() throws -> [(path: String, text: String)] {
        let root = Fixture.root + "/Sources"
        let files = FileManager.default.enumerator(atPath: root)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        XCTAssertGreaterThan(files.count, 40, "the sources were found")
        return try files.map { ($0, try String(contentsOfFile: root + "/" + $0, encoding: .utf8)) }
    }

    func testUncheckedSendableOnlyInParallel() throws {
        let users = try sources().filter { $0.text.contains("UncheckedSendable") }.map(\.path)
        XCTAssertEqual(users, ["Engine/Parallel.swift"])
    }

    func testBlockedTensorStorageIsNotPublic() throws {
        let text = try XCTUnwrap(try sources().first { $0.path == "Engine/BlockedTensor.swift" }?.text)
        for member in ["let base", "let rowStride", "let blockStride", "let capacity", "func pointer("] {
            let line = try XCTUnwrap(text.split(separator: "\n").first { $0.contains(member) }, member)
            XCTAssertFalse(line.contains("public"), "\(member) is public: \(line)")
        }
    }

    /// Package.swift's targets and what each declares: its name, its folder, its dependencies (targets and products).
    func declaredDependencies() throws -> [String: (folder: String, dependencies: Set<String>)] {
        let manifest = try String(contentsOfFile: Fixture.root + "/Package.swift", encoding: .utf8)
        let target = try NSRegularExpression(pattern: #"\.(?:target|executableTarget|testTarget|systemLibrary)\(\s*name: "([A-Za-z]+)""#)
        let quoted = try NSRegularExpression(pattern: #""([A-Za-z0-9_-]+)""#)
        let starts = target.matches(in: manifest, range: NSRange(manifest.startIndex..., in: manifest))
        var out: [String: (folder: String, dependencies: Set<String>)] = [:]
        for (k, m) in starts.enumerated() {
            let end = k + 1 < starts.count ? starts[k + 1].range.location : (manifest as NSString).length
            let text = (manifest as NSString).substring(with: NSRange(location: m.range.location, length: end - m.range.location))
            let name = (manifest as NSString).substring(with: m.range(at: 1))
            var dependencies = Set<String>()
            if let open = text.range(of: "dependencies: [") {
                var depth = 0, list = ""
                for c in text[open.upperBound...] {
                    if c == "[" { depth += 1 } else if c == "]" { if depth == 0 { break }; depth -= 1 }
                    list.append(c)
                }
                // `.product(name: "P", package: "Q")` declares the module P.
                let cleaned = list.replacingOccurrences(of: #"package: "[A-Za-z_-]+""#, with: "", options: .regularExpression)
                for q in quoted.matches(in: cleaned, range: NSRange(cleaned.startIndex..., in: cleaned)) {
                    dependencies.insert((cleaned as NSString).substring(with: q.range(at: 1)))
                }
            }
            let path = (text.range(of: #"path: "([^"]+)""#, options: .regularExpression)).map {
                String(text[$0].dropFirst(7).dropLast())
            }
            out[name] = (path ?? (text.contains("testTarget") ? "Tests/" : "Sources/") + name, dependencies)
        }
        return out
    }

    func testEveryImportIsDeclaredInThePackage() throws {
        let targets = try declaredDependencies()
        XCTAssertGreaterThan(targets.count, 30, "Package.swift's targets were read")
        let system: Set<String> = ["Foundation", "Dispatch", "Glibc", "Darwin", "XCTest", "Synchronization", "_Concurrency"]
        let importLine = try NSRegularExpression(pattern: #"^(?:@_exported |@testable )?import ([A-Za-z0-9_]+)"#, options: .anchorsMatchLines)
        var checked = 0
        for (name, target) in targets.sorted(by: { $0.key < $1.key }) {
            let folder = Fixture.root + "/" + target.folder
            guard let files = FileManager.default.enumerator(atPath: folder) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
                for m in importLine.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    let module = (text as NSString).substring(with: m.range(at: 1))
                    checked += 1
                    XCTAssertTrue(system.contains(module) || target.dependencies.contains(module),
                                  "\(target.folder)/\(file) imports \(module), which Package.swift does not declare for \(name)")
                }
            }
        }
        XCTAssertGreaterThan(checked, 300, "the imports were read")
    }

    func testTheCommandsImportTheLibraryNotTheEngineAndTheStylizationNoDrawing() throws {
        for (path, text) in try sources() {
            if path.hasPrefix("Commands/") {
                for module in ["Engine", "Network", "Objective", "Optimization", "Stylization", "OpticalFlow"] {
                    XCTAssertFalse(text.contains("\nimport \(module)\n"), "\(path) imports \(module)")
                }
            }
            if path.hasPrefix("Stylization/") { XCTAssertFalse(text.contains("import Drawing"), "\(path) imports Drawing") }
        }
    }

    /// The library's surface speaks no engine type: a public declaration outside the engine and its kernels that
    /// takes or gives a `BlockedTensor` or a `Parallel` is one a program cannot call (the engine is not exported);
    /// such members are `package`, for the modules of this package only.
    func testNoPublicDeclarationTakesTheEnginesTypes() throws {
        // A function's signature up to its body; a property's declaration to the end of its line.
        let declaration = try NSRegularExpression(pattern: #"public (?:convenience )?(?:static )?(?:(?:init|func)[^{]*|(?:var|let) [^\n]*)"#)
        let engine = try NSRegularExpression(pattern: #"\b(?:BlockedTensor|Parallel)\b"#)
        var checked = 0
        for (path, text) in try sources() where !path.hasPrefix("Engine/") && !path.hasPrefix("Kernels") {
            for match in declaration.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let signature = String(text[Range(match.range, in: text)!])
                checked += 1
                if engine.firstMatch(in: signature, range: NSRange(signature.startIndex..., in: signature)) != nil {
                    XCTFail("\(path): public and speaks the engine: \(signature.prefix(120))")
                }
            }
        }
        XCTAssertGreaterThan(checked, 300, "the declarations were found")
    }
}
