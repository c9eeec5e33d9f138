import Testing
@testable import GoMemSimRecorder

@Suite struct SynthRandomTests {
    @Test func xoshiroMatchesTheReferenceStreamForSplitMixSeedZero() {
        // SplitMix64 from state 0 gives 0xE220A8397B1DCDAF first (Vigna's splitmix64.c).
        var splitMix = SplitMix64(state: 0)
        #expect(splitMix.next() == 0xE220_A839_7B1D_CDAF)
        var a = Xoshiro256(seed: 42)
        var b = Xoshiro256(seed: 42)
        var c = Xoshiro256(seed: 43)
        let streamA = (0..<8).map { _ in a.next() }
        #expect(streamA == (0..<8).map { _ in b.next() })
        #expect(streamA != (0..<8).map { _ in c.next() })
    }

    @Test func boundedDrawsStayInRangeAndAreRoughlyUniform() {
        var random = Xoshiro256(seed: 9)
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<100_000 {
            let value = random.next(below: 10)
            counts[Int(value)] += 1
        }
        // Binomial(100000, 0.1): σ ≈ 95, so ±600 is > 6σ.
        for count in counts { #expect(abs(count - 10_000) < 600) }
        #expect(random.next(below: 0) == 0)
        #expect(random.next(below: 1) == 0)
    }

    @Test(arguments: [1, 2, 3, 5, 64, 1000, 4097] as [UInt64])
    func feistelPermutationIsABijection(count: UInt64) {
        let permutation = FeistelPermutation(count: count, seed: 3)
        var seen = Set<UInt64>()
        for index in 0..<count {
            let value = permutation[index]
            #expect(value < count)
            seen.insert(value)
        }
        #expect(UInt64(seen.count) == count)
    }

    @Test func feistelPermutationDependsOnTheSeedAndIsNotTheIdentity() {
        let a = FeistelPermutation(count: 1000, seed: 1)
        let b = FeistelPermutation(count: 1000, seed: 2)
        let orderA = (0..<1000).map { a[UInt64($0)] }
        let orderB = (0..<1000).map { b[UInt64($0)] }
        #expect(orderA != orderB)
        #expect(orderA.enumerated().filter { UInt64($0.offset) == $0.element }.count < 20)
    }

    @Test(arguments: [(1.0, 10.0), (1.5, 31.622_776_6), (0.8, 6.309_573_4)])
    func zipfRankOneOverRankTenFollowsTheExponent(exponent: Double, expectedRatio: Double) {
        let sampler = ZipfSampler(count: 100_000, exponent: exponent)
        var random = Xoshiro256(seed: 5)
        var rank1 = 0, rank10 = 0, outOfRange = 0
        for _ in 0..<400_000 {
            let rank = sampler.sample(using: &random)
            if rank == 1 { rank1 += 1 }
            if rank == 10 { rank10 += 1 }
            if rank < 1 || rank > 100_000 { outOfRange += 1 }
        }
        #expect(outOfRange == 0)
        let ratio = Double(rank1) / Double(rank10)
        #expect(abs(ratio - expectedRatio) / expectedRatio < 0.12, "ratio \(ratio)")
    }

    @Test func zipfRankOneHasItsExactProbability() {
        // s = 1, n = 1000: P(1) = 1 / H(1000) = 1 / 7.4854708606 = 0.13359.
        let sampler = ZipfSampler(count: 1000, exponent: 1)
        var random = Xoshiro256(seed: 11)
        var rank1 = 0
        for _ in 0..<200_000 where sampler.sample(using: &random) == 1 { rank1 += 1 }
        #expect(abs(Double(rank1) / 200_000 - 0.133_59) < 0.004)
    }
}
