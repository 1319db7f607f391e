import Foundation
import XCTest
@testable import NAS

/// A tiny deterministic generator so the genotype tests need nothing from Tensor.
struct GenotypeTestRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Round trips of every genotype format.
final class GenotypeTests: XCTestCase {
    static let v2Printed = "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), "
        + "('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], "
        + "normal_concat=range(2, 6), reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), "
        + "('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], "
        + "reduce_concat=range(2, 6))"

    /// DARTS_V2 exactly as it appears in the DARTS repository's genotypes.py (list concat).
    static let v2GenotypesPy = "DARTS_V2 = Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), "
        + "('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], "
        + "normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), "
        + "('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], "
        + "reduce_concat=[2, 3, 4, 5])"

    static let nb201Example = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"

    func testDartsV2PrintsLikeTheOriginalCode() {
        XCTAssertEqual(DartsGenotype.dartsV2.dartsString, Self.v2Printed)
        XCTAssertEqual(Genotype.darts(.dartsV2).dartsString, Self.v2Printed)
        XCTAssertNil(Genotype.darts(.dartsV2).nb201String)
    }

    func testDartsStringRoundTripBothConcatStyles() throws {
        XCTAssertEqual(try DartsGenotype(dartsString: Self.v2Printed), .dartsV2)
        XCTAssertEqual(try DartsGenotype(dartsString: Self.v2GenotypesPy), .dartsV2)
        let v1 = DartsGenotype.dartsV1
        XCTAssertEqual(try DartsGenotype(dartsString: v1.dartsString), v1)
        XCTAssertNotEqual(v1, .dartsV2)
        var rng = GenotypeTestRNG(seed: 7)
        for _ in 0..<200 {
            let g = DartsGenotype.random(using: &rng)
            XCTAssertEqual(try DartsGenotype(dartsString: g.dartsString), g)
        }
    }

    func testNonDefaultConcatPrintsAList() throws {
        let g = try DartsGenotype(normal: DartsGenotype.dartsV2.normal, normalConcat: [2, 3, 5],
                                  reduce: DartsGenotype.dartsV2.reduce, reduceConcat: [5, 4])
        XCTAssertTrue(g.dartsString.contains("normal_concat=[2, 3, 5]"), g.dartsString)
        XCTAssertTrue(g.dartsString.contains("reduce_concat=[5, 4]"), g.dartsString)
        XCTAssertEqual(try DartsGenotype(dartsString: g.dartsString), g)
        XCTAssertEqual(try Genotype.parse(Genotype.darts(g).jsonString), .darts(g))
        // range(a, b) that is not 2..<6 parses too, and prints as a list.
        let text = Self.v2Printed.replacingOccurrences(of: "normal_concat=range(2, 6)", with: "normal_concat=range(3, 6)")
        let parsed = try DartsGenotype(dartsString: text)
        XCTAssertEqual(parsed.normalConcat, [3, 4, 5])
        XCTAssertTrue(parsed.dartsString.contains("normal_concat=[3, 4, 5]"))
    }

    func testDartsStringIsFlexible() throws {
        let text = """
              genotype = Genotype(
                normal = [ ("sep_conv_3x3" , 0 ), ("sep_conv_3x3", 1), ("sep_conv_3x3", 0), ("sep_conv_3x3", 1),
                           ("sep_conv_3x3", 1), ("skip_connect", 0), ("skip_connect", 0), ("dil_conv_3x3", 2), ],
                normal_concat = range( 2 , 6 ),
                reduce = [['max_pool_3x3', 0], ('max_pool_3x3', 1), ('skip_connect', 2,), ('max_pool_3x3', 1),
                          ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)],
                reduce_concat = [2, 3, 4, 5,],
              )

            """
        XCTAssertEqual(try DartsGenotype(dartsString: text), .dartsV2)
        XCTAssertEqual(try Genotype.parse(text), .darts(.dartsV2))
        // Fields in another order, concat missing (defaults to 2..<6).
        let reordered = "Genotype(reduce=\(pairsText(DartsGenotype.dartsV1.reduce)), normal=\(pairsText(DartsGenotype.dartsV1.normal)))"
        XCTAssertEqual(try DartsGenotype(dartsString: reordered), .dartsV1)
    }

    private func pairsText(_ edges: [DartsGenotype.Edge]) -> String {
        "[" + edges.map { "('\($0.op.rawValue)', \($0.input))" }.joined(separator: ", ") + "]"
    }

    func testNB201StringRoundTrip() throws {
        let a = try NB201Architecture(nb201String: Self.nb201Example)
        XCTAssertEqual(a.ops, [.norConv3x3, .norConv3x3, .avgPool3x3, .skipConnect, .norConv3x3, .skipConnect])
        XCTAssertEqual(a.nb201String, Self.nb201Example)
        XCTAssertEqual(try NB201Architecture(nb201String: "  \(Self.nb201Example)\n"), a)
        XCTAssertEqual(try Genotype.parse(Self.nb201Example), .nb201(a))
        XCTAssertEqual(Genotype.nb201(a).nb201String, Self.nb201Example)
        XCTAssertNil(Genotype.nb201(a).dartsString)
    }

