import Foundation
import GoMemSimKernel
import Testing

@Suite struct KernelConfigTests {
    @Test func profileNamesOnlyWhatDiffers() throws {
        let json = #"{"thpMode": "always", "thpDefrag": "defer+madvise", "memoryMax": 1073741824, "majorFaultNs": 8000000}"#
        let config = try JSONDecoder().decode(KernelConfig.self, from: Data(json.utf8))
        #expect(config.thpMode == .always)
        #expect(config.thpDefrag == .deferMadvise)
        #expect(config.memoryMax == 1 << 30)
        #expect(config.majorFaultNs == 8_000_000)   // an HDD
        #expect(config.faultAroundBytes == 64 << 10)  // default kept
        #expect(config.modelName == "linux-4k-thp-always-memmax")
        let roundTrip = try JSONDecoder().decode(KernelConfig.self, from: JSONEncoder().encode(config))
        #expect(roundTrip == config)
    }

    /// Costs are bounded as the runtime's are (found by fuzzing the profile: `faultNs` of
    /// 2^64 - 1 trapped on an overflow at the first fault, a negative or huge
    /// `copyByteNs` trapped converting the cost of a read(2) to an integer).
    @Test func costsAreBoundedAndNamedWhenNot() throws {
        let atBound = #"{"faultNs": 4294967296, "copyByteNs": 1000}"#
        let config = try JSONDecoder().decode(KernelConfig.self, from: Data(atBound.utf8))
        #expect(config.faultNs == 1 << 32 && config.copyByteNs == 1000)
        func message(_ json: String) -> String? {
            do {
                _ = try JSONDecoder().decode(KernelConfig.self, from: Data(json.utf8))
                return nil
            } catch let DecodingError.dataCorrupted(context) {
                return "\(context.codingPath.map(\.stringValue)): \(context.debugDescription)"
            } catch {
                return "\(error)"
            }
        }
        #expect(message(#"{"faultNs": 18446744073709551615}"#)
            == #"["faultNs"]: expected a cost of at most 4294967296 ns, found 18446744073709551615"#)
        #expect(message(#"{"highThrottlePageNs": 4294967297}"#)
            == #"["highThrottlePageNs"]: expected a cost of at most 4294967296 ns, found 4294967297"#)
        #expect(message(#"{"copyByteNs": -1}"#) == #"["copyByteNs"]: expected a cost per byte in 0...1000.0 ns, found -1.0"#)
        #expect(message(#"{"copyByteNs": 1e300}"#) == #"["copyByteNs"]: expected a cost per byte in 0...1000.0 ns, found 1e+300"#)
    }

    @Test func defaultsAreTheMeasuredMachine() {
        let config = KernelConfig()
        #expect(config.thpMode == .madvise && config.thpDefrag == .madvise)
        #expect(config.pageSize == 4096 && config.swapBytes == 0 && config.memoryMax == nil)
        #expect(config.faultNs + config.zeroPageNs == 1000)  // ≈ 1 µs anonymous fault (facts §9)
        #expect(LinuxKernel(config: config).modelName == "linux-4k-thp-madvise")
    }
}
