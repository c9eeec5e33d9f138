import Testing
@testable import GoMemSimRuntime

/// Each goroutine's assist credit is its own, survives other goroutines' updates, and a
/// new cycle resets every balance — for dense ids and for the rare huge ones alike.
@Suite struct AssistBalancesTests {
    @Test func balancesArePerGoroutineAndResetPerCycle() {
        var balances = AssistBalances()
        let huge = AssistBalances.denseLimit + 7
        #expect(balances[3] == 0)
        balances[3] = -65_536
        balances[0] = 1_000
        balances[huge] = -5
        balances[3] -= 100
        #expect(balances[3] == -65_636)
        #expect(balances[0] == 1_000)
        #expect(balances[1] == 0)
        #expect(balances[huge] == -5)
        #expect(balances[huge - 1] == 0)
        balances.resetAll()
        #expect(balances[3] == 0)
        #expect(balances[0] == 0)
        #expect(balances[huge] == 0)
        balances[0] = 42
        #expect(balances[0] == 42)
        #expect(balances[3] == 0)
        // Taking turns: each keeps its own balance.
        for i in 0..<10 {
            balances[UInt32(i % 2)] -= 10
            balances[huge] -= 1
        }
        #expect(balances[0] == -8)
        #expect(balances[1] == -50)
        #expect(balances[huge] == -10)
    }
}
