import GoMemSimCore
import GoMemSimTrace

/// Goroutine stacks (stack.go): spans in the `mSpanManual` state taken from the heap's
/// pages and counted in StackInuse. Stacks under 32 KiB come from per-order pools of
/// 32 KiB spans (`_StackCacheSize`); larger ones get a span of their own.
extension GoRuntime {
    /// `_FixedStack` on linux/amd64 and `_NumStackOrders`: orders are 2, 4, 8, 16 KiB.
    static let fixedStack: UInt64 = 2048
    static let stackCacheSize: UInt64 = 32 << 10

    /// `stackalloc`: returns the stack's low address and the cost.
    mutating func allocateStack<K: KernelModel>(bytes requested: UInt64, kernel: inout K) throws(ModelError) -> (address: UInt64, costNs: UInt64) {
        var size = Self.fixedStack
        while size < requested { size <<= 1 }
        var cost = config.costs.stackAllocNs
        if size < Self.stackCacheSize {
            let order = (size / Self.fixedStack).trailingZeroBitCount
            if stackPools[order].isEmpty {
                let allocated = try allocSpan(npages: Int(Self.stackCacheSize / SizeClasses.pageSize), state: .stack,
                                              spanClass: SpanClass(rawValue: 0), elemSize: size,
                                              nelems: UInt32(Self.stackCacheSize / size), kernel: &kernel)
                cost += allocated.costNs
                stackPools[order].append(Int32(allocated.id))
            }
            let id = Int(stackPools[order][stackPools[order].count - 1])
            guard let slot = spans.takeNextFree(id) else { throw ModelError(.invalid, "stack pool span is full") }
            if spans.spans[id].allocCount == spans.spans[id].nelems { stackPools[order].removeLast() }
            return (spans.spans[id].base + UInt64(slot) * size, cost)
        }
        let allocated = try allocSpan(npages: Int(size / SizeClasses.pageSize), state: .stack, spanClass: SpanClass(rawValue: 0),
                                      elemSize: size, nelems: 1, kernel: &kernel)
        _ = spans.takeNextFree(allocated.id)
        return (spans.spans[allocated.id].base, cost + allocated.costNs)
    }

    /// `stackfree`: the slot goes back to its pool; an empty pool span goes back to the heap.
    mutating func freeStack(address: UInt64) {
        guard let id = spanID(containing: address), spans.spans[id].state == .stack else { return }
        let span = spans.spans[id]
        let slot = UInt32((address - span.base) / span.elemSize)
        guard spans.isAllocated(id, slot) else { return }
        spans.clearAllocated(id, slot)
        spans.spans[id].allocCount -= 1
        spans.spans[id].freeIndex = 0
        let pooled = span.elemSize < Self.stackCacheSize
        let order = pooled ? (span.elemSize / Self.fixedStack).trailingZeroBitCount : 0
        if spans.spans[id].allocCount == 0 {
            if pooled, let i = stackPools[order].firstIndex(of: Int32(id)) { stackPools[order].remove(at: i) }
            freeSpan(id)
        } else if pooled && span.allocCount == span.nelems {
            stackPools[order].append(Int32(id))
        }
    }

    /// Gives the goroutines started since the last kernel-bearing call their stacks, and
    /// writes the top page (the goroutine's first frame).
    mutating func allocatePendingStacks<K: KernelModel>(kernel: inout K) throws(ModelError) -> UInt64 {
        var cost: UInt64 = 0
        let pending = pendingStacks
        pendingStacks.removeAll()
        for goroutine in pending {
            cost += try startGoroutineStack(goroutine, bytes: config.initialStackBytes, kernel: &kernel)
        }
        return cost
    }

    mutating func startGoroutineStack<K: KernelModel>(_ goroutine: UInt32, bytes: UInt64, kernel: inout K) throws(ModelError) -> UInt64 {
        let stack = try allocateStack(bytes: bytes, kernel: &kernel)
        goroutineStacks[goroutine] = stack.address
        let top = min(bytes, Self.physPageSize)
        let touch = try kernel.touch(address: stack.address + bytes - top, length: top, isWrite: true)
        return stack.costNs + touch.costNs
    }
}
