import Accounting
import Foundation
import Kling

extension TaskFollower {
    /// A poll round: one look at each leased task, concurrently; every settlement those looks decide is
    /// made in one transaction with one commit (`TaskSettler.end(batch:)`, which falls back to one by one
    /// if the batch fails), every other decision carried out as `follow` carries it out.
    public func follow(batch: [TaskRecord], owner: String?) async {
        typealias Look = (task: TaskRecord, decision: FollowDecision, answer: UpstreamClient.QueryOutcome, settlement: SettlementRequest?)
        let looks = await withTaskGroup(of: Look?.self) { group in
            for task in batch {
                group.addTask {
                    do {
                        let (decision, answer) = try await look(task)
                        return (task, decision, answer, try await settlement(decision, task, answer))
                    } catch {
                        logger.warning("following a task failed", metadata: task.logMetadata(["error": "\(error)"]))
                        return nil
                    }
                }
            }
            var all: [Look] = []
            for await look in group { if let look { all.append(look) } }
            return all
        }
        let settling = looks.compactMap { look in look.settlement.map { (task: look.task, request: $0) } }
        await withTaskGroup(of: Void.self) { group in
            for look in looks where look.settlement == nil {
                group.addTask {
                    do {
                        try await carryOut(look.decision, look.task, look.answer, owner: owner)
                    } catch {
                        logger.warning("following a task failed", metadata: look.task.logMetadata(["error": "\(error)"]))
                    }
                }
            }
            guard !settling.isEmpty else { return }
            group.addTask {
                let results = await settler.end(batch: settling)
                for (item, result) in zip(settling, results) {
                    if case .failure(let error) = result {
                        logger.warning("settling a task failed; it comes due again", metadata: item.task.logMetadata(["error": "\(error)"]))
                    }
                }
            }
        }
    }
}
