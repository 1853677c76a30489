extension Fixtures {
    /// The limits a fixture tenant and its key are made with; unset means none.
    public struct Limits: Sendable {
        public var creditLimit: Int64
        public var monthlyBudget: Int64?
        public var tenantConcurrency: Int?
        public var tenantRPM: Int?
        public var keyBudget: Int64?
        public var keyBudgetPeriod: String
        public var keyConcurrency: Int?
        public var keyRPM: Int?
        public var allowedModels: [String]?

        public init(creditLimit: Int64 = 0, monthlyBudget: Int64? = nil, tenantConcurrency: Int? = nil, tenantRPM: Int? = nil,
                    keyBudget: Int64? = nil, keyBudgetPeriod: String = "total", keyConcurrency: Int? = nil, keyRPM: Int? = nil,
                    allowedModels: [String]? = nil) {
            self.creditLimit = creditLimit
            self.monthlyBudget = monthlyBudget
            self.tenantConcurrency = tenantConcurrency
            self.tenantRPM = tenantRPM
            self.keyBudget = keyBudget
            self.keyBudgetPeriod = keyBudgetPeriod
            self.keyConcurrency = keyConcurrency
            self.keyRPM = keyRPM
            self.allowedModels = allowedModels
        }
    }
}
