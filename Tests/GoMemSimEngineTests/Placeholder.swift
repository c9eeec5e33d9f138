import Testing

@Test func GoMemSimEnginePlaceholder() { #expect(Bool(true)) }
