// Interrupts: Ctrl-C and SIGTERM. The first asks the run to stop after the current step (it then writes the best
// image and a playable video and exits 130); a second one exits at once, leaving only `.part` files behind.

import Dispatch
import Foundation

final class Interrupts: @unchecked Sendable {
    // `countSoFar` and `stop` are only touched under `lock`; the signal sources run on a Dispatch queue, not in signal
    // context.
    private let lock = NSLock()
    private var countSoFar = 0
    private var stop: (() -> Void)?
    private var sources: [DispatchSourceSignal] = []
    /// What a first Ctrl-C says will happen.
    var stopMessage = "stopping after this step"

    /// Whether a stop was requested.
    var requested: Bool { lock.withLock { countSoFar > 0 } }

    /// How many Ctrl-Cs (and page Stops) came so far.
    var count: Int { lock.withLock { countSoFar } }

    /// What a first Ctrl-C does (a Ctrl-C that came before it was set is passed on at once).
    var onStop: (() -> Void)? {
        get { lock.withLock { stop } }
        set {
            let pending = lock.withLock { stop = newValue; return countSoFar > 0 }
            if pending { newValue?() }
        }
    }

    /// A stop asked for by other means (the live page's Stop): what a first Ctrl-C does, without the message.
    func request() {
        let stop: (() -> Void)? = lock.withLock {
            countSoFar += 1
            return countSoFar == 1 ? self.stop : nil
        }
        stop?()
    }

    func install() {
        for signo in [SIGINT, SIGTERM] {
            signal(signo, SIG_IGN)   // let the Dispatch source, not the default action, see the signal
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler { [self] in
                let (n, stop) = lock.withLock { countSoFar += 1; return (countSoFar, self.stop) }
                if n == 1 {
                    FileHandle.standardError.write(Data(
                        "\nstylelapse: \(stopMessage) (Ctrl-C again to quit at once)\n".utf8))
                    stop?()
                } else {
                    _exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}
