import ArgumentParser
import Foundation
import Tensor

// Exit codes of the contract: 0 success, 1 runtime failure, 2 bad usage or bad input
// (128 + N after signal N stopped a run).
BLASKernel.reexecWithFasterKernelsIfNeeded()
// A file-size limit (ulimit -f) makes writes fail with EFBIG, which the study reports, instead
// of killing the process with SIGXFSZ in the middle of a transaction.
signal(SIGXFSZ, SIG_IGN)
do {
    var command = try NasTUICommand.parseAsRoot()
    try command.run()
} catch let error as CLIError {
    FileHandle.standardError.write(Data("nas-tui: \(error.message)\n".utf8))
    exit(error.exitCode)
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    let code = NasTUICommand.exitCode(for: error)
    let message = NasTUICommand.fullMessage(for: error)
    if code == .success {
        print(message)
        exit(0)
    }
    FileHandle.standardError.write(Data("\(message)\n".utf8))
    // argument-parser reports usage errors as EX_USAGE (64); the contract says 2.
    exit(code == .validationFailure ? 2 : 1)
}
