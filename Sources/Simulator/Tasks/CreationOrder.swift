/// Task ids in creation order, with cheap removal of the oldest (memory is
/// bounded by evicting it) and pages newest first (the list endpoints).
struct CreationOrder: Sendable {
    private var ids: [String] = []
    /// ids before this index were removed.
    private var head = 0

    var count: Int { ids.count - head }

    mutating func append(_ id: String) {
        ids.append(id)
    }

    mutating func removeOldest() -> String? {
        guard head < ids.count else { return nil }
        let id = ids[head]
        head += 1
        // Compact once the dead prefix outweighs the live part: amortized O(1).
        if head >= 1024, head * 2 >= ids.count {
            ids.removeFirst(head)
            head = 0
        }
        return id
    }

    /// Up to `limit` ids, newest first, skipping the `offset` newest.
    func newestFirst(offset: Int, limit: Int) -> [String] {
        guard offset < count else { return [] }
        let end = min(offset + limit, count)
        return (offset..<end).map { ids[ids.count - 1 - $0] }
    }

    /// Every live id, oldest first.
    var all: ArraySlice<String> { ids[head...] }
}
