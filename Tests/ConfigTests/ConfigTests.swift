import XCTest
@testable import Config

/// The TOML reader: every construct, and errors that name file, line and what is accepted.
final class ConfigTests: XCTestCase {
    private func parse(_ text: String) throws -> TOMLDocument {
        try TOMLDocument(parsing: text, file: "test.toml")
    }

    /// The ConfigError thrown by `body`, failing the test when none (or another error) is thrown.
    private func configError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> ConfigError? {
        do {
            try body()
            XCTFail("expected a ConfigError", file: file, line: line)
        } catch let error as ConfigError {
            return error
        } catch {
            XCTFail("expected a ConfigError, got \(error)", file: file, line: line)
        }
        return nil
    }

    private func parseError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ConfigError? {
        configError({ _ = try parse(text) }, file: file, line: line)
    }

    // MARK: Constructs

    func testCommentsAndKeys() throws {
        let doc = try parse("""
        # a comment
        bare_key-1 = 1   # trailing comment
        "quoted key" = 2
        'literal key' = 3
        a.b.c = 4
        a . d = 5
        """)
        XCTAssertEqual(doc.keys, ["bare_key-1", "quoted key", "literal key", "a"])
        XCTAssertEqual(try doc.int("bare_key-1"), 1)
        XCTAssertEqual(try doc.int("quoted key"), 2)
        XCTAssertEqual(try doc.int("literal key"), 3)
        let a = try doc.table("a")
        XCTAssertEqual(try a.table("b").int("c"), 4)
        XCTAssertEqual(try a.int("d"), 5)
        XCTAssertEqual(a.keys, ["b", "d"])
    }

    func testTablesAndNestedTables() throws {
        let doc = try parse("""
        top = true

        [server]
        host = "localhost"

        [server.limits]
        cpus = 4

        [x.y.z]
        w = 1

        [x]
        v = 2
        """)
        XCTAssertEqual(try doc.bool("top"), true)
        let server = try doc.table("server")
        XCTAssertEqual(server.name, "[server]")
        XCTAssertEqual(server.line, 3)
        XCTAssertEqual(try server.string("host"), "localhost")
        XCTAssertEqual(try server.table("limits").int("cpus"), 4)
        let x = try doc.table("x")
        XCTAssertEqual(try x.int("v"), 2)
        XCTAssertEqual(x.line, 12, "an implicit table takes the line of its own header once it has one")
        XCTAssertEqual(try x.table("y").table("z").int("w"), 1)
    }

    func testArraysOfTables() throws {
        let doc = try parse("""
        [[layer]]
        kind = "conv"

        [[layer]]
        kind = "linear"
        [layer.extra]
        k = 1

        [[layer]]
        """)
        let layers = try doc.tables("layer")
        XCTAssertEqual(layers.count, 3)
        XCTAssertEqual(layers.map(\.line), [1, 4, 9])
        XCTAssertEqual(layers[0].name, "[[layer]]")
        XCTAssertEqual(try layers[0].string("kind"), "conv")
        XCTAssertEqual(try layers[1].table("extra").int("k"), 1)
        XCTAssertTrue(layers[2].keys.isEmpty)
    }

