import Testing

@Test func GoMemSimRuntimePlaceholder() { #expect(Bool(true)) }
