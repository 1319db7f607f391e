import XCTest
@testable import Config

/// Inputs the TOML fuzzer (Fuzz/toml) found; each is also in Fuzz/corpus/toml/crash-*.
final class FuzzFindingTOMLTests: XCTestCase {
    /// `a = [[[[…` 16 000 deep overflowed the stack (each level also copied a longer context
    /// string): now an error past 64 levels, with the line and column.
    func testStackOverflowNestedArraysIsAnError() {
        for text in ["a = " + String(repeating: "[", count: 16_000), "a = " + String(repeating: "{b=", count: 16_000),
                     "x = 1\ny = " + String(repeating: "[{c=", count: 100)] {
            XCTAssertThrowsError(try TOMLDocument(parsing: text, file: "deep.toml")) { error in
                let e = error as? ConfigError
                XCTAssertTrue(e?.message.contains("nest more than 64 levels") ?? false, "\(error)")
                XCTAssertEqual(e?.file, "deep.toml")
                XCTAssertNotNil(e?.line)
            }
        }
    }

    /// 64 levels are still read.
    func testSixtyFourLevelsOfNestingAreRead() throws {
        let doc = try TOMLDocument(parsing: "a = " + String(repeating: "[", count: 64) + String(repeating: "]", count: 64),
                                   file: "ok.toml")
        var value = try XCTUnwrap(doc["a"])
        for _ in 0..<63 { value = try XCTUnwrap(value.arrayValue?.first) }
        XCTAssertEqual(value.arrayValue?.count, 0)
    }
}
