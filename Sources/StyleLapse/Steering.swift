// Steering: the balance changed while the run goes — from the live page, or from a program — as a change
// recorded in the settings (so a checkpoint, and a run made from its settings, repeat it exactly) and an event in
// the trace.

import Foundation
import Objective

/// A change of the objective's balance from iteration `iteration` on (run-wide numbering).
public struct SteerChange: Codable, Sendable, Equatable {
    public var iteration: Int
    /// The style weight before and from `iteration` on (derived from the balance in force).
    public var previousStyleWeight: Double, styleWeight: Double
    /// The strengths chosen, where the balance before or after is a strength (`Balance.strength`); nil otherwise.
    public var previousStrength: Double?, strength: Double?

    public init(iteration: Int, previousStyleWeight: Double, styleWeight: Double, previousStrength: Double? = nil,
                strength: Double? = nil) {
        (self.iteration, self.previousStyleWeight, self.styleWeight) = (iteration, previousStyleWeight, styleWeight)
        (self.previousStrength, self.strength) = (previousStrength, strength)
    }
}

extension SessionSettings {
    /// The balance in force at run-wide iteration `i`: the last steering change at or before it, else the
    /// objective's own.
    public func balance(at i: Int) -> Balance {
        (steering ?? []).last { $0.iteration <= i }.map(balance(after:)) ?? run.objective.balance
    }

    /// The balance a change sets: its strength as chosen, else its style weight over the objective's balance.
    func balance(after change: SteerChange) -> Balance {
        change.strength.map(Balance.strength) ?? run.objective.balance(styleWeight: change.styleWeight)
    }
}

extension StylizeSession {
    /// Asks for a new balance from the next iteration on: `strength` (0…1) for a `--strength` run, or `styleWeight`
    /// (0 or more) for either. Safe from any thread; the run applies it between two steps.
    public func steer(strength: Double? = nil, styleWeight: Double? = nil) throws {
        let o = settings.run.objective
        switch (strength, styleWeight) {
        case (let s?, nil):
            guard o.normalization == .relative else {
                throw SettingsError(key: "strength", "cannot be steered: this run weighs its losses; steer its style weight")
            }
            try SessionOptions.check(strength: s)
            pendingSteer.value = .strength(s)
        case (nil, let w?):
            guard w.isFinite && w >= 0 else { throw SettingsError(key: "run.objective.styleWeight", "must be 0 or more") }
            pendingSteer.value = o.balance(styleWeight: w)
        default:
            throw SettingsError(key: "strength", "or a style weight: steer with one of them")
        }
    }

    /// The change to make before run-wide iteration `i`: a scheduled one (a resumed or repeated run), else the one
    /// asked for since the last step (recorded in the settings and sent to the sinks).
    func steering(before i: Int) -> Balance? {
        let settings = self.settings
        if let scheduled = (settings.steering ?? []).first(where: { $0.iteration == i }) {
            return settings.balance(after: scheduled)
        }
        guard let balance = pendingSteer.take() else { return nil }
        var (before, after) = (settings.run.objective, settings.run.objective)
        (before.balance, after.balance) = (settings.balance(at: i), balance)
        let change = SteerChange(iteration: i, previousStyleWeight: before.styleWeight, styleWeight: after.styleWeight,
                                 previousStrength: before.strength, strength: after.strength)
        record(change)
        try? emit(.steer(change))
        return balance
    }
}

/// A value handed from one thread to another (behind a lock), read or taken once.
public final class Handoff<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?
    public init() {}
    public var value: Value? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
    public func take() -> Value? { lock.withLock { defer { stored = nil }; return stored } }
}
