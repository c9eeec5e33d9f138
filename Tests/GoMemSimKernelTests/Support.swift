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
