import Foundation
import GoMemSimHardware
import Testing

@Test func presetsAreValid() throws {
    for preset in MachineProfile.presets { try preset.validate() }
    #expect(MachineProfile.preset(named: "default") == .skylakeSP)
    #expect(MachineProfile.presets.map(\.name) == ["skylake-sp", "zen3", "zen4", "tiny"])
}

@Test func profileFilesHoldThePresets() throws {
    for preset in MachineProfile.presets {
        let path = Calibration.repositoryRoot + "/profiles/\(preset.name).json"
        if ProcessInfo.processInfo.environment["GOMEMSIM_WRITE_PROFILES"] == "1" {
            try preset.encodedJSON().write(to: URL(fileURLWithPath: path))
        }
        let loaded = try MachineProfile.load(path)
        #expect(loaded == preset, "\(path)")
    }
}

@Test func profilesMayCarryOtherSections() throws {
    var json = String(decoding: try MachineProfile.tiny.encodedJSON(), as: UTF8.self)
    json.removeLast()  // "}"
    json += #", "kernel": {"thp": "madvise"}, "runtime": {"gogc": 100}}"#
    #expect(try MachineProfile.decode(Data(json.utf8), origin: "p.json") == .tiny)
}

@Test func invalidProfilesNameTheField() throws {
    func message(_ edit: (inout MachineProfile) -> Void) throws -> String {
        var p = MachineProfile.skylakeSP
        edit(&p)
        let data = try p.encodedJSON()
        do {
            _ = try MachineProfile.decode(data, origin: "p.json")
            return ""
        } catch {
            return error.message
        }
    }
    #expect(try message { $0.hardware.caches[1].ways = 12 }
        == "p.json: hardware.caches[1].size_bytes: expected a power-of-two number of sets of 12 x 64 B lines, found 1048576")
    #expect(try message { $0.hardware.caches[2].latencyCycles = 3 }
        == "p.json: hardware.caches[2].latency_cycles: expected at least 1 and at least the level above (14), found 3")
    #expect(try message { $0.hardware.tlb.l1[0].pageShift = 13 }
        == "p.json: hardware.tlb.l1[0].page_shift: expected 12, 21 or 30, found 13")
    #expect(try message { $0.hardware.coreGHz = 0 } == "p.json: hardware.core_ghz: expected a frequency in (0, 10] GHz, found 0.0")

    let missing = Data(#"{"name": "x", "hardware": {"core_ghz": 3}}"#.utf8)
    #expect(throws: HardwareConfigError.self) { try MachineProfile.decode(missing, origin: "m.json") }
    do { _ = try MachineProfile.decode(missing, origin: "m.json") } catch {
        #expect(error.message.hasPrefix("m.json: hardware.line_bytes: expected a value"))
    }
    #expect(throws: HardwareConfigError.self) { try MachineProfile.load("no-such-profile") }
}

/// A profile that is not JSON says where its syntax breaks (found by fuzzing the profile
/// loader: the message was `p.json: : The given data was not valid JSON.`, no place).
@Test func malformedJSONIsReportedAtItsLineAndColumn() {
    func message(_ text: String) -> String {
        do {
            _ = try MachineProfile.decode(Data(text.utf8), origin: "p.json")
            return ""
        } catch {
            return error.message
        }
    }
    #expect(message("{\"name\": \"x\",\n  nope}") == "p.json:2:3: expected valid JSON, found invalid value")
    #expect(message("{\"name\": \"x\",\n") == "p.json:2:1: expected valid JSON, found unexpected end of file during JSON parse")
    #expect(JSONSyntaxError.message(for: Data("[1, 2]".utf8), path: "p.json") == nil)
}
