// SmallFileSystem: a tiny tmpfs mounted for a test, to make writes fail with "no space left on device".

import Foundation
import XCTest

/// A tmpfs of `kilobytes` mounted in a temporary folder; unmounted on release. Mounting needs root: in CI (root)
/// it must work, elsewhere the test is skipped.
public final class SmallFileSystem {
    public let folder = TemporaryFolder()
    public var path: String { folder.path }

    public init(kilobytes: Int) throws {
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", folder.path]
        mount.standardError = FileHandle.nullDevice
        try mount.run()
        mount.waitUntilExit()
        if mount.terminationStatus != 0 {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                XCTFail("cannot mount a tmpfs in CI")
                throw XCTSkip("mount failed")
            }
            throw XCTSkip("mounting a small tmpfs needs root")
        }
    }

    deinit {
        let umount = Process()
        umount.executableURL = URL(fileURLWithPath: "/bin/umount")
        umount.arguments = [folder.path]
        try? umount.run()
        umount.waitUntilExit()
    }
}