    func testJSONExactForm() throws {
        let a = try NB201Architecture(nb201String: Self.nb201Example)
        XCTAssertEqual(Genotype.nb201(a).jsonString, "{\"space\":\"nb201\",\"arch\":\"\(Self.nb201Example)\"}")
        let darts = Genotype.darts(.dartsV2).jsonString
        XCTAssertTrue(darts.hasPrefix("{\"space\":\"darts\",\"normal\":[[\"sep_conv_3x3\",0],[\"sep_conv_3x3\",1],"), darts)
        XCTAssertTrue(darts.contains("\"normal_concat\":[2,3,4,5],\"reduce\":[[\"max_pool_3x3\",0],"), darts)
        XCTAssertTrue(darts.hasSuffix("[\"max_pool_3x3\",1]],\"reduce_concat\":[2,3,4,5]}"), darts)
        let chain = Genotype.chain(["kernel": .int(5), "lr": .double(0.001), "act": .string("relu"), "dropout": .double(1.0)])
        XCTAssertEqual(chain.jsonString,
                       "{\"space\":\"chain\",\"params\":{\"act\":\"relu\",\"dropout\":1.0,\"kernel\":5,\"lr\":0.001}}")
    }

    func testJSONRoundTripAllSpaces() throws {
        var rng = GenotypeTestRNG(seed: 3)
        var cases: [Genotype] = [.darts(.dartsV1), .darts(.dartsV2),
                                 .chain(["kernel": .int(3), "lr": .double(0.05), "act": .string("re\"lu\n\u{1}"),
                                         "dropout": .double(0.0), "tiny": .double(1e-7), "neg": .int(-4)]),
                                 .chain([:])]
        for _ in 0..<50 { cases.append(.darts(.random(using: &rng))) }
        for _ in 0..<50 { cases.append(.nb201(.random(using: &rng))) }
        for g in cases {
            // Our writer → our reader.
            XCTAssertEqual(try Genotype.parse(g.jsonString), g)
            XCTAssertEqual(try Genotype(json: g.jsonString), g)
            // Codable both ways, and across the two implementations.
            let encoded = try JSONEncoder().encode(g)
            XCTAssertEqual(try JSONDecoder().decode(Genotype.self, from: encoded), g)
            XCTAssertEqual(try Genotype.parse(String(decoding: encoded, as: UTF8.self)), g)
            XCTAssertEqual(try JSONDecoder().decode(Genotype.self, from: Data(g.jsonString.utf8)), g)
        }
    }

    func testChainKeepsDoublesApartFromInts() throws {
        guard case .chain(let params) = try Genotype.parse("{\"space\":\"chain\",\"params\":{\"a\":1,\"b\":1.0,\"c\":2e-3}}") else {
            return XCTFail("expected chain")
        }
        if case .int(1) = params["a"]! {} else { XCTFail("a should be an int") }
        if case .double(1.0) = params["b"]! {} else { XCTFail("b should be a double") }
        XCTAssertEqual(params["c"]!.doubleValue, 0.002)
        XCTAssertEqual(ChainValue.int(1), .double(1.0))
        XCTAssertEqual(Set([ChainValue.int(1), .double(1.0)]).count, 1)
        XCTAssertNotEqual(ChainValue.string("1"), .int(1))
        XCTAssertEqual(ChainValue.double(3.0).intValue, 3)
        XCTAssertNil(ChainValue.double(0.5).intValue)
    }

    func testJSONIgnoresExtraKeysAndDefaultsConcat() throws {
        let text = """
            {"space": "darts", "accuracy": 0.93, "trial": {"id": 4},
             "normal": \(pairsJSON(DartsGenotype.dartsV1.normal)), "reduce": \(pairsJSON(DartsGenotype.dartsV1.reduce))}
            """
        XCTAssertEqual(try Genotype.parse(text), .darts(.dartsV1))
        XCTAssertEqual(try JSONDecoder().decode(Genotype.self, from: Data(text.utf8)), .darts(.dartsV1))
    }

    private func pairsJSON(_ edges: [DartsGenotype.Edge]) -> String {
        "[" + edges.map { "[\"\($0.op.rawValue)\", \($0.input)]" }.joined(separator: ", ") + "]"
    }

    func testAutoDetection() throws {
        XCTAssertEqual(try Genotype.parse("\n  " + Self.v2Printed).spaceName, "darts")
        XCTAssertEqual(try Genotype.parse(" " + Self.nb201Example).spaceName, "nb201")
        XCTAssertEqual(try Genotype.parse(" {\"space\":\"chain\",\"params\":{}}").spaceName, "chain")
        XCTAssertEqual(try Genotype.parse(Genotype.darts(.dartsV1).jsonString), .darts(.dartsV1))
    }

    func testSummaries() throws {
        XCTAssertEqual(Genotype.darts(.dartsV2).summary,
                       "N s3~0 s3~1|s3~0 s3~1|s3~1 sk~0|sk~0 d3~2  R mp~0 mp~1|sk~2 mp~1|mp~0 sk~2|sk~2 mp~1")
        XCTAssertEqual(Genotype.nb201(try NB201Architecture(nb201String: Self.nb201Example)).summary, Self.nb201Example)
        XCTAssertEqual(Genotype.chain(["lr": .double(0.01), "act": .string("relu"), "k": .int(3)]).summary,
                       "act=relu k=3 lr=0.01")
        XCTAssertEqual(Genotype.darts(.dartsV2).description, Self.v2Printed)
        XCTAssertEqual(Genotype.nb201(try NB201Architecture(index: 0)).description, "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
    }

    func testHashableAcrossSpaces() throws {
        let set: Set<Genotype> = [.darts(.dartsV1), .darts(.dartsV2), .darts(try DartsGenotype(dartsString: Self.v2Printed)),
                                  .nb201(try NB201Architecture(index: 42)), .nb201(try NB201Architecture(index: 42))]
        XCTAssertEqual(set.count, 3)
    }
}
