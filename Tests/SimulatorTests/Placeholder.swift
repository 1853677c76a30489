import Testing

@Test func simulatorTargetBuilds() { #expect(Bool(true)) }
