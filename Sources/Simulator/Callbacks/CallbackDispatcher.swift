import Foundation
import Logging

/// Calls back every status change of the tasks that have a callback_url, in
/// order, from one background Task per task, so requests never wait on a
/// receiver. A loop sleeps until its task's next change (at most 100 ms, so
/// that a forced status is seen soon) and ends once the final status is sent.
actor CallbackDispatcher {
    static let longestNap = 0.1

    private let store: TaskStore
    private let sender: CallbackSender
    private let logger: Logger
    private var running: [String: Task<Void, Never>] = [:]
    /// Tasks that changed while their loop was ending: started again.
    private var restart: Set<String> = []
    private var stopped = false

    init(store: TaskStore, sender: CallbackSender, logger: Logger) {
        self.store = store
        self.sender = sender
        self.logger = logger
    }

    /// Makes sure the task's changes are being called back.
    func deliver(_ taskID: String) {
        guard !stopped else { return }
        guard running[taskID] == nil else {
            restart.insert(taskID)
            return
        }
        running[taskID] = Task { [store, sender, logger] in
            await Self.callBack(taskID, store: store, sender: sender, logger: logger)
            self.finished(taskID)
        }
    }

    /// Cancels every loop and waits for them to end; no loop starts meanwhile.
    func stop() async {
        stopped = true
        let loops = Array(running.values)
        for loop in loops { loop.cancel() }
        for loop in loops { await loop.value }
        running.removeAll()
        restart.removeAll()
        stopped = false
    }

    private func finished(_ taskID: String) {
        running[taskID] = nil
        if restart.remove(taskID) != nil { deliver(taskID) }
    }

    private static func callBack(_ taskID: String, store: TaskStore, sender: CallbackSender, logger: Logger) async {
        while !Task.isCancelled {
            guard let record = await store.record(taskID), let url = record.callbackURL else { return }
            let steps = record.timeline.steps
            var index = record.callbacksSent
            let now = Date()
            while index < steps.count, steps[index].at <= now, !Task.isCancelled {
                let body = record.data(for: steps[index]).encodedData()
                let delivered = await sender.post(body, to: url, messageID: "msg_\(taskID)_\(index)")
                if !delivered {
                    logger.warning("callback given up", metadata: ["task_id": "\(taskID)", "task_status": "\(steps[index].status.rawValue)"])
                }
                await store.callbackSent(taskID, index: index, delivered: delivered)
                index += 1
            }
            if index == steps.count, steps[index - 1].status.isFinal { return }
            let untilNext = index < steps.count ? steps[index].at.timeIntervalSince(Date()) : longestNap
            do {
                try await Task.sleep(for: .seconds(min(max(untilNext, 0.001), longestNap)))
            } catch {
                return
            }
        }
    }
}
