import Testing

@Test func adminTargetBuilds() { #expect(Bool(true)) }
