/// Copies every record of `source` to `writer` (converting between formats losslessly)
/// and returns how many records were copied. It does not close the writer.
public func copyTrace<S: TraceSource>(_ source: inout S, to writer: inout TraceFileWriter) throws -> UInt64 {
    var count: UInt64 = 0
    let none = SymbolTable()
    while let record = try source.next() {
        switch record.event {
        case .declareFile, .open, .checkpoint:
            try writer.write(record, symbols: source.symbols)
        default:
            // No strings: skip fetching the table (a copy, reference-counted, per record).
            try writer.write(record, symbols: none)
        }
        count += 1
    }
    return count
}
