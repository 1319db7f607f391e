/// An error the command line reports as one line on stderr with the contract's exit code.
struct CLIError: Error {
    let message: String
    let exitCode: Int32

    /// Bad usage or bad input: exit 2.
    static func usage(_ message: String) -> CLIError { CLIError(message: message, exitCode: 2) }
    /// A failure at run time: exit 1.
    static func runtime(_ message: String) -> CLIError { CLIError(message: message, exitCode: 1) }
}
