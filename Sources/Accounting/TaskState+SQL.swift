extension TaskState {
    /// `TaskState.open` as a SQL list, written once for every query that means "open tasks".
    static let openSQL: StaticString = "('reserved', 'submitted', 'processing')"
}
