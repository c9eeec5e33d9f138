import Testing

@Test func GoMemSimStorePlaceholder() { #expect(Bool(true)) }
