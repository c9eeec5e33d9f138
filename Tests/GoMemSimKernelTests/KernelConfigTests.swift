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

    @Test func defaultsAreTheMeasuredMachine() {
        let config = KernelConfig()
        #expect(config.thpMode == .madvise && config.thpDefrag == .madvise)
        #expect(config.pageSize == 4096 && config.swapBytes == 0 && config.memoryMax == nil)
        #expect(config.faultNs + config.zeroPageNs == 1000)  // ≈ 1 µs anonymous fault (facts §9)
        #expect(LinuxKernel(config: config).modelName == "linux-4k-thp-madvise")
    }
}
