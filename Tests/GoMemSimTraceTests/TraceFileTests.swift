import CZlib
import Foundation
import GoMemSimTrace
import Testing

/// Files: format detection by content, gzip input, the file writer, `copyTrace`.
@Suite struct TraceFileTests {
    let everyEvent = textBytes(everyEventText)

    func write(_ bytes: [UInt8], to url: URL) throws {
        try Data(bytes).write(to: url)
    }

    /// gzip-compresses `bytes` with zlib, as `gzip` would.
    func writeGzip(_ bytes: [UInt8], to url: URL) throws {
        let gz = try #require(gzopen(url.path, "wb"))
        let wrote = bytes.withUnsafeBytes { gzwrite(gz, $0.baseAddress, UInt32($0.count)) }
        #expect(Int(wrote) == bytes.count)
        #expect(gzclose(gz) == Z_OK)
    }

    @Test func formatFromExtension() {
        #expect(TraceFormat(path: "a/b.gmt") == .text)
        #expect(TraceFormat(path: "b.gmtb") == .binary)
        #expect(TraceFormat(path: "b.gmt.gz") == .text)
        #expect(TraceFormat(path: "b.gmtb.gz") == .binary)
        #expect(TraceFormat(path: "b.txt") == nil)
        #expect(TraceFormat(path: "gmt") == nil)
    }

    @Test func readerPicksTheFormatByContentNotName() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var source = TextTraceReader(bytes: everyEvent, origin: "t.gmt")
        let binary = try binaryBytes(of: &source)
        let expected = try readText(everyEvent)

        let misnamedText = directory.appendingPathComponent("text.gmtb")
        try write(everyEvent, to: misnamedText)
        var textReader = try TraceFileReader(path: misnamedText.path)
        #expect(textReader.format == .text)
        #expect(try readAll(&textReader) == expected)

        let misnamedBinary = directory.appendingPathComponent("binary.gmt")
        try write(binary, to: misnamedBinary)
        var binaryReader = try TraceFileReader(path: misnamedBinary.path)
        #expect(binaryReader.format == .binary)
        #expect(try readAll(&binaryReader) == expected)
    }

    @Test func gzipInputIsReadTransparently() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var source = TextTraceReader(bytes: everyEvent, origin: "t.gmt")
        let binary = try binaryBytes(of: &source)
        let expected = try readText(everyEvent)

        let textGz = directory.appendingPathComponent("t.gmt.gz")
        try writeGzip(everyEvent, to: textGz)
        let binaryGz = directory.appendingPathComponent("t.gmtb.gz")
        try writeGzip(binary, to: binaryGz)
        for chunkSize in [5, 1 << 20] {
            var text = try TraceFileReader(path: textGz.path, chunkSize: chunkSize)
            #expect(text.format == .text)
            #expect(try readAll(&text) == expected)
            var bin = try TraceFileReader(path: binaryGz.path, chunkSize: chunkSize)
            #expect(bin.format == .binary)
            #expect(try readAll(&bin) == expected)
        }
        // Errors in compressed text still point at the line and column.
        let badGz = directory.appendingPathComponent("bad.gmt.gz")
        try writeGzip(textBytes("gomemsim-trace 1\ngc\nalloc 7 12Q scan\n"), to: badGz)
        var bad = try TraceFileReader(path: badGz.path)
        #expect(throws: TraceError.expected("a size", found: "\"12Q\"", at: .text(file: badGz.path, line: 3, column: 9))) {
            _ = try readAll(&bad)
        }
    }

    @Test func truncatedGzipIsAnError() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var big = "gomemsim-trace 1\n"
        for i in 0..<20_000 { big += "alloc \(i) \(i * 7 % 5000) scan\n" }
        let whole = directory.appendingPathComponent("whole.gmt.gz")
        try writeGzip(textBytes(big), to: whole)
        let compressed = try [UInt8](Data(contentsOf: whole))
        let cut = directory.appendingPathComponent("cut.gmt.gz")
        try write(Array(compressed[..<(compressed.count / 2)]), to: cut)
        var reader = try TraceFileReader(path: cut.path)
        do {
            _ = try readAll(&reader)
            Issue.record("a truncated gzip file read without error")
        } catch {
            #expect(error.message.hasPrefix("corrupt gzip data"))
            #expect(error.location != .byte(file: cut.path, offset: 0))
        }
    }

    @Test func missingFileIsATraceError() {
        #expect(throws: TraceError.self) { try TraceFileReader(path: "/nonexistent/x.gmt") }
    }

    @Test func fileWriterAndCopyTraceConvertLosslessly() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let textPath = directory.appendingPathComponent("a.gmt").path
        try write(everyEvent, to: URL(fileURLWithPath: textPath))

        var reader = try TraceFileReader(path: textPath)
        let binaryPath = directory.appendingPathComponent("b.gmtb").path
        var binaryWriter = try TraceFileWriter(path: binaryPath)
        #expect(try copyTrace(&reader, to: &binaryWriter) == 43)
        try binaryWriter.close()

        var binaryReader = try TraceFileReader(path: binaryPath)
        let textAgainPath = directory.appendingPathComponent("c.out").path
        var textWriter = try TraceFileWriter(path: textAgainPath, format: .text)
        #expect(try copyTrace(&binaryReader, to: &textWriter) == 43)
        try textWriter.close()
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: textAgainPath))) == everyEvent)
    }

    @Test func writerNeedsAKnownExtension() {
        #expect(throws: TraceWriteError.self) { try TraceFileWriter(path: "/tmp/x.trace") }
    }

    @Test func writerRejectsASymbolOutsideItsTable() {
        var text = TextTraceWriter()
        #expect(throws: TraceWriteError.self) { try text.write(TraceRecord(.checkpoint(label: Symbol(3))), symbols: SymbolTable()) }
        var binary = BinaryTraceWriter()
        #expect(throws: TraceWriteError.self) { try binary.write(TraceRecord(.open(fd: 1, name: Symbol(0))), symbols: SymbolTable()) }
    }
}
