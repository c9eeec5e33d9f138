import GoMemSimCore
import GoMemSimKernel
import GoMemSimTrace
import Testing

let KiB: UInt64 = 1 << 10
let MiB: UInt64 = 1 << 20
let GiB: UInt64 = 1 << 30

func makeKernel(_ configure: (inout KernelConfig) -> Void = { _ in }) -> LinuxKernel {
    var config = KernelConfig()
    configure(&config)
    return LinuxKernel(config: config)
}

extension LinuxKernel {
    /// A private anonymous read-write mapping (what `make([]byte, n)` gets from the heap).
    mutating func mapAnonymous(_ length: UInt64, at hint: UInt64? = nil,
                               protection: Protection = [.read, .write]) throws -> UInt64 {
        try map(length: length, protection: protection, flags: .anonymous, file: nil, fileOffset: 0,
                fixedAddress: hint).value
    }

    /// The smaps figures of the mapping containing `address`.
    func mapping(at address: UInt64) -> MappingFigures? {
        mappings().first { $0.start <= address && address < $0.start + $0.size }
    }

    var rss: UInt64 { figures.vmRSS ?? 0 }

    /// Expects the model's invariants to hold.
    func expectConsistent(sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(_checkInvariants() == [], sourceLocation: sourceLocation)
    }
}

/// A 4 KiB-paged and a MADV_HUGEPAGE region of 16 MiB each at fixed addresses, in a
/// kernel of the default configuration, and a seeded generator of 47-bit draws: the
/// setting of the touch fast paths' differential tests.
struct TouchTestSetting {
    var kernel: LinuxKernel
    let small: UInt64
    let huge: UInt64
    private var state: UInt64

    init(seed: UInt64) throws {
        kernel = makeKernel()
        small = try kernel.mapAnonymous(16 * MiB, at: 0x7f00_0000_0000)
        huge = try kernel.mapAnonymous(16 * MiB, at: 0x7f10_0000_0000)
        _ = try kernel.advise(address: huge, length: 16 * MiB, advice: .hugePage)
        state = seed
    }

    /// The next draw (an LCG's high 47 bits).
    mutating func random() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 17
    }
}
