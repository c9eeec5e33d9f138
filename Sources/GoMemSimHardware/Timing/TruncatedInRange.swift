#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// `Int64(x)` for an `x` the caller has shown to be in range (finite, |x| < 2^63): the
/// conversion alone (`cvttsd2si`). Swift's initializer adds its own range and NaN tests
/// (~9 instructions and three branches) even after the caller's; the modelled time is
/// converted three times per access on the hot path (walk cycles, latency bucket, whole
/// nanoseconds due).
@inline(__always)
func truncatedInRange(_ x: Double) -> Int64 {
    #if arch(x86_64)
    return _mm_cvttsd_si64(_mm_set_sd(x))
    #else
    return Int64(x)
    #endif
}
