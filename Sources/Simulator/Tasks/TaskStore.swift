import Foundation
import Kling

/// Every task, the faults in force and the seeded generator, behind one actor
/// so that concurrent requests see one consistent state.
actor TaskStore {
    struct ListKey: Hashable {
        var account: String
        var kind: SimulatedKind
    }

    enum Counter {
        case create, query, list, callbackDelivered, callbackFailed, authRefused
    }

    static let promptFailureMessage = "simulated failure: the prompt asked for it (\(PromptMarkers.fail))"
    static let randomFailureMessage = "simulated failure: task_failure_rate"

    private let config: SimulatorConfig
    private(set) var faults: SimulatorFaults
    private(set) var counts = SimulatorCounts()
    private var random: SeededRandom
    private var tasks: [String: TaskRecord] = [:]
    private var order = CreationOrder()
    private var orderByList: [ListKey: CreationOrder] = [:]
    /// account → external_task_id → task_id.
    private var externalIDs: [String: [String: String]] = [:]
    private let idBase: Int64
    private var sequence: Int64 = 0

    init(config: SimulatorConfig) {
        self.config = config
        faults = config.faults
        random = SeededRandom(seed: config.seed)
        // 18 digits like the upstream's ids, and new ones after a restart.
        idBase = Int64(Date().timeIntervalSince1970 * 1000) * 100_000
    }

    func setFaults(_ faults: SimulatorFaults) {
        self.faults = faults
    }

    /// True with probability `rate`, from the seeded generator.
    func draw(_ rate: Double) -> Bool {
        random.chance(rate)
    }

    func count(_ counter: Counter) {
        switch counter {
        case .create: counts.createCalls += 1
        case .query: counts.queryCalls += 1
        case .list: counts.listCalls += 1
        case .callbackDelivered: counts.callbacksDelivered += 1
        case .callbackFailed: counts.callbacksFailed += 1
        case .authRefused: counts.authRefusals += 1
        }
    }

    /// Stores a new task, submitted now, and decides its outcome. A second
    /// use of an external_task_id by the same account is refused (1201).
    func create(
        kind: SimulatedKind, account: String, body: JSONValue, externalTaskID: String?, callbackURL: String?, plan: TaskPlan
    ) throws(KlingError) -> TaskRecord {
        if let externalTaskID, externalIDs[account]?[externalTaskID] != nil {
            throw KlingError(code: KlingError.invalidCode, field: "external_task_id", message: "external_task_id already exists")
        }
        let randomFailure = !plan.requestedFailure && random.chance(faults.taskFailureRate)
        let fails = plan.requestedFailure || randomFailure
        let message = plan.requestedFailure ? Self.promptFailureMessage : (randomFailure ? Self.randomFailureMessage : "")
        let now = Date()
        sequence += 1
        let record = TaskRecord(
            id: String(idBase + sequence), kind: kind, account: account, externalTaskID: externalTaskID,
            callbackURL: callbackURL, body: body, createdAt: now, plan: plan, assetBase: config.assetBaseURL,
            timeline: TaskTimeline(
                createdAt: now, processingAfter: config.processingAfter.timeInterval,
                duration: config.taskDuration.timeInterval, outcome: fails ? .failed : .succeed, message: message
            )
        )
        insert(record)
        return record
    }

    /// A task of `account` by its task_id or its external_task_id.
    func find(_ id: String, kind: SimulatedKind, account: String) -> TaskRecord? {
        if let record = tasks[id], record.account == account, record.kind == kind { return record }
        guard let taskID = externalIDs[account]?[id], let record = tasks[taskID], record.kind == kind else { return nil }
        return record
    }

    /// One page of an account's tasks of one kind, newest first (pages count from 1).
    func page(kind: SimulatedKind, account: String, pageNum: Int, pageSize: Int) -> [TaskRecord] {
        let ids = orderByList[ListKey(account: account, kind: kind)]?
            .newestFirst(offset: (pageNum - 1) * pageSize, limit: pageSize) ?? []
        return ids.compactMap { tasks[$0] }
    }

    func record(_ taskID: String) -> TaskRecord? {
        tasks[taskID]
    }

    /// A task by its task_id, else by an external_task_id of any account.
    func lookup(_ id: String) -> TaskRecord? {
        if let record = tasks[id] { return record }
        for ids in externalIDs.values {
            if let taskID = ids[id], let record = tasks[taskID] { return record }
        }
        return nil
    }

    /// Every task, oldest first.
    func all() -> [TaskRecord] {
        order.all.compactMap { tasks[$0] }
    }

    /// Pins a task to `status` from now on; nil for an unknown id.
    func force(_ id: String, status: SimulatedStatus, message: String) -> TaskRecord? {
        guard let taskID = lookup(id)?.id else { return nil }
        tasks[taskID]?.timeline.force(status, message: message, at: Date())
        return tasks[taskID]
    }

    /// Step `index` of a task's timeline was called back.
    func callbackSent(_ taskID: String, index: Int, delivered: Bool) {
        count(delivered ? .callbackDelivered : .callbackFailed)
        guard let sent = tasks[taskID]?.callbacksSent else { return }
        tasks[taskID]?.callbacksSent = max(sent, index + 1)
    }

    private func insert(_ record: TaskRecord) {
        while order.count >= max(config.maxTasks, 1) { evictOldest() }
        tasks[record.id] = record
        order.append(record.id)
        orderByList[ListKey(account: record.account, kind: record.kind), default: CreationOrder()].append(record.id)
        if let externalTaskID = record.externalTaskID {
            externalIDs[record.account, default: [:]][externalTaskID] = record.id
        }
    }

    private func evictOldest() {
        guard let id = order.removeOldest(), let record = tasks.removeValue(forKey: id) else { return }
        let key = ListKey(account: record.account, kind: record.kind)
        let oldestOfList = orderByList[key]?.removeOldest()
        assert(oldestOfList == id, "the oldest task overall is the oldest of its own list")
        if orderByList[key]?.count == 0 { orderByList[key] = nil }
        if let externalTaskID = record.externalTaskID {
            externalIDs[record.account]?[externalTaskID] = nil
            if externalIDs[record.account]?.isEmpty == true { externalIDs[record.account] = nil }
        }
    }
}
