// How the engine divides a 512² picture's convolutions among 2, 8 and 32 workers (users run on 8 to 64 cores; this
// machine has 2): the Winograd layers' bands of tile rows (owned whole, or shared phase by phase), the first layer's
// rows × output pairs, its input gradient's bands. Each worker's share is computed from the schedules the kernels
// run (WinogradSchedule, DirectConv.rowsPerWorker), and the busiest worker may carry at most 1/0.8 of the mean.

import Engine
import Network
import XCTest

final class SchedulerTests: XCTestCase {
    func testEveryLayerIsDividedEvenlyAmongTwoEightAndThirtyTwoWorkers() {
        var table = ["layer          map   direction  workers: mode, work per worker (min–max), mean / max"]
        for l in VGGArchitecture.vgg19.layers {
            let side = 512 >> (l.layer.block - 1)
            for backward in [false, true] {
                let (cin, cout) = backward ? (l.outChannels, l.inChannels) : (l.inChannels, l.outChannels)
                var row = l.layer.name.padding(toLength: 14, withPad: " ", startingAt: 0)
                    + String(format: "%4d²  ", side) + (backward ? "backward" : "forward ")
                for workers in [2, 8, 32] {
                    let load: [Int], mode: String
                    if l.inChannels == 3 && !backward {   // the first layer: direct, rows × output pairs
                        load = DirectConv.rowsPerWorker(height: side, pairs: (cout + 15) / 16, workers: workers)
                        mode = "rows×pairs"
                    } else if l.inChannels == 3 {         // its input gradient: bands of rows
                        let bands = (side + FirstLayerGradient.bandRows - 1) / FirstLayerGradient.bandRows
                        load = (0..<workers).map { w in
                            stride(from: w, to: bands, by: workers).reduce(0) { total, band in
                                total + min(FirstLayerGradient.bandRows, side - band * FirstLayerGradient.bandRows)
                            }
                        }
                        mode = "bands"
                    } else {
                        let (inBlocks, outBlocks) = ((cin + 7) / 8, 2 * ((cout + 15) / 16))
                        let s = WinogradSchedule(height: side, width: side, m: 4, inBlocks: inBlocks,
                                                 outBlocks: outBlocks, workers: workers)
                        load = s.tilesPerWorker(workers, m: 4, inBlocks: inBlocks, outBlocks: outBlocks)
                        mode = s.owners > 1 ? "\(s.bands) bands owned" : "\(s.bands) band(s) shared"
                    }
                    let mean = Double(load.reduce(0, +)) / Double(workers), balance = mean / Double(load.max()!)
                    row += String(format: "   %2d: %@, %d–%d, %.2f", workers, mode, load.min()!, load.max()!, balance)
                    XCTAssertGreaterThanOrEqual(balance, 0.8, "\(l.layer.name) \(backward ? "backward" : "forward") on \(workers) workers: \(load)")
                }
                table.append(row)
            }
        }
        print(table.joined(separator: "\n"))
    }
}
