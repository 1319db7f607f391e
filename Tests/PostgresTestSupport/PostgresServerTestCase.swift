import Foundation
import XCTest

/// A test case with a PostgreSQL server of its own for the whole class: started in the class's
/// `setUp`, stopped in its `tearDown`; a test that needs it calls `freshDatabase()`, which skips
/// (saying why) when the server could not start.
open class PostgresServerTestCase: XCTestCase {
    nonisolated(unsafe) public private(set) static var server: PostgresTestServer?
    nonisolated(unsafe) public private(set) static var skip: XCTSkip?

    override open class func setUp() {
        super.setUp()
        do { server = try PostgresTestServer() } catch let error as XCTSkip { skip = error } catch {
            skip = XCTSkip("PostgreSQL tests: the server did not start: \(error)")
        }
    }

    override open class func tearDown() {
        server?.stop()
        server = nil
        skip = nil
        super.tearDown()
    }

    /// A fresh database on the class's server (each test its own), as a storage URL.
    public func freshDatabase() throws -> (url: String, server: PostgresTestServer) {
        if let skip = Self.skip { throw skip }
        let server = try XCTUnwrap(Self.server)
        return (server.createDatabase(), server)
    }
}
