import Foundation
import XCTest
@testable import Tensor

/// The safetensors codec against hand-made bytes and its own round trip.
final class SafeTensorsTests: XCTestCase {
    func testRoundTripKeepsValuesShapesAndMetadata() throws {
        let entries: [String: SafeTensors.Entry] = [
            "b.weight": .float32(shape: [2, 3], values: [1, -2, 3.5, 0, .greatestFiniteMagnitude, -0.25]),
            "a.steps": .int64(shape: [], values: [42]),
            "labels": .int64(shape: [4], values: [0, 9, -1, Int64.max]),
        ]
        let data = try SafeTensors.encode(entries, metadata: ["format": "pt"])
        let decoded = try SafeTensors.decode(data)
        XCTAssertEqual(decoded.entries, entries)
        XCTAssertEqual(decoded.metadata, ["format": "pt"])
    }

    func testLayoutIsTheReferenceOne() throws {
        let data = try SafeTensors.encode(["x": .float32(shape: [2], values: [1, 2])])
        let length = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        XCTAssertEqual((8 + length) % 8, 0, "data starts 8-byte aligned")
        let header = try XCTUnwrap(String(data: data.subdata(in: 8..<(8 + length)), encoding: .utf8))
        XCTAssertEqual(header.trimmingCharacters(in: .whitespaces), #"{"x":{"data_offsets":[0,8],"dtype":"F32","shape":[2]}}"#)
        XCTAssertEqual(Array(data.suffix(8)), [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40])
    }

    func testMalformedFilesAreRefusedByName() throws {
        XCTAssertThrowsError(try SafeTensors.decode(Data([1, 2]), source: "f.safetensors")) {
            XCTAssertTrue("\($0)".contains("f.safetensors"), "\($0)")
        }
        var huge = Data(count: 8)
        huge[0] = 0xff; huge[1] = 0xff
        XCTAssertThrowsError(try SafeTensors.decode(huge)) { XCTAssertTrue("\($0)".contains("does not fit"), "\($0)") }
        let badType = #"{"x":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}"#
        var file = Data()
        withUnsafeBytes(of: UInt64(badType.utf8.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(Data(badType.utf8)); file.append(Data([0, 0]))
        XCTAssertThrowsError(try SafeTensors.decode(file)) { XCTAssertTrue("\($0)".contains("BF16"), "\($0)") }
        XCTAssertThrowsError(try SafeTensors.encode(["x": .float32(shape: [3], values: [1])])) {
            XCTAssertTrue("\($0)".contains("holds 3 values"), "\($0)")
        }
    }

    func testTensorConversion() throws {
        let t = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let back = try SafeTensors.Entry(t).tensor()
        XCTAssertEqual(back.shape, [2, 2])
        XCTAssertEqual(Array(UnsafeBufferPointer(start: back.data, count: 4)), [1, 2, 3, 4])
    }
}