    func testStrings() throws {
        let doc = try parse(#"""
        basic = "tab\there \"quoted\" back\\slash \u00E9 \U0001F600"
        literal = 'C:\path\no "escapes"'
        empty = ""
        multi = """
        line one
        line two \
            joined"""
        raw = '''
        keep \n as is'''
        unicode = "π ≈ 3.14"
        """#)
        XCTAssertEqual(try doc.string("basic"), "tab\there \"quoted\" back\\slash é 😀")
        XCTAssertEqual(try doc.string("literal"), #"C:\path\no "escapes""#)
        XCTAssertEqual(try doc.string("empty"), "")
        XCTAssertEqual(try doc.string("multi"), "line one\nline two joined")
        XCTAssertEqual(try doc.string("raw"), #"keep \n as is"#)
        XCTAssertEqual(try doc.string("unicode"), "π ≈ 3.14")
    }

    func testNumbersAndBooleans() throws {
        let doc = try parse("""
        a = 42
        b = -17
        c = +5
        d = 1_000_000
        e = 0
        f = 0xFF
        g = 0b1010
        h = 0o17
        i = 3.25
        j = -0.5
        k = 1e-3
        l = 6.02E+23
        m = 1_000.5
        n = 2e3
        t = true
        u = false
        """)
        XCTAssertEqual(try doc.int("a"), 42)
        XCTAssertEqual(try doc.int("b"), -17)
        XCTAssertEqual(try doc.int("c"), 5)
        XCTAssertEqual(try doc.int("d"), 1_000_000)
        XCTAssertEqual(try doc.int("e"), 0)
        XCTAssertEqual(try doc.int("f"), 255)
        XCTAssertEqual(try doc.int("g"), 10)
        XCTAssertEqual(try doc.int("h"), 15)
        XCTAssertEqual(try doc.double("i"), 3.25)
        XCTAssertEqual(try doc.double("j"), -0.5)
        XCTAssertEqual(try doc.double("k"), 1e-3)
        XCTAssertEqual(try doc.double("l"), 6.02e23)
        XCTAssertEqual(try doc.double("m"), 1000.5)
        XCTAssertEqual(doc["n"]?.kind, .float(2000))
        XCTAssertEqual(try doc.double("a"), 42, "integers are accepted where a number is expected")
        XCTAssertEqual(try doc.bool("t"), true)
        XCTAssertEqual(try doc.bool("u"), false)
    }

    func testArrays() throws {
        let doc = try parse("""
        empty = []
        ints = [1, 2, 3]
        multi = [
            "relu",   # comments are fine
            "gelu",
            "silu",   # and a trailing comma
        ]
        nested = [[1, 2], [3], []]
        mixed = [1, "a", 2.5, true, { k = 1 }]
        """)
        XCTAssertEqual(try doc.array("empty").count, 0)
        XCTAssertEqual(try doc.array("ints").compactMap(\.intValue), [1, 2, 3])
        let multi = try doc.array("multi")
        XCTAssertEqual(multi.compactMap(\.stringValue), ["relu", "gelu", "silu"])
        XCTAssertEqual(multi.map(\.line), [4, 5, 6])
        XCTAssertEqual(doc["multi"]?.line, 3)
        let nested = try doc.array("nested")
        XCTAssertEqual(nested.map { $0.arrayValue?.compactMap(\.intValue) ?? [] }, [[1, 2], [3], []])
        let mixed = try doc.array("mixed")
        XCTAssertEqual(mixed.map(\.typeName), ["an integer", "a string", "a float", "a boolean", "a table"])
    }

    func testInlineTables() throws {
        let doc = try parse("""
        units = { int = [4, 128], log = true }
        empty = {}
        nested = { a = { b = "x" }, c.d = 2 }
        spread = {
            choice = [1, 2],
        }
        """)
        let units = try doc.table("units")
        XCTAssertEqual(units.keys, ["int", "log"])
        XCTAssertEqual(units.name, "units")
        XCTAssertEqual(try units.array("int").compactMap(\.intValue), [4, 128])
        XCTAssertEqual(try units.bool("log"), true)
        XCTAssertTrue(try doc.table("empty").keys.isEmpty)
        let nested = try doc.table("nested")
        XCTAssertEqual(try nested.table("a").string("b"), "x")
        XCTAssertEqual(try nested.table("c").int("d"), 2)
        XCTAssertEqual(try doc.table("spread").array("choice").count, 2)
        XCTAssertEqual(doc["units"]?.text, "{ int = [4, 128], log = true }")
    }

    func testEveryValueRemembersItsLine() throws {
        let doc = try parse("""

        a = 1
        [t]
          b = "x"
        c = [
          1,
          2 ]
        """)
        XCTAssertEqual(doc["a"]?.line, 2)
        XCTAssertEqual(doc["a"]?.column, 5)
        let t = try doc.table("t")
        XCTAssertEqual(t["b"]?.line, 4)
        XCTAssertEqual(t["b"]?.column, 7)
        XCTAssertEqual(t["c"]?.line, 5)
        XCTAssertEqual(t["c"]?.arrayValue?.map(\.line), [6, 7])
    }

    func testCRLFLineEnds() throws {
        let doc = try parse("a = 1\r\n# c\r\nb = [\r\n 2,\r\n]\r\n")
        XCTAssertEqual(doc["b"]?.line, 3)
        XCTAssertEqual(try doc.array("b").first?.line, 4)
    }

    // MARK: Errors

    func testCheckKeysNamesLineAndAcceptedKeys() throws {
        let doc = try parse("""
        [space]
        name = "x"

        foo = 3
        """)
        let space = try doc.table("space")
        let error = configError { try doc.checkKeys(allowed: ["name", "head", "input"], in: space) }
        XCTAssertEqual(error?.description, "test.toml:4: unknown key 'foo' in [space]; accepted: head, input, name")
        XCTAssertEqual(error?.line, 4)
        let top = configError { try doc.checkKeys(allowed: ["train"]) }
        XCTAssertEqual(top?.description, "test.toml:1: unknown key 'space' at the top level; accepted: train")
    }

    private enum Fruit: String, CaseIterable { case apple, pear }

    func testChoiceReadsANameAndNamesTheAcceptedOnes() throws {
        let doc = try parse("""
        a = "pear"
        b = "plum"
        c = 3
        """)
        XCTAssertEqual(try doc.root.choice("a", of: Fruit.self), .pear)
        XCTAssertEqual(configError { _ = try doc.root.choice("b", of: Fruit.self) }?.description,
                       "test.toml:2:5: b 'plum'; accepted: apple, pear")
        XCTAssertEqual(configError { _ = try doc.root.choice("c", of: Fruit.self) }?.line, 3)
    }

    func testDuplicateKeys() {
        let error = parseError("""
        a = 1
        b = 2
        a = 3
        """)
        XCTAssertEqual(error?.line, 3)
        XCTAssertEqual(error?.column, 1)
        XCTAssertTrue(error?.message.contains("duplicate key 'a'") ?? false, "\(String(describing: error))")
        XCTAssertTrue(error?.message.contains("line 1") ?? false)

        XCTAssertEqual(parseError("[t]\nx = 1\n[u]\n[t]\n")?.line, 4, "duplicate table")
        XCTAssertEqual(parseError("p = { a = 1, a = 2 }")?.message.contains("duplicate key 'a'"), true)
        XCTAssertEqual(parseError("a.b = 1\na.b = 2")?.line, 2)
        XCTAssertEqual(parseError("a = 1\n[a]")?.line, 2, "a value cannot become a table")
        XCTAssertEqual(parseError("[[a]]\n[a]")?.line, 2, "an array of tables cannot become a table")
        XCTAssertEqual(parseError("[a]\n[[a]]")?.line, 2)
        XCTAssertEqual(parseError("a = { b = 1 }\n[a]")?.line, 2, "inline tables are closed")
    }

    func testUnterminatedStrings() {
        let error = parseError("""
        ok = 1
        name = "mlp
        next = 2
        """)
        XCTAssertEqual(error?.line, 2)
        XCTAssertEqual(error?.column, 8)
        XCTAssertEqual(error?.description,
                       "test.toml:2:8: unterminated string; close it with \" before the end of the line")
        XCTAssertEqual(parseError("a = 'x")?.line, 1)
        XCTAssertEqual(parseError("a = 1\nb = \"\"\"\nnever closed\n")?.line, 2)
        XCTAssertTrue(parseError(#"a = "bad \q escape""#)?.message.contains("invalid escape") ?? false)
    }

    func testBadNumbers() {
        for (text, column) in [("a = 1__0", 5), ("a = 12abc", 5), ("a = 01", 5), ("a = 1.", 5), ("a = .5", 5),
                               ("a = 1e", 5), ("a = _1", 5), ("a = 0xZZ", 5), ("a = 1_", 5)] {
            let error = parseError("x = 0\n" + text)
            XCTAssertEqual(error?.line, 2, text)
            XCTAssertEqual(error?.column, column, text)
            XCTAssertTrue(error?.message.hasPrefix("invalid") ?? false, "\(text): \(String(describing: error))")
            XCTAssertTrue(error?.message.contains("expected") ?? false, text)
        }
        XCTAssertEqual(parseError("a = 1__0")?.description,
                       "test.toml:1:5: invalid number '1__0'; expected an integer such as 42, -7 or 1_000, or a float such as 0.5, -2.0 or 1e-3")
        XCTAssertTrue(parseError("a = 99999999999999999999")?.message.contains("out of range") ?? false)
        XCTAssertTrue(parseError("a = 1979-05-27")?.message.contains("dates") ?? false)
        XCTAssertTrue(parseError("a = inf")?.message.contains("not supported") ?? false)
        XCTAssertTrue(parseError("a = yes")?.message.contains("invalid value 'yes'") ?? false)
    }

    func testStructuralErrors() {
        XCTAssertEqual(parseError("a 1")?.message, "expected '=' after the key 'a'; found '1'")
        XCTAssertEqual(parseError("a =\nb = 1")?.message, "expected a value; found the end of the line")
        XCTAssertEqual(parseError("a = 1 2")?.message,
                       "unexpected '2' after the value; expected the end of the line or a # comment")
        let array = parseError("x = 1\nlist = [1, 2,\n 3\n")
        XCTAssertEqual(array?.line, 2)
        XCTAssertEqual(array?.message, "unterminated array; close it with ']'")
        XCTAssertEqual(parseError("a = [1 2]")?.message, "expected ',' or ']' in the array that starts at line 1; found '2]'")
        XCTAssertEqual(parseError("a = { b = 1")?.message, "unterminated inline table; close it with '}'")
        XCTAssertEqual(parseError("[a\nb = 1")?.message, "expected ']' to close the table header; found the end of the line")
        XCTAssertEqual(parseError("= 1")?.line, 1)
        XCTAssertEqual(parseError("[t]\n[[t.u]\n")?.line, 2)
    }

    func testTypedAccessorsNameTheLine() throws {
        let doc = try parse("""
        [space]
        name = 3
        ratio = "high"
        """)
        let space = try doc.table("space")
        let wrongType = configError { _ = try space.string("name") }
        XCTAssertEqual(wrongType?.description, "test.toml:2:8: 'name' must be a string in quotes; found an integer 3")
        XCTAssertEqual(configError { _ = try space.double("ratio") }?.line, 3)
        XCTAssertEqual(configError { _ = try space.int("ratio") }?.line, 3)
        XCTAssertEqual(configError { _ = try space.bool("ratio") }?.line, 3)
        XCTAssertEqual(configError { _ = try space.array("ratio") }?.line, 3)
        XCTAssertEqual(configError { _ = try space.table("ratio") }?.line, 3)
        let missing = configError { _ = try space.string("head") }
        XCTAssertEqual(missing?.description, "test.toml:1: missing key 'head' in [space]; expected a string")
        XCTAssertEqual(configError { _ = try doc.table("train") }?.description,
                       "test.toml: missing key 'train' at the top level; expected a table [train]")
        XCTAssertEqual(try space.string("head", default: "flatten"), "flatten")
        XCTAssertNil(try doc.root.tableIfPresent("train"))
    }

    func testReadsFilesAndReportsMissingOnes() throws {
        let path = NSTemporaryDirectory() + "config-tests-\(UUID().uuidString).toml"
        try "a = 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(try TOMLDocument(contentsOfFile: path).int("a"), 1)
        let missing = configError { _ = try TOMLDocument(contentsOfFile: path + ".nope") }
        XCTAssertEqual(missing?.file, path + ".nope")
        XCTAssertNil(missing?.line)
    }
}
