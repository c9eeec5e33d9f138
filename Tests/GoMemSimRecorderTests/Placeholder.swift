import Testing

@Test func GoMemSimRecorderPlaceholder() { #expect(Bool(true)) }
