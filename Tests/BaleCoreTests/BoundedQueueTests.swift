import Testing
import Synchronization
@testable import BaleCore

#if canImport(Glibc)
import Glibc
#endif

@Suite struct BoundedQueueTests {
    @Test func deliversInOrder() {
        let queue = BoundedQueue<Int>(capacity: 4)
        for value in 0..<4 { #expect(queue.push(value)) }
        queue.close()
        var popped: [Int] = []
        while let value = queue.pop() { popped.append(value) }
        #expect(popped == [0, 1, 2, 3])
    }

    @Test func pushBlocksWhileFull() {
        let queue = BoundedQueue<Int>(capacity: 2)
        let pushed = Atomic<Int>(0)
        let producer = JoinableThread {
            for value in 0..<3 {
                queue.push(value)
                pushed.add(1, ordering: .sequentiallyConsistent)
            }
        }
        // The third push cannot complete until something is popped.
        waitUntil { pushed.load(ordering: .sequentiallyConsistent) == 2 }
        usleep(100_000)
        let pushedWhileFull = pushed.load(ordering: .sequentiallyConsistent)
        #expect(pushedWhileFull == 2)
        #expect(queue.count == 2)
        #expect(queue.pop() == 0)
        producer.join()
        let pushedAtEnd = pushed.load(ordering: .sequentiallyConsistent)
        #expect(pushedAtEnd == 3)
        #expect(queue.count == 2)
    }

    @Test func popBlocksWhileEmptyAndCloseEndsIt() {
        let queue = BoundedQueue<Int>(capacity: 1)
        let result = Mutex<[Int?]>([])
        let consumer = JoinableThread {
            let first = queue.pop()
            let second = queue.pop()
            result.withLock { $0 = [first, second] }
        }
        usleep(50_000)
        #expect(result.withLock { $0.isEmpty })
        queue.push(7)
        queue.close()
        consumer.join()
        #expect(result.withLock { $0 } == [7, nil])
        #expect(queue.push(8) == false)
    }

    @Test func cancelWakesBlockedProducersAndDropsItems() {
        let queue = BoundedQueue<Int>(capacity: 1)
        queue.push(1)
        let accepted = Mutex<Bool?>(nil)
        let producer = JoinableThread { let ok = queue.push(2); accepted.withLock { $0 = ok } }
        usleep(50_000)
        queue.cancel()
        producer.join()
        #expect(accepted.withLock { $0 } == false)
        #expect(queue.pop() == nil)
    }

    @Test func manyProducersAndConsumersDeliverEachItemOnce() {
        let queue = BoundedQueue<Int>(capacity: 3)
        let seen = Mutex<[Int]>([])
        let producers = (0..<4).map { producer in
            JoinableThread { for index in 0..<500 { queue.push(producer * 1000 + index) } }
        }
        let consumers = (0..<3).map { _ in
            JoinableThread { while let value = queue.pop() { seen.withLock { $0.append(value) } } }
        }
        for producer in producers { producer.join() }
        queue.close()
        for consumer in consumers { consumer.join() }
        let expected = (0..<4).flatMap { producer in (0..<500).map { producer * 1000 + $0 } }
        #expect(seen.withLock { $0.sorted() } == expected.sorted())
    }
}

/// Polls `condition` for up to ten seconds.
func waitUntil(_ condition: () -> Bool) {
    for _ in 0..<10_000 where !condition() { usleep(1000) }
}
