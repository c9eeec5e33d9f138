/// Copies every record of `source` to `writer` (converting between formats losslessly)
/// and returns how many records were copied. It does not close the writer.
public func copyTrace<S: TraceSource>(_ source: inout S, to writer: inout TraceFileWriter) throws -> UInt64 {
    var count: UInt64 = 0
    while let record = try source.next() {
        try writer.write(record, symbols: source.symbols)
        count += 1
    }
    return count
}
