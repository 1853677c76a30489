extension Optional {
    /// The answer of a statement that always has one (INSERT … RETURNING, a read of a row just written).
    func expected(_ statement: String) throws -> Wrapped {
        guard let value = self else { throw AccountingError.noRow(statement: statement) }
        return value
    }
}
