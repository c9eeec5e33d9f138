import Testing

@Test func GoMemSimKernelPlaceholder() { #expect(Bool(true)) }
