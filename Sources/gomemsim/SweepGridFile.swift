import ArgumentParser
import Foundation
import GoMemSimHardware

/// A sweep grid written as JSON (`gomemsim sweep --grid grid.json`), validated by
/// schemas/sweep-grid.schema.json:
///
///     {
///       "inputs": ["traces/app.gmtb", "synth:gc-grid,L=64MiB,S=1KiB"],
///       "gogc": [25, 50, 100, 200, 400, "off"],
///       "gomemlimit": ["none", "96MiB"],
///       "gomaxprocs": [2, 4],
///       "profile": ["default", "zen3"],
///       "runtime_model": "go",
///       "hardware": false
///     }
///
/// Values are spelled as on the command line (a number may also be a JSON number). A key
/// the schema does not define is an error, not ignored.
struct SweepGridFile: Decodable {
    var inputs: [String]?
    var gogc: [String]?
    var gomemlimit: [String]?
    var gomaxprocs: [String]?
    var profile: [String]?
    var runtimeModel: String?
    var hardware: Bool?
    var godebug: String?
    var sampleInterval: String?
    var seed: UInt64?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case inputs, gogc, gomemlimit, gomaxprocs, profile
        case runtimeModel = "runtime_model"
        case hardware, godebug
        case sampleInterval = "sample_interval"
        case seed
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputs = try c.decodeIfPresent([String].self, forKey: .inputs)
        gogc = try c.decodeIfPresent([Scalar].self, forKey: .gogc)?.map(\.text)
        gomemlimit = try c.decodeIfPresent([Scalar].self, forKey: .gomemlimit)?.map(\.text)
        gomaxprocs = try c.decodeIfPresent([Scalar].self, forKey: .gomaxprocs)?.map(\.text)
        profile = try c.decodeIfPresent([String].self, forKey: .profile)
        runtimeModel = try c.decodeIfPresent(String.self, forKey: .runtimeModel)
        hardware = try c.decodeIfPresent(Bool.self, forKey: .hardware)
        godebug = try c.decodeIfPresent(String.self, forKey: .godebug)
        sampleInterval = try c.decodeIfPresent(String.self, forKey: .sampleInterval)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
    }

    /// A JSON string or integer, as text.
    private struct Scalar: Decodable {
        var text: String

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(Int64.self) {
                text = String(n)
            } else {
                text = try c.decode(String.self)
            }
        }
    }

    /// Reads and checks `path`; any problem is a validation error naming the file and
    /// the key (exit status 2).
    static func load(path: String) throws -> SweepGridFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ValidationError("\(path): cannot read the grid file: \(error.localizedDescription)")
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw ValidationError(JSONSyntaxError.message(for: data, path: path)
                                  ?? "\(path): expected JSON, found invalid JSON (\(error.localizedDescription))")
        }
        guard let keys = (object as? [String: Any])?.keys else {
            throw ValidationError("\(path): expected a JSON object, found \(type(of: object))")
        }
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = keys.sorted().first(where: { !known.contains($0) }) {
            throw ValidationError("\(path): expected one of \(known.sorted().joined(separator: ", ")), found key \"\(unknown)\"")
        }
        do {
            return try JSONDecoder().decode(SweepGridFile.self, from: data)
        } catch let DecodingError.typeMismatch(type, context) {
            throw ValidationError("\(path): at \(Self.path(context.codingPath)): expected \(type)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw ValidationError("\(path): at \(Self.path(context.codingPath)): expected \(type), found null")
        } catch let DecodingError.dataCorrupted(context) {
            throw ValidationError("\(path): at \(Self.path(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw ValidationError("\(path): \(error)")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
    }
}
