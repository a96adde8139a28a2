// Interrupts: Ctrl-C and SIGTERM. The first asks the run to stop after the current step (it then writes the best
// image and a playable video and exits 130); a second one exits at once, leaving only `.part` files behind.

import Dispatch
import Foundation

final class Interrupts: @unchecked Sendable {
    // `count` is only touched under `lock`; the signal sources run on a Dispatch queue, not in signal context.
    private let lock = NSLock()
    private var count = 0
    private var sources: [DispatchSourceSignal] = []

    /// Whether a stop was requested.
    var requested: Bool { lock.withLock { count > 0 } }

    /// Asks for a stop as a first Ctrl-C does, without the message.
    func request() { lock.withLock { count = max(count, 1) } }

    func install() {
        for signo in [SIGINT, SIGTERM] {
            signal(signo, SIG_IGN)   // let the Dispatch source, not the default action, see the signal
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler { [self] in
                let n = lock.withLock { count += 1; return count }
                if n == 1 {
                    FileHandle.standardError.write(Data(
                        "\nstylelapse: stopping after this step (Ctrl-C again to quit at once)\n".utf8))
                } else {
                    _exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}
