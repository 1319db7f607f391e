import Foundation
import XCTest
@testable import NAS

/// Inputs the genotype and data fuzzers (Fuzz/darts-string, Fuzz/genotype-json, Fuzz/idx) found;
/// each is also in Fuzz/corpus/<parser>/crash-*.
final class FuzzFindingNASTests: XCTestCase {
    /// `normal_concat=range(0, 99999999999)` listed the range before checking it: a fatal
    /// 800 GB allocation. Now an error naming the field and the first bad node.
    func testAllocHugeConcatRangeIsAnError() {
        for (text, bad) in [("Genotype(normal_concat=range(0, 99999999999))", "0 is not an intermediate node"),
                            ("Genotype(reduce_concat=range(2, 99999999999))", "99999999998 is not an intermediate node"),
                            ("Genotype(normal_concat=range(-9223372036854775807, 6))", "-9223372036854775807 is not")] {
            XCTAssertThrowsError(try DartsGenotype(dartsString: text)) { error in
                let message = (error as? GenotypeError)?.message ?? "\(error)"
                XCTAssertTrue(message.contains("_concat range(") && message.contains(bad), message)
            }
        }
        // The valid ranges still parse.
        let v2 = GenotypeTests.v2Printed
        XCTAssertEqual(try DartsGenotype(dartsString: v2.replacingOccurrences(of: "[2, 3, 4, 5]", with: "range(2, 6)")),
                       try DartsGenotype(dartsString: v2))
    }

    /// `[[[[…` 16 000 deep (and deeper) overflowed the stack of the genotype JSON reader: now an
    /// error past 64 levels, at the character where the 65th opens.
    func testStackOverflowNestedArraysIsAnError() {
        for text in [String(repeating: "[", count: 100_000), String(repeating: "{\"a\":", count: 100_000),
                     "{\"space\":\"nb201\",\"x\":" + String(repeating: "[", count: 70) + "}"] {
            XCTAssertThrowsError(try Genotype(json: text)) { error in
                let e = error as? GenotypeError
                XCTAssertTrue(e?.message.contains("nest more than 64 levels deep") ?? false, "\(error)")
                XCTAssertNotNil(e?.offset)
            }
        }
        // Through the format sniffer too (a tabular benchmark's arch column goes this way).
        XCTAssertThrowsError(try Genotype.parse(String(repeating: "[", count: 100_000)))
    }

    /// A gzip file whose trailer claims 4 GiB - 1 of output reserved that much before inflating
    /// a few bytes: the reservation is now at most deflate's 1032-fold expansion of the input.
    func testAllocGzipTrailerClaimingFourGiBIsNotReserved() throws {
        var bytes: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3] + [UInt8](repeating: 0, count: 10)
        bytes.replaceSubrange((bytes.count - 4)..., with: [0xFF, 0xFF, 0xFF, 0xFF])
        let capacity = bytes.withUnsafeBytes { Gzip.initialCapacity($0) }
        XCTAssertLessThanOrEqual(capacity, bytes.count * Gzip.maxExpansion)
        // An honest trailer is still the first guess.
        var honest = bytes
        honest.replaceSubrange((honest.count - 4)..., with: [0x10, 0x27, 0, 0])
        XCTAssertEqual(honest.withUnsafeBytes { Gzip.initialCapacity($0) }, 10_000)
        // The committed input: read, and refused for its wrong length, not by a crash.
        let corpus = corpusFile("idx/crash-alloc-gzip-trailer-4gib")
        let data = try [UInt8](Data(contentsOf: corpus))
        assertDataError(["trailer.gz", "corrupt gzip data"]) {
            try data.withUnsafeBytes { try FileBytes.bytes($0, path: "trailer.gz") }
        }
    }

    /// A chain key holding U+06DD (a prepended mark) then a backslash and 'n' did not survive
    /// a JSON round trip: the reader scanned grapheme clusters, and the mark swallowed the
    /// backslash of the escape it was written with. A mark before a closing quote also hid it.
    func testRoundTripChainKeyWithPrependedMark() throws {
        for key in ["l\u{6DD}\\ne", "a\u{6DD}", "\u{6DD}\"x", "e\u{301}", "\u{301}start", "\r\n"] {
            let genotype = Genotype.chain([key: .string(key + "v"), "b": .int(1)])
            XCTAssertEqual(try Genotype(json: genotype.jsonString), genotype, genotype.jsonString)
        }
        XCTAssertEqual(try Genotype(json: "{\"space\":\"chain\",\"params\":{\"k\u{6DD}\":1}}"),
                       Genotype.chain(["k\u{6DD}": .int(1)]))
        // The input the fuzzer found: parses, and writes JSON that reads back the same.
        let text = String(decoding: try Data(contentsOf: corpusFile("genotype-json/crash-roundtrip-chain-key-control-characters")),
                          as: UTF8.self)
        let genotype = try Genotype(json: text)
        XCTAssertEqual(try Genotype(json: genotype.jsonString).jsonString, genotype.jsonString)
    }

    /// A file of Fuzz/corpus.
    func corpusFile(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/" + name)
    }
}
