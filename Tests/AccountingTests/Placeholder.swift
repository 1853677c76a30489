import Testing

@Test func accountingTargetBuilds() { #expect(Bool(true)) }
