import Accounting
import Foundation
import Hummingbird

/// `POST /v1/upstream-callbacks/{task_id}`: the upstream announces a status change. The body is not
/// trusted (anyone can post here): it only makes the task due, and its state is then read from the
/// upstream with the operator's key. A success announced after the task expired is charged late, once
/// (`FollowDecision` decides, `TaskFollower` does it).
struct UpstreamCallbackRoute: Sendable {
    let tasks: TaskStore
    let follower: TaskFollower

    func register(on router: Router<GatewayContext>) {
        router.post("v1/upstream-callbacks/:taskID") { _, context in
            guard let text = context.parameters.get("taskID"), let id = UUID(uuidString: text),
                  let task = try await tasks.task(id: id) else {
                return JSONResponse.json(["code": 1203, "message": "task not found"], status: .notFound)
            }
            if task.state.isOpen {
                try await tasks.pollSoon(taskID: id)
            } else if task.state == .expired {
                try await follower.follow(task, owner: nil)
            }
            return JSONResponse.json(["code": 0, "message": "SUCCEED"])
        }
    }
}
