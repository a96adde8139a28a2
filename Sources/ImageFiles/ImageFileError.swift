// ImageFileError: the one error type for files going in and out; its text is one line naming the file.

/// A failure reading or writing a file. `description` is a single line: the path, then what is wrong.
public struct ImageFileError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String

    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
