import Foundation
import Testing
@testable import GoMemSimStore

@Suite struct SHA256Tests {
    // FIPS 180-2, Appendix B and its additional examples.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func fipsVectors(message: String, digest: String) {
        #expect(SHA256.hexDigest(of: message) == digest)
    }

    @Test func millionAsInUnevenChunks() {
        var hash = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 997)  // crosses block edges
        var left = 1_000_000
        while left > 0 {
            let n = min(left, chunk.count)
            hash.update(Array(chunk.prefix(n)))
            left -= n
        }
        #expect(hash.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func chunkingDoesNotChangeTheDigest() {
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var whole = SHA256()
        whole.update(message)
        let expected = whole.hexDigest()
        for size in [1, 55, 56, 63, 64, 65, 128] {
            var hash = SHA256()
            var i = 0
            while i < message.count {
                hash.update(Array(message[i..<min(i + size, message.count)]))
                i += size
            }
            #expect(hash.hexDigest() == expected, "chunk size \(size)")
        }
    }

    @Test func fileDigestMatchesTheMessageDigest() throws {
        let path = try temporaryDatabasePath() + ".trace"
        let text = String(repeating: "alloc 1 64\nfree 1\n", count: 100_000)  // 1.8 MB: two read chunks
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try SHA256.hexDigest(ofFile: path) == SHA256.hexDigest(of: text))
        let sha256sum = "/usr/bin/sha256sum"
        if FileManager.default.isExecutableFile(atPath: sha256sum) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: sha256sum)
            process.arguments = [path]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(String(decoding: data, as: UTF8.self).prefix(64) == SHA256.hexDigest(of: text))
        }
        #expect(throws: StoreError.self) { try SHA256.hexDigest(ofFile: path + ".missing") }
    }
}
