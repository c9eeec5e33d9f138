import Testing

@Test func GoMemSimCLIPlaceholder() { #expect(Bool(true)) }
