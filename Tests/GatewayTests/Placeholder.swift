import Testing

@Test func gatewayTargetBuilds() { #expect(Bool(true)) }
