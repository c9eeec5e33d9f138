import Testing

@Test func GoMemSimTracePlaceholder() { #expect(Bool(true)) }
