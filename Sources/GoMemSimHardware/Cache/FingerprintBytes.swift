#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// The 16 fingerprint bytes of a ``FlatLRUArray`` set, compared with one key's byte at
/// once: bit `i` of the result is set where byte `i` equals it.
///
/// On x86-64 that is SSE2 (the baseline, no `-march` needed): a load, `pcmpeqb` against
/// the byte broadcast, `pmovmskb` — a handful of instructions for 16 ways, where SWAR on
/// two words takes ~25. The intrinsics are called directly: the standard library's
/// generic `SIMD16 .==` stayed a loop over the lanes inside the large, inlined access
/// path, and it has no movemask. Elsewhere the SWAR form (``matchingWords(_:at:)``).
/// Both load unaligned: with an odd way count every other set's block is at an odd word.
enum FingerprintBytes {
    @inline(__always)
    static func matching(_ byte: UInt8, at p: UnsafeRawPointer) -> UInt32 {
        #if arch(x86_64)
        let bytes = _mm_loadu_si128(p.assumingMemoryBound(to: __m128i.self))
        // The byte in all 16 lanes: a multiply fills a 32-bit lane, one shuffle the rest
        // (`_mm_set1_epi8` took two shuffles and an unpack on baseline x86-64).
        let lanes = _mm_set1_epi32(Int32(bitPattern: UInt32(byte) &* 0x0101_0101))
        let equal = _mm_cmpeq_epi8(bytes, lanes)
        return UInt32(truncatingIfNeeded: _mm_movemask_epi8(equal))
        #else
        return matchingWords(byte, at: p)
        #endif
    }

    /// ``matching(_:at:)`` on two 64-bit words: each byte that equals `byte` becomes 0
    /// after the xor; the exact zero-byte test marks its top bit (no borrow crosses
    /// bytes), and a multiply gathers the top bits.
    @inline(__always)
    static func matchingWords(_ byte: UInt8, at p: UnsafeRawPointer) -> UInt32 {
        let x = UInt64(byte) &* 0x0101_0101_0101_0101
        return highBits(zeroBytes(p.loadUnaligned(as: UInt64.self) ^ x))
            | highBits(zeroBytes(p.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ x)) &<< 8
    }

    /// The top bit of each byte of `x` that is 0, the rest clear (exact: no borrow
    /// crosses bytes).
    @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~((x & low7) &+ low7 | x | low7)
    }

    /// The top bits of the bytes of `x` (no other bit set) as 8 bits, byte `i`'s (in
    /// memory order, on a little-endian host) as bit `i`: the multiply moves bit `8i + 7`
    /// to bit `56 + i`, and no two partial products share a bit, so nothing carries.
    @inline(__always)
    static func highBits(_ x: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: (x &* 0x0002_0408_1020_4081) &>> 56)
    }
}
