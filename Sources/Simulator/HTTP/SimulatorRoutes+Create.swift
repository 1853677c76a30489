import Foundation
import Hummingbird
import Kling
import NIOCore

extension SimulatorRoutes {
    /// `POST …/omni-video` and `POST …/omni-image`. The faults apply in the
    /// order a real failure would: a slow or failing front end first, then
    /// validation, a content refusal, and last an answer lost after the task exists.
    func create(_ kind: SimulatedKind, request: Request, context: SimulatorContext) async throws -> Response {
        let account = try BearerToken.account(request, apiKey: config.apiKey)
        await store.count(.create)
        let faults = await store.faults
        if faults.submitDelay > .zero { try await Task.sleep(for: faults.submitDelay) }
        if await store.draw(faults.submitErrorRate) { throw SimulatorError.submitFailed }

        var request = request
        let data = Data(try await request.collectBody(upTo: context.maxUploadSize).readableBytesView)
        let (parsed, plan) = try validated(kind, data)
        if await store.draw(faults.submitRefusalRate) { throw SimulatorError.contentRefused }

        let record = try await store.create(
            kind: kind, account: account, body: (try? JSONValue.decode(data)) ?? .null,
            externalTaskID: parsed.externalTaskID, callbackURL: parsed.callbackURL, plan: plan
        )
        context.logger.debug("task created", metadata: ["task_id": "\(record.id)", "kind": "\(kind.rawValue)"])
        if record.callbackURL != nil { await callbacks.deliver(record.id) }

        if await store.draw(faults.lostAnswerRate) {
            if faults.lostAnswerDropsConnection { context.channel.close(promise: nil) }
            throw SimulatorError.answerLost
        }
        return KlingAnswer.success(record.createdData, requestID: context.requestID)
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
