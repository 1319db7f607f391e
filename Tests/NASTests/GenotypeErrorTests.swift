import Foundation
import XCTest
@testable import NAS

/// Malformed genotypes: every error says where and what would be accepted.
final class BadInputGenotypeTests: XCTestCase {
    static let dartsOps = "max_pool_3x3, avg_pool_3x3, skip_connect, sep_conv_3x3, sep_conv_5x5, dil_conv_3x3, dil_conv_5x5"
    static let nb201Ops = "none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3"

    /// The error `body` throws, failing the test when it throws none or another type.
    func error(_ body: () throws -> Any, file: StaticString = #filePath, line: UInt = #line) -> GenotypeError? {
        do {
            let value = try body()
            XCTFail("expected a GenotypeError, got \(value)", file: file, line: line)
        } catch let e as GenotypeError {
            return e
        } catch {
            XCTFail("expected a GenotypeError, got \(type(of: error)): \(error)", file: file, line: line)
        }
        return nil
    }

    func assertMessage(_ e: GenotypeError?, contains parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        guard let e else { return }
        for part in parts {
            XCTAssertTrue(e.message.contains(part), "message lacks \"\(part)\": \(e.message)", file: file, line: line)
        }
    }

    var v2: String { GenotypeTests.v2Printed }

    // MARK: DARTS string

    func testUnknownDartsOpListsValidOps() {
        let text = v2.replacingOccurrences(of: "('dil_conv_3x3', 2)", with: "('sep_conv_7x7', 2)")
        let e = error { try DartsGenotype(dartsString: text) }
        assertMessage(e, contains: ["DARTS string", "unknown DARTS operation 'sep_conv_7x7'", "normal[7] (node 3)",
                                    "valid operations: \(Self.dartsOps)"])
        let offset = text.distance(from: text.startIndex, to: text.range(of: "'sep_conv_7x7'")!.lowerBound)
        XCTAssertEqual(e?.offset, offset)
        assertMessage(e, contains: ["character \(offset + 1)"])
        // Through the auto-detecting entry point too.
        assertMessage(error { try Genotype.parse(text) }, contains: ["sep_conv_7x7", Self.dartsOps])
    }

    func testNoneIsRejected() {
        let text = v2.replacingOccurrences(of: "('dil_conv_3x3', 2)", with: "('none', 2)")
        assertMessage(error { try DartsGenotype(dartsString: text) },
                      contains: ["'none' is not allowed", "normal[7]", Self.dartsOps])
        var normal = DartsGenotype.dartsV2.normal
        normal[0].op = .none
        assertMessage(error { try DartsGenotype(normal: normal, reduce: DartsGenotype.dartsV2.reduce) },
                      contains: ["normal[0] (node 0, edge 0)", "'none' is not allowed"])
    }

    func testBadInputIndex() {
        // Node 0 may only read 0 and 1.
        let text = v2.replacingOccurrences(of: "normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1)",
                                           with: "normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 3)")
        let e = error { try DartsGenotype(dartsString: text) }
        assertMessage(e, contains: ["normal[1] (node 0, edge 1)", "input 3 is out of range", "inputs 0...1"])
        let offset = text.distance(from: text.startIndex, to: text.range(of: "3)")!.lowerBound)
        XCTAssertEqual(e?.offset, offset)

        var reduce = DartsGenotype.dartsV2.reduce
        reduce[7].input = 5
        assertMessage(error { try DartsGenotype(normal: DartsGenotype.dartsV2.normal, reduce: reduce) },
                      contains: ["reduce[7] (node 3, edge 1)", "input 5", "inputs 0...4"])
        reduce[7].input = -1
        assertMessage(error { try DartsGenotype(normal: DartsGenotype.dartsV2.normal, reduce: reduce) },
                      contains: ["input -1 is out of range"])
    }

    func testDuplicateInputsInANode() {
        let text = v2.replacingOccurrences(of: "('skip_connect', 0), ('dil_conv_3x3', 2)]",
                                           with: "('skip_connect', 2), ('dil_conv_3x3', 2)]")
        assertMessage(error { try DartsGenotype(dartsString: text) },
                      contains: ["normal[6] and normal[7] (node 3)", "both take input 2", "distinct inputs"])
    }

    func testWrongPairCount() {
        let six = v2.replacingOccurrences(of: ", ('skip_connect', 0), ('dil_conv_3x3', 2)]", with: "]")
        assertMessage(error { try DartsGenotype(dartsString: six) },
                      contains: ["normal has 6 (op, input) pairs; expected 8", "character 17"])
        let nine = v2.replacingOccurrences(of: "('dil_conv_3x3', 2)]", with: "('dil_conv_3x3', 2), ('sep_conv_3x3', 0)]")
        assertMessage(error { try DartsGenotype(dartsString: nine) }, contains: ["normal has more than 8 pairs"])
        assertMessage(error { try DartsGenotype(normal: [], reduce: DartsGenotype.dartsV2.reduce) },
                      contains: ["normal has 0 (op, input) pairs; expected 8"])
    }

