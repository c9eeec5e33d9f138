/// The seeded draws of the runtime's churn tests (xorshift64): a request's size and scan
/// flag, and which live object dies. The same seed gives the same churn.
struct ChurnDraws {
    var state: UInt64

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    /// A request: tiny (1–15 B) a fifth of the time, small (16 B plus up to `smallSpan`)
    /// below `smallPercent`, large (33,000 B plus up to 100,000) otherwise; pointerful half
    /// the time.
    mutating func object(smallPercent: UInt64, smallSpan: UInt64) -> (size: UInt64, scan: Bool) {
        let pick = next() % 100
        let size = pick < 20 ? 1 + next() % 15 : pick < smallPercent ? 16 + next() % smallSpan : 33_000 + next() % 100_000
        return (size, next() % 2 == 0)
    }

    /// Removes a random element of `live` (the last takes its place) and returns it.
    mutating func takeRandom<Element>(from live: inout [Element]) -> Element {
        let i = Int(next() % UInt64(live.count))
        let taken = live[i]
        live[i] = live[live.count - 1]
        live.removeLast()
        return taken
    }
}
