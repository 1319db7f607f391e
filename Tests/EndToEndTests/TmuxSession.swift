import Foundation
import XCTest

/// One tmux session running nas-tui, for end-to-end tests of the real screen: start a command,
/// read the screen as text, send keys, resize, and read the command's exit status.
final class TmuxSession {
    let name = "nas-tui-test-\(UUID().uuidString.prefix(8))"
    /// A fresh directory for the test's files (the exit status lands here).
    let directory: String

    /// Skips the test when tmux or the binary is missing.
    init() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else { throw XCTSkip("tmux is not installed") }
        guard FileManager.default.isExecutableFile(atPath: CommandLineTests.binary) else { throw XCTSkip("nas-tui not built") }
        directory = NSTemporaryDirectory() + "nas-tui-tmux-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { kill() }

    func kill() { _ = try? tmux(["kill-session", "-t", name]) }

    /// Runs a tmux command. Only capture-pane goes through Foundation's Process: the command
    /// that starts the tmux server forks a daemon that inherits Process's descriptors, and
    /// `waitUntilExit` would then wait for the server. The others go through system(3), which
    /// waits for the client alone.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        guard arguments.first == "capture-pane" else {
            let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
            _ = system("/usr/bin/tmux \(quoted) </dev/null >/dev/null 2>&1")
            return ""
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Starts `nas-tui ARGUMENTS` in the repository, in a window of the given size, with the
    /// environment assignments `environment` (shell words such as `TERM=vt100 LC_ALL=POSIX`).
    func start(_ arguments: String, width: Int = 200, height: Int = 60, environment: String = "LANG=C.UTF-8") throws {
        let command = "cd \(CommandLineTests.repository.path) && env \(environment) \(CommandLineTests.binary) \(arguments); echo EXIT=$? > \(directory)/exit; sleep 30"
        try tmux(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), command])
    }

    func screen() -> String { (try? tmux(["capture-pane", "-t", name, "-p"])) ?? "" }

    /// The bottom line: the status bar.
    func statusBar() -> String { screen().split(separator: "\n").last.map(String.init) ?? "" }

    func key(_ key: String) throws { try tmux(["send-keys", "-t", name, key]) }

    /// Types `text` literally.
    func type(_ text: String) throws { try tmux(["send-keys", "-t", name, "-l", text]) }

    func resize(_ width: Int, _ height: Int) throws { try tmux(["resize-window", "-t", name, "-x", String(width), "-y", String(height)]) }

    /// Waits for the screen to satisfy `condition`; fails with the screen otherwise.
    func waitForScreen(_ what: String, timeout: Double = 20, file: StaticString = #filePath, line: UInt = #line,
                       _ condition: (String) -> Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        var text = ""
        while Date() < deadline {
            text = screen()
            if condition(text) { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("\(what); the screen was:\n\(text)", file: file, line: line)
    }

    /// "EXIT=N" once the command has ended (nil after `timeout` seconds).
    func exitStatus(timeout: Double = 20) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: directory + "/exit", encoding: .utf8) { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return nil
    }

    /// Waits until `condition` holds (at most `timeout` seconds).
    static func waitFor(_ timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline { if condition() { return true }; Thread.sleep(forTimeInterval: 0.05) }
        return condition()
    }
}