    func testBadConcatAndFields() {
        assertMessage(error { try DartsGenotype(dartsString: self.v2.replacingOccurrences(of: "reduce_concat=range(2, 6)", with: "reduce_concat=[2, 3, 6]")) },
                      contains: ["reduce_concat [2, 3, 6]", "6 is not an intermediate node", "2...5"])
        assertMessage(error { try DartsGenotype(dartsString: self.v2.replacingOccurrences(of: "reduce_concat=range(2, 6)", with: "reduce_concat=range(6, 2)")) },
                      contains: ["reduce_concat [] is empty"])
        assertMessage(error { try DartsGenotype(dartsString: self.v2.replacingOccurrences(of: "reduce_concat=range(2, 6)", with: "reduce_concat=(2, 3)")) },
                      contains: ["expected reduce_concat as range(2, 6) or a list"])
        assertMessage(error { try DartsGenotype(dartsString: self.v2.replacingOccurrences(of: "reduce_concat=", with: "reduce_concatt=")) },
                      contains: ["unknown field 'reduce_concatt'", "normal, normal_concat, reduce, reduce_concat"])
        assertMessage(error { try DartsGenotype(dartsString: self.v2.replacingOccurrences(of: "reduce_concat=range(2, 6)", with: "normal_concat=range(2, 6)")) },
                      contains: ["field 'normal_concat' appears twice"])
        assertMessage(error { try DartsGenotype(dartsString: "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)])") },
                      contains: ["field 'reduce' is missing"])
        assertMessage(error { try DartsGenotype(dartsString: self.v2 + " extra") },
                      contains: ["unexpected text after the closing ')'", "\"extra\""])
        assertMessage(error { try DartsGenotype(dartsString: "Genome(normal=[])") },
                      contains: ["expected 'Genotype('", "character 1", "\"Genome(normal=[])\""])
    }

    func testEveryTruncationOfADartsStringFails() {
        let chars = Array(v2)
        for n in 0..<chars.count {
            let prefix = String(chars[0..<n])
            XCTAssertThrowsError(try DartsGenotype(dartsString: prefix), "prefix of length \(n) parsed") { e in
                XCTAssertTrue(e is GenotypeError, "\(n): \(e)")
            }
        }
        assertMessage(error { try DartsGenotype(dartsString: String(chars[0..<100])) }, contains: ["the end of the text"])
        assertMessage(error { try DartsGenotype(dartsString: "Genotype(normal=[('sep_conv_3x3, 0)") },
                      contains: ["unterminated string", "character 19"])
    }

    // MARK: NB201 string

    func testNB201UnknownOp() {
        let text = "|nor_conv_3x3~0|+|conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
        let e = error { try NB201Architecture(nb201String: text) }
        assertMessage(e, contains: ["NB201 string", "node 2, edge 2<-0", "unknown NB201 operation 'conv_3x3'",
                                    "valid operations: \(Self.nb201Ops)", "character 19"])
        XCTAssertEqual(e?.offset, 18)
    }

    func testNB201BadInputIndex() {
        let text = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~0|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
        assertMessage(error { try NB201Architecture(nb201String: text) },
                      contains: ["node 2, edge 2<-1", "\"avg_pool_3x3~0\"", "must be '~1'"])
        assertMessage(error { try NB201Architecture(nb201String: "|nor_conv_3x3~x|+|none~0|none~1|+|none~0|none~1|none~2|") },
                      contains: ["node 1, edge 1<-0", "names input 'x'"])
        assertMessage(error { try NB201Architecture(nb201String: "|nor_conv_3x3|+|none~0|none~1|+|none~0|none~1|none~2|") },
                      contains: ["\"nor_conv_3x3\" is not of the form 'op~0'"])
    }

    func testNB201WrongNodeAndEdgeCounts() {
        assertMessage(error { try NB201Architecture(nb201String: "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|") },
                      contains: ["has 2 nodes separated by '+'; expected 3"])
        assertMessage(error { try NB201Architecture(nb201String: "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|+|none~0|") },
                      contains: ["has 4 nodes"])
        assertMessage(error { try NB201Architecture(nb201String: "|none~0|+|none~0|+|none~0|none~1|none~2|") },
                      contains: ["node 2 \"|none~0|\" at character 10 lists 1 edge; node 2 takes 2 (from inputs 0, 1)"])
        assertMessage(error { try NB201Architecture(ops: [.none]) }, contains: ["6 edges", "got 1 ops"])
        assertMessage(error { try NB201Architecture(index: 15_625) }, contains: ["15625 is out of range", "0...15624"])
    }

    func testEveryTruncationOfAnNB201StringFails() {
        let chars = Array(GenotypeTests.nb201Example)
        for n in 0..<chars.count {
            XCTAssertThrowsError(try NB201Architecture(nb201String: String(chars[0..<n])), "prefix \(n) parsed") { e in
                XCTAssertTrue(e is GenotypeError)
            }
        }
        assertMessage(error { try NB201Architecture(nb201String: String(chars[0..<(chars.count - 1)])) },
                      contains: ["node 3", "must start and end with '|'", "truncated"])
    }

