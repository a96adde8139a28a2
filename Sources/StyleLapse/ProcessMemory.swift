// ProcessMemory: this process's peak resident memory, as the summary line, the benchmarks and the live page show it.

import Foundation

public enum ProcessMemory {
    /// Peak resident memory in MB: VmHWM from /proc/self/status, which starts anew at exec (the rusage maximum does
    /// not: a process started by a large one reports its parent's peak), else the rusage maximum.
    public static var peakMB: Double {
        if let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kb = Double(line.split(separator: " ").dropFirst().first ?? "") {
            return kb / 1024
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
