/// An assignment (parameter name → value) that does not fit its chain space: an unknown or
/// missing parameter, or a value outside the parameter's domain. The message names the
/// parameter, the accepted domain and where the config declared it.
public struct ChainAssignmentError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The parameter at fault.
    public var parameter: String
    public var message: String

    public init(parameter: String, message: String) {
        self.parameter = parameter
        self.message = message
    }

    public var description: String { message }
}
