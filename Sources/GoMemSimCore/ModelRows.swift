/// Rows a model hands to the results database beyond the checkpoint figures: one
/// row per mapping at a checkpoint (`checkpoint_mappings`), per GC cycle (`gc_cycles`),
/// per cache level (`cache_stats`)… The table and its columns must exist in
/// `schemas/results.sql`; the store adds `run_id` and writes them in the run's
/// transaction.
public struct ModelRows: Sendable {
    public struct Table: Sendable {
        public var columns: [String]
        public var rows: [[FigureValue]] = []
    }

    /// Tables in first-use order, so output is deterministic.
    public private(set) var tables: [(name: String, table: Table)] = []

    public init() {}

    /// Appends `row` (values in `columns` order) to `table`.
    public mutating func append(to table: String, columns: [String], _ row: [FigureValue]) {
        precondition(row.count == columns.count, "row and columns differ in length")
        if let i = tables.firstIndex(where: { $0.name == table }) {
            precondition(tables[i].table.columns == columns, "columns of \(table) changed")
            tables[i].table.rows.append(row)
        } else {
            tables.append((table, Table(columns: columns, rows: [row])))
        }
    }

    public var isEmpty: Bool { tables.isEmpty }
}
