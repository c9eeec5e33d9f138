import GoMemSimTrace
import Foundation

/// Draws ranks `1...count` with probability ∝ `1 / rank^exponent` in O(1) time and
/// memory per sample, however many ranks there are (a 1 GiB buffer of 8-byte elements
/// has 128 M ranks; a cumulative table would cost 1 GiB).
///
/// The method is rejection-inversion (W. Hörmann & G. Derflinger, "Rejection-inversion
/// to generate variates from monotone discrete distributions", ACM TOMACS 6(3), 1996):
/// invert the integral H of the continuous hat h(x) = x^−s, round to the nearest rank,
/// and accept with a cheap test that almost always passes. It works for any exponent
/// s > 0, including s = 1, through the `helper` functions that keep
/// `(exp(x)−1)/x` and `log(1+x)/x` accurate near 0. Layout follows the
/// Apache Commons RNG `RejectionInversionZipfSampler`.
public struct ZipfSampler: Sendable, Hashable {
    public let count: UInt64
    public let exponent: Double
    private let hIntegralX1: Double
    private let hIntegralCount: Double
    private let s: Double

    /// - Precondition: `count ≥ 1` and `exponent > 0` (the factory validates both).
    public init(count: UInt64, exponent: Double) {
        self.count = max(1, count)
        self.exponent = exponent
        hIntegralX1 = Self.hIntegral(1.5, exponent) - 1
        hIntegralCount = Self.hIntegral(Double(self.count) + 0.5, exponent)
        s = 2 - Self.hIntegralInverse(Self.hIntegral(2.5, exponent) - Self.h(2, exponent), exponent)
    }

    /// A rank in `1...count`; rank 1 is the most frequent.
    public func sample(using random: inout Xoshiro256) -> UInt64 {
        while true {
            let u = hIntegralCount + random.nextDouble() * (hIntegralX1 - hIntegralCount)
            let x = Self.hIntegralInverse(u, exponent)
            var k = (x + 0.5).rounded(.down)
            if k < 1 { k = 1 } else if k > Double(count) { k = Double(count) }
            if k - x <= s || u >= Self.hIntegral(k + 0.5, exponent) - Self.h(k, exponent) {
                return UInt64(k)
            }
        }
    }

    /// H(x) = ∫₁ˣ t^−s dt shifted so that the formula stays exact at s = 1.
    private static func hIntegral(_ x: Double, _ exponent: Double) -> Double {
        let logX = log(x)
        return helper2((1 - exponent) * logX) * logX
    }

    private static func h(_ x: Double, _ exponent: Double) -> Double { exp(-exponent * log(x)) }

    private static func hIntegralInverse(_ x: Double, _ exponent: Double) -> Double {
        var t = x * (1 - exponent)
        if t < -1 { t = -1 }  // rounding can push t just below the domain of log1p
        return exp(helper1(t) * x)
    }

    /// log(1+x)/x, accurate near 0.
    private static func helper1(_ x: Double) -> Double {
        abs(x) > 1e-8 ? log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x))
    }

    /// (exp(x)−1)/x, accurate near 0.
    private static func helper2(_ x: Double) -> Double {
        abs(x) > 1e-8 ? expm1(x) / x : 1 + x * 0.5 * (1 + x * (1.0 / 3.0) * (1 + 0.25 * x))
    }
}
