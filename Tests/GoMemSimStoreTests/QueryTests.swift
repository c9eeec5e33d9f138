import Foundation
import GoMemSimCore
import Testing
@testable import GoMemSimStore

@Suite struct QueryTests {
    static let result = QueryResult(
        columns: ["run_id", "trace", "gogc", "frac"],
        rows: [
            [.int(1), .text("churn"), .int(100), .real(0.25)],
            [.int(12), .text("a, \"quoted\"\nname"), .null, .null],
            [.int(-3), .text(""), .int(50), .real(1e-05)],
        ]
    )

    @Test func tableAlignsNumbersRightAndShowsNull() {
        let simple = QueryResult(columns: ["run_id", "status", "gogc"],
                                 rows: [[.int(1), .text("complete"), .int(100)], [.int(2), .text("oom"), .null]])
        #expect(simple.formattedTable() == """
            run_id  status    gogc
            ------  --------  ----
                 1  complete   100
                 2  oom       NULL

            """)
        let empty = QueryResult(columns: ["a", "bb"], rows: [])
        #expect(empty.formattedTable() == "a  bb\n-  --\n")
    }

    @Test func csvQuotesPerRFC4180() {
        #expect(Self.result.formattedCSV() ==
            "run_id,trace,gogc,frac\r\n" +
            "1,churn,100,0.25\r\n" +
            "12,\"a, \"\"quoted\"\"\nname\",,\r\n" +
            "-3,,50,1e-05\r\n")
    }

    @Test func jsonIsAnArrayOfObjectsInColumnOrder() {
        #expect(Self.result.formattedJSON() == """
            [
              {"run_id": 1, "trace": "churn", "gogc": 100, "frac": 0.25},
              {"run_id": 12, "trace": "a, \\"quoted\\"\\nname", "gogc": null, "frac": null},
              {"run_id": -3, "trace": "", "gogc": 50, "frac": 1e-05}
            ]

            """)
        #expect(QueryResult(columns: ["x"], rows: []).formattedJSON() == "[]\n")
        #expect(QueryResult.jsonString("tab\there\u{01}é") == "\"tab\\there\\u0001é\"")
        let decoded = try? JSONSerialization.jsonObject(with: Data(Self.result.formattedJSON().utf8)) as? [[String: Any]]
        #expect(decoded?.count == 3)
        #expect(decoded?[1]["trace"] as? String == "a, \"quoted\"\nname")
    }

    @Test func queryIsReadOnly() throws {
        let path = try temporaryDatabasePath()
        let store = try ResultsDatabase(path: path)
        try store.record(sampleRun(), tracePath: "t", traceSHA256: nil, wallTimeNs: 0, toolVersion: "t")
        #expect(throws: StoreError.self) { try query("INSERT INTO runs (trace_path) VALUES ('x')", path: path) }
        #expect(throws: StoreError.self) { try query("DELETE FROM runs", path: path) }
        #expect(throws: StoreError.self) { try query("DROP TABLE samples", path: path) }
        #expect(try query("SELECT count(*) FROM runs", path: path).rows == [[.int(1)]])
        do {
            _ = try query("INSERT INTO runs (trace_path) VALUES ('x')", path: path)
        } catch let error as StoreError {
            #expect(error.description.contains("readonly"))
        }
    }

    @Test func queryReportsColumnsTypesAndSQLErrors() throws {
        let path = try temporaryDatabasePath()
        _ = try ResultsDatabase(path: path)
        let result = try query("SELECT 1 AS one, 2.5 AS half, 'x' AS text, NULL AS absent", path: path)
        #expect(result == QueryResult(columns: ["one", "half", "text", "absent"], rows: [[.int(1), .real(2.5), .text("x"), .null]]))
        #expect(try query("SELECT 1; -- trailing comment\n", path: path).rows == [[.int(1)]])
        #expect(throws: StoreError.notOneStatement("SELECT 1; SELECT 2")) { try query("SELECT 1; SELECT 2", path: path) }
        #expect(throws: StoreError.notOneStatement("")) { try query(" -- nothing to run\n", path: path) }
        let bound = try query("SELECT ? || '!', ? * 2, ? IS NULL", path: path, arguments: [.text("it's"), .real(1.25), .null])
        #expect(bound.rows == [[.text("it's!"), .real(2.5), .int(1)]])
        do {
            _ = try query("SELECT nope FROM runs", path: path)
            Issue.record("no error")
        } catch let error as StoreError {
            #expect(error.description.contains("no such column: nope"))
        }
    }

    @Test func missingDatabaseIsReportedNotCreated() throws {
        let path = try temporaryDatabasePath()
        #expect(throws: StoreError.databaseMissing(path: path)) { try query("SELECT 1", path: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
