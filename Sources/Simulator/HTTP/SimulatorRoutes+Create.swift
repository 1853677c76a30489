import Foundation
import Hummingbird
import Kling
import NIOCore

extension SimulatorRoutes {
    /// `POST …/omni-video` and `POST …/omni-image`. The faults apply in the
    /// order a real failure would: a slow or failing front end first, then
    /// validation, a content refusal, and last an answer lost after the task exists.
    func create(_ kind: SimulatedKind, request: Request, context: SimulatorContext) async throws -> Response {
        let account = try await authenticate(request)
        await store.count(.create)
        let faults = await store.faults
        if faults.submitDelay > .zero { try await Task.sleep(for: faults.submitDelay) }
        if await store.draw(faults.submitErrorRate) {
            Self.logFault("submit_error", context)
            throw SimulatorError.submitFailed
        }
        if await store.draw(faults.submitRateLimitRate) {
            Self.logFault("submit_429", context)
            throw SimulatorError.submitRateLimited
        }

        var request = request
        let data = Data(try await request.collectBody(upTo: context.maxUploadSize).readableBytesView)
        let (parsed, plan) = try validated(kind, data)
        if await store.draw(faults.submitRefusalRate) {
            Self.logFault("submit_refusal", context)
            throw SimulatorError.contentRefused
        }

        let record = try await store.create(
            kind: kind, account: account, body: (try? JSONValue.decode(data)) ?? .null,
            externalTaskID: parsed.externalTaskID, callbackURL: parsed.callbackURL, plan: plan
        )
        context.logger.debug("task created", metadata: ["task_id": "\(record.id)", "kind": "\(kind.rawValue)"])
        if record.callbackURL != nil { await callbacks.deliver(record.id) }
        if record.timeline.steps.last?.status == .failed { Self.logFault("task_failure", context) }

        let body = parsed.body
        let lostAnswerDrawn = await store.draw(faults.lostAnswerRate)
        if lostAnswerDrawn || PromptMarkers.has(PromptMarkers.lostAnswer, body) {
            Self.logFault("lost_answer", context)
            if faults.lostAnswerDropsConnection { context.channel.close(promise: nil) }
            throw SimulatorError.answerLost
        }
        let errorAfterCreateDrawn = await store.draw(faults.createdErrorRate)
        if errorAfterCreateDrawn || PromptMarkers.has(PromptMarkers.errorAfterCreate, body) {
            Self.logFault("created_error", context)
            throw SimulatorError.failedAfterCreate
        }
        let slowAnswerDrawn = await store.draw(faults.slowAnswerRate)
        if slowAnswerDrawn || PromptMarkers.has(PromptMarkers.slowAnswer, body) {
            Self.logFault("slow_answer", context)
            try await Task.sleep(for: faults.slowAnswerDelay)
        }
        return KlingAnswer.success(record.createdData, requestID: context.requestID)
    }

    /// One line per injected fault, so that a load script can show each kind happened.
    static func logFault(_ kind: String, _ context: SimulatorContext) {
        context.logger.notice("simulated fault", metadata: ["fault": "\(kind)"])
    }

    /// The body checked by the same parser the gateway runs, and what the task will make.
    private func validated(_ kind: SimulatedKind, _ data: Data) throws(KlingError) -> (any OmniCreateRequest, TaskPlan) {
        switch kind {
        case .video:
            let request = try VideoRequest.parse(data)
            return (request, try TaskPlan.video(request, config: config))
        case .image:
            let request = try ImageRequest.parse(data)
            return (request, try TaskPlan.image(request, config: config))
        }
    }
}
