@testable import GoMemSimRecorder
import GoMemSimTrace
import Testing

/// The generators' ring of live objects against a plain array doing the same thing:
/// appends past every growth, oldest-first removal, O(1) removal at an index (the
/// newest moves into the gap), across the wrap of the ring.
@Suite struct LiveObjectQueueTests {
    @Test(arguments: [1, 3, 16, 17])
    func theRingIsAnArrayOfLiveObjects(capacity: Int) {
        var queue = LiveObjectQueue(capacity: capacity)
        var model: [LiveObjectQueue.Object] = []
        var state: UInt64 = 77
        func random() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        var nextID: UInt64 = 0
        for step in 0..<20_000 {
            let r = random()
            // Grow to ~300 live, shrink to ~0, grow again: wraps and growths both happen.
            let growing = (step / 2500) % 2 == 0
            if r % 10 < (growing ? 6 : 3) {
                let bytes = 16 + r % 1000
                queue.append(id: nextID, bytes: bytes)
                model.append(LiveObjectQueue.Object(id: nextID, bytes: bytes))
                nextID += 1
            } else if r % 2 == 0 {
                #expect(queue.removeOldest() == model.first)
                if !model.isEmpty { model.removeFirst() }
            } else {
                let index = model.isEmpty ? 0 : Int(r >> 8) % model.count
                let removed = queue.remove(at: index)
                #expect(removed == (model.isEmpty ? nil : model[index]))
                if !model.isEmpty {
                    let last = model.removeLast()
                    if index < model.count { model[index] = last }
                }
            }
            #expect(queue.count == model.count)
            #expect(queue.totalBytes == model.reduce(0) { $0 + $1.bytes })
        }
        #expect(nextID > 5000)
        var drained: [LiveObjectQueue.Object] = []
        while let object = queue.removeOldest() { drained.append(object) }
        #expect(drained == model)
        #expect(queue.isEmpty && queue.totalBytes == 0)
    }
}
