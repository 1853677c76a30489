import Foundation
import Kling
import Pricing
import Testing

@Suite struct UpstreamTaskTests {
    let edit = PriceRequest.video(VideoPriceRequest(model: "kling-video-o1", mode: "pro", sound: false, videoReference: true, seconds: .edit(maxSeconds: 10)))
    let fixedVideo = PriceRequest.video(VideoPriceRequest(model: "kling-video-o1", mode: "pro", sound: false, videoReference: false, seconds: .fixed(5)))
    let autoSeries = PriceRequest.image(ImagePriceRequest(model: "kling-v3-omni", resolution: "1k", count: .auto(max: 9)))

    @Test func readsAVideoQueryEnvelope() throws {
        let body = #"{"code":0,"message":"SUCCEED","request_id":"r","data":{"task_id":"t-1","task_status":"succeed","task_status_msg":"","task_info":{"external_task_id":"om_1"},"task_result":{"videos":[{"id":"v1","url":"https://cdn/v1.mp4","watermark_url":"w","duration":"5.041"}]},"final_unit_deduction":"4","final_balance_deduction":{"quota":1},"created_at":1,"updated_at":2}}"#
        let task = try UpstreamTask.parse(Data(body.utf8))
        #expect(task.taskID == "t-1")
        #expect(task.status == .succeed)
        #expect(task.status.isFinal)
        #expect(task.externalTaskID == "om_1")
        #expect(task.videos == [UpstreamVideo(id: "v1", url: "https://cdn/v1.mp4", duration: "5.041")])
        #expect(task.finalUnitDeduction == "4")
        #expect(task.actualUsage(for: fixedVideo) == .asRequested)
        #expect(task.actualUsage(for: edit) == .videoSeconds("5.041"))
    }

    @Test func aCallbacksParentVideoIsTheEditsLength() throws {
        let body = #"{"task_id":"t-2","task_status":"succeed","task_info":{"external_task_id":"om_2","parent_video":{"id":"p","url":"u","duration":"7.5"}},"task_result":{"videos":[{"id":"v","url":"u","duration":"7.533"}]}}"#
        let task = try UpstreamTask.parse(Data(body.utf8))
        #expect(task.parentVideoDuration == "7.5")
        let usage = task.actualUsage(for: edit)
        #expect(usage == .videoSeconds("7.5"))
        #expect(try settle(edit, book: .default2026, actual: usage).chargeMicros == 1_344_000)
    }

    @Test func anEditWithoutAReportedLengthBillsItsReservation() throws {
        let task = try UpstreamTask(data: ["task_id": "t", "task_status": "succeed"])
        #expect(task.actualUsage(for: edit) == .asRequested)
    }

    @Test func countsImagesAndSeriesImages() throws {
        let data: JSONValue = ["task_id": 842_250_903_629_086_785, "task_status": "succeed",
                               "task_result": ["result_type": "series", "images": [["index": 0]], "series_images": [["index": 0], ["index": 1]]]]
        let task = try UpstreamTask(data: data)
        #expect(task.taskID == "842250903629086785")
        #expect(task.imageCount == 3)
        #expect(task.actualUsage(for: autoSeries) == .images(3))
    }

    @Test func looksThroughCometAPIsWrapper() throws {
        let body = #"{"code":"success","data":{"status":"SUCCESS","progress":"100%","action":"OMNI_VIDEO","data":{"task_id":"t-3","task_status":"processing"}}}"#
        let task = try UpstreamTask.parse(Data(body.utf8))
        #expect(task.taskID == "t-3")
        #expect(task.status == .processing)
        #expect(!task.status.isFinal)
    }

    @Test func keepsAnUnknownStatus() throws {
        let task = try UpstreamTask(data: ["task_id": "t", "task_status": "queued", "task_status_msg": "wait"])
        #expect(task.status == .other("queued"))
        #expect(task.status.text == "queued")
        #expect(task.statusMessage == "wait")
    }

    @Test func refusesATaskWithoutIdOrStatus() {
        #expect(throws: KlingError.self) { try UpstreamTask(data: ["task_status": "succeed"]) }
        #expect(throws: KlingError.self) { try UpstreamTask(data: ["task_id": "t"]) }
        #expect(throws: KlingError.self) { try UpstreamTask(data: "t") }
    }
}
