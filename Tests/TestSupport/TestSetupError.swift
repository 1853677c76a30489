/// A test that cannot run as set up: it fails (never skips) and says how to run it.
public struct TestSetupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The names this error had in the targets that each kept a copy of it.
public typealias FixtureError = TestSetupError
public typealias HarnessError = TestSetupError