    // MARK: JSON

    func testBadJSONSaysWhere() {
        let good = Genotype.darts(.dartsV2).jsonString
        let chars = Array(good)
        for n in 0..<chars.count {
            XCTAssertThrowsError(try Genotype.parse(String(chars[0..<n])), "prefix \(n) parsed") { e in
                XCTAssertTrue(e is GenotypeError)
            }
        }
        let e = error { try Genotype.parse("{\"space\": \"nb201\", \"arch\" \"|none~0|\"}") }
        assertMessage(e, contains: ["genotype JSON", "expected ':' after the key \"arch\"", "character 27"])
        assertMessage(error { try Genotype.parse("{\"space\": \"nb201\", \"arch\": tru}") },
                      contains: ["expected a JSON value", "character 28"])
        assertMessage(error { try Genotype.parse("{\"space\": \"darts\",") }, contains: ["the end of the text"])
        assertMessage(error { try Genotype.parse("{\"space\": \"nb201\", \"arch\": \"|none~0|\"} x") },
                      contains: ["unexpected text after the JSON value"])
    }

    func testJSONContentErrors() {
        assertMessage(error { try Genotype.parse("{\"arch\": \"x\"}") }, contains: ["missing \"space\"", "\"darts\", \"nb201\" or \"chain\""])
        assertMessage(error { try Genotype.parse("{\"space\": \"nasnet\"}") },
                      contains: ["unknown space \"nasnet\"", "\"darts\", \"nb201\" or \"chain\""])
        assertMessage(error { try Genotype.parse("[1, 2]") }, contains: ["unrecognised genotype"])
        assertMessage(error { try Genotype(json: "[1, 2]") }, contains: ["expected an object"])
        let badOp = Genotype.darts(.dartsV2).jsonString.replacingOccurrences(of: "dil_conv_3x3", with: "dil_conv_9x9")
        let e = error { try Genotype.parse(badOp) }
        assertMessage(e, contains: ["normal[7] (node 3): unknown DARTS operation 'dil_conv_9x9'", Self.dartsOps, "character"])
        XCTAssertEqual(e?.offset, badOp.distance(from: badOp.startIndex, to: badOp.range(of: "\"dil_conv_9x9\"")!.lowerBound))
        let badInput = Genotype.darts(.dartsV2).jsonString.replacingOccurrences(of: "[\"dil_conv_3x3\",2]", with: "[\"dil_conv_3x3\",7]")
        assertMessage(error { try Genotype.parse(badInput) }, contains: ["normal[7] (node 3, edge 1): input 7 is out of range"])
        assertMessage(error { try Genotype.parse("{\"space\":\"darts\",\"normal\":[[\"sep_conv_3x3\"]],\"reduce\":[]}") },
                      contains: ["normal[0] must be an [\"op\", input] pair"])
        assertMessage(error { try Genotype.parse("{\"space\":\"darts\",\"normal\":[]}") },
                      contains: ["normal has 0 (op, input) pairs; expected 8"])
        assertMessage(error { try Genotype.parse("{\"space\":\"nb201\",\"arch\":\"|bogus~0|+|none~0|none~1|+|none~0|none~1|none~2|\"}") },
                      contains: ["\"arch\"", "unknown NB201 operation 'bogus'", Self.nb201Ops])
        assertMessage(error { try Genotype.parse("{\"space\":\"nb201\",\"arch\":5}") },
                      contains: ["\"arch\" must be an NB201 string, found the number 5"])
        assertMessage(error { try Genotype.parse("{\"space\":\"chain\",\"params\":{\"bn\":true}}") },
                      contains: ["chain parameter \"bn\" must be a number or a string, found true"])
    }

    func testCodableErrorsAreGenotypeErrors() {
        let badOp = Genotype.darts(.dartsV2).jsonString.replacingOccurrences(of: "dil_conv_3x3", with: "dil_conv_9x9")
        XCTAssertThrowsError(try JSONDecoder().decode(Genotype.self, from: Data(badOp.utf8))) { e in
            XCTAssertTrue("\(e)".contains("unknown DARTS operation 'dil_conv_9x9'"), "\(e)")
            XCTAssertTrue("\(e)".contains("normal[7]"), "\(e)")
        }
        XCTAssertThrowsError(try JSONDecoder().decode(Genotype.self, from: Data("{\"space\":\"x\"}".utf8))) { e in
            XCTAssertTrue("\(e)".contains("unknown space \"x\""), "\(e)")
        }
    }

    func testUnrecognisedTextListsFormats() {
        assertMessage(error { try Genotype.parse("hello world") },
                      contains: ["unrecognised genotype \"hello world\"", "JSON", "DARTS string", "NB201 string"])
        assertMessage(error { try Genotype.parse("   ") }, contains: ["empty"])
    }
}
