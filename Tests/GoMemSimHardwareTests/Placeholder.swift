import Testing

@Test func GoMemSimHardwarePlaceholder() { #expect(Bool(true)) }
