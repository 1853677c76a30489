import Accounting
import Testing

/// Reading an upstream bill: RFC 4180 records, the two columns found by name, amounts exact to the micro.
@Suite struct BillCSVTests {
    @Test(arguments: [("0.56", 560_000), ("1", 1_000_000), (".5", 500_000), ("-0.5", -500_000), ("12.3400000", 12_340_000),
                      ("0.000001", 1), ("9223372036854.775807", Int64.max)] as [(String, Int64)])
    func decimalAmountsBecomeExactMicros(_ text: String, _ micros: Int64) {
        #expect(BillCSV.micros(text) == micros)
    }

    @Test(arguments: ["", ".", "1.", "0.0000001", "1e3", "+1", "1,5", "$1", "9223372036854.775808", "--1", " 1", "١"])
    func anythingElseIsNotAnAmount(_ text: String) {
        #expect(BillCSV.micros(text) == nil)
    }

    @Test func quotedFieldsLineEndsAndExtraColumnsAreRead() throws {
        let text = "\u{FEFF}Date,Amount,\"Upstream_Task_ID\",Note\r\n2026-01-01,0.56,\"a,\"\"b\"\"\",x\n\n2026-01-02, 1.5 ,b2,\"multi\nline\"\r\n2026-01-03,0.1,last,"
        let lines = try BillCSV.parse(Array(text.utf8))
        #expect(lines == [
            BillLine(line: 2, upstreamTaskID: "a,\"b\"", billedMicros: 560_000),
            BillLine(line: 4, upstreamTaskID: "b2", billedMicros: 1_500_000),
            BillLine(line: 6, upstreamTaskID: "last", billedMicros: 100_000),
        ])
        #expect(throws: BillError.self) { try BillCSV.parse(Array("upstream_task_id,amount\n\"a\u{0}b\",1\n".utf8)) }
    }

    @Test func aHeaderWithoutBothColumnsOrAShortLineIsInvalid() {
        #expect(throws: BillError.self) { try BillCSV.parse(Array("id,amount\nx,1\n".utf8)) }
        #expect(throws: BillError.self) { try BillCSV.parse(Array("upstream_task_id,note,amount\nx,1\n".utf8)) }
        #expect(throws: BillError.self) { try BillCSV.parse([0xFF, 0xFE, 0x00]) }
    }

    @Test func aHeaderAloneIsAnEmptyBill() throws {
        #expect(try BillCSV.parse(Array("upstream_task_id,amount\r\n".utf8)).isEmpty)
    }
}
