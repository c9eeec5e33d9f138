import Testing
import GoMemSimRecorder

/// `free id` must come exactly where the object's last reference is dropped — Go's
/// reachability from variables, slices of pointers, struct pointer fields and goroutine
/// closures — and never while something still reaches it.
struct DSLReachabilityTests {
    @Test func reassigningAVariableFreesTheOldObjectAfterTheNewAllocation() throws {
        #expect(try records("""
        b := make([]byte, 600<<20)
        b = make([]byte, 300<<20)
        b = nil
        runtime.GC()
        """) == ["alloc 1 629145600 noscan", "alloc 2 314572800 noscan", "free 1", "free 2", "gc"])
    }

    @Test func ringSlotReplacementFreesTheObjectTheSlotHeld() throws {
        #expect(try records("""
        ring := make([][]byte, 2)
        for i := 0; i < 4; i++ {
            ring[i%2] = make([]byte, 1024)
        }
        """) == [
            "alloc 1 48 scan",  // two slice headers, 24 bytes each: scannable
            "alloc 2 1024 noscan", "write 1 0 24",
            "alloc 3 1024 noscan", "write 1 24 24",
            "alloc 4 1024 noscan", "write 1 0 24", "free 2",
            "alloc 5 1024 noscan", "write 1 24 24", "free 3",
        ])
    }

    @Test func objectsDieWhenTheirScopeEnds() throws {
        #expect(try records("""
        keep := make([]byte, 8)
        {
            tmp := make([]byte, 16)
            tmp[0] = 1
        }
        for i := 0; i < 2; i++ {
            x := make([]byte, 32)
            _ = x[i]
        }
        checkpoint("end")
        """) == [
            "alloc 1 8 noscan",
            "alloc 2 16 noscan", "write 2 0 1", "free 2",
            "alloc 3 32 noscan", "read 3 0 1", "free 3",
            "alloc 4 32 noscan", "read 4 1 1", "free 4",
            "checkpoint end",
        ])
    }

    @Test func anObjectReachableThroughAPointerFieldOutlivesItsVariable() throws {
        #expect(try records("""
        type node struct { next *node; val int64 }
        head := &node{val: 1}
        {
            n := &node{val: 2}
            head.next = n
        }
        checkpoint("n out of scope")
        head.next = nil
        checkpoint("unlinked")
        """) == [
            "alloc 1 16 scan", "write 1 8 8",
            "alloc 2 16 scan", "write 2 8 8",
            "write 1 0 8",
            "checkpoint n out of scope",
            "write 1 0 8", "free 2",
            "checkpoint unlinked",
        ])
    }

    @Test func aPointerCycleDiesWhenItsLastRootIsDropped() throws {
        #expect(try records("""
        type node struct { next *node }
        a := new(node)
        b := new(node)
        a.next = b
        b.next = a
        a = nil
        checkpoint("b still holds the cycle")
        b = nil
        checkpoint("cycle gone")
        """) == [
            "alloc 1 8 scan", "alloc 2 8 scan",
            "write 1 0 8", "write 2 0 8",
            "checkpoint b still holds the cycle",
            "free 1", "free 2",
            "checkpoint cycle gone",
        ])
    }

    @Test func droppingTheHeadOfAListFreesTheWholeChainInOrder() throws {
        #expect(try records("""
        type node struct { next *node; val int64 }
        var head *node
        for i := 0; i < 3; i++ {
            head = &node{next: head, val: 7}
        }
        head = nil
        """) == [
            "alloc 1 16 scan", "write 1 0 8", "write 1 8 8",
            "alloc 2 16 scan", "write 2 0 8", "write 2 8 8",
            "alloc 3 16 scan", "write 3 0 8", "write 3 8 8",
            "free 3", "free 2", "free 1",
        ])
    }

    @Test func anObjectHeldByTwoSlotsAndTwoHoldersDiesWithTheLastReference() throws {
        #expect(try records("""
        type node struct { next *node }
        type pair struct { a *node; b *node }
        p := new(pair)
        q := new(pair)
        n := new(node)
        p.a = n
        p.b = n
        q.a = n
        n = nil
        p.a = nil
        checkpoint("one")
        q.a = nil
        checkpoint("two")
        p.b = nil
        """) == [
            "alloc 1 16 scan", "alloc 2 16 scan", "alloc 3 8 scan",
            "write 1 0 8", "write 1 8 8", "write 2 0 8",
            "write 1 0 8", "checkpoint one",
            "write 2 0 8", "checkpoint two",
            "write 1 8 8", "free 3",
        ])
    }

    @Test func aSelfReferenceDoesNotKeepAnObjectAlive() throws {
        #expect(try records("""
        type node struct { next *node }
        n := new(node)
        n.next = n
        n = nil
        """) == ["alloc 1 8 scan", "write 1 0 8", "free 1"])
    }

    @Test func aCycleHangingOffALiveObjectStaysAliveUntilUnlinked() throws {
        #expect(try records("""
        type node struct { next *node }
        root := new(node)
        {
            a := new(node)
            b := new(node)
            a.next = b
            b.next = a
            root.next = a
        }
        checkpoint("scope closed")
        root.next = nil
        """) == [
            "alloc 1 8 scan", "alloc 2 8 scan", "alloc 3 8 scan",
            "write 2 0 8", "write 3 0 8", "write 1 0 8",
            "checkpoint scope closed",
            "write 1 0 8", "free 2", "free 3",
        ])
    }

    @Test func anUnusedAllocationIsGarbageAtTheEndOfItsStatement() throws {
        #expect(try records("""
        _ = make([]byte, 64)
        fmt.Println(len(make([]byte, 128)))
        """) == ["alloc 1 64 noscan", "free 1", "alloc 2 128 noscan", "free 2"])
    }

    @Test func aGoroutineClosureKeepsCapturedObjectsAliveUntilItEnds() throws {
        #expect(try records("""
        b := make([]byte, 4096)
        go func() {
            tmp := make([]byte, 64)
            tmp[0] = 1
            b[100] = 1
            time.Sleep(5 * time.Millisecond)
        }()
        b = nil
        """) == [
            "alloc 1 4096 noscan",
            "spawn 1",
            "g1 alloc 2 64 noscan", "g1 write 2 0 1", "g1 write 1 100 1", "g1 sleep 5000000",
            "g1 free 2", "g1 exit",
            "free 1",
        ])
    }

    @Test func aSliceOfASliceKeepsTheBackingArrayAlive() throws {
        #expect(try records("""
        b := make([]byte, 1000)
        tail := b[500:]
        b = nil
        checkpoint("tail holds it")
        tail[10] = 1
        tail = nil
        """) == ["alloc 1 1000 noscan", "checkpoint tail holds it", "write 1 510 1", "free 1"])
    }

    @Test func anObjectStoredInASliceOfPointersDiesWithTheSlice() throws {
        #expect(try records("""
        type item struct { data [100]byte }
        items := make([]*item, 2)
        items[1] = new(item)
        items = nil
        """) == ["alloc 1 16 scan", "alloc 2 100 noscan", "write 1 8 8", "free 1", "free 2"])
    }
}

/// Walking a long list drops a variable's reference to every node in turn; each node is
/// still reachable from the head, so nothing is freed until the head goes.
struct DSLListWalkTests {
    @Test func walkingAListFreesNothingAndReadsAreDependent() throws {
        let lines = try records("""
        type node struct { next *node; val int64 }
        var head *node
        for i := 0; i < 3000; i++ {
            head = &node{next: head}
        }
        p := head
        for i := 0; i < 2999; i++ {
            p = p.next
        }
        _ = p.val
        p = nil
        checkpoint("walked")
        head = nil
        """)
        let walk = lines.drop { $0 != "read 3000 0 8" }
        // 2999 pointer loads: the first through p := head, the rest chase p = p.next.
        #expect(walk.prefix(2).elementsEqual(["read 3000 0 8", "read 2999 0 8 dependent"]))
        #expect(walk.dropFirst().prefix(2998).allSatisfy { $0.hasPrefix("read ") && $0.hasSuffix(" 0 8 dependent") })
        #expect(walk.dropFirst(2999).first == "read 1 8 8 dependent")
        #expect(!walk.prefix(3001).contains { $0.hasPrefix("free") })
        #expect(walk.dropFirst(3000).first == "checkpoint walked")
        #expect(walk.dropFirst(3001).count == 3000)  // then every node is freed, head first
        #expect(walk.dropFirst(3001).first == "free 3000")
    }
}
