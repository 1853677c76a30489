import Foundation
import Kling
import Testing

private let o1 = "kling-video-o1"
private let v3 = "kling-v3-omni"

/// omni-video create bodies, valid and invalid, for both models.
let videoCases: [BodyCase] = [
    // Valid: defaults written in, aliases resolved, unknown fields kept.
    .valid("o1 text-to-video takes every default", #"{"prompt":"a fox","aspect_ratio":"16:9"}"#,
           has: ["model_name": "kling-video-o1", "mode": "pro", "duration": "5", "aspect_ratio": "16:9"],
           lacks: ["sound", "model"]),
    .valid("model is an alias of model_name", #"{"model":"kling-v3-omni","prompt":"x","aspect_ratio":"1:1"}"#,
           has: ["model_name": "kling-v3-omni", "sound": "off", "duration": "5", "mode": "pro"], lacks: ["model"]),
    .valid("model and model_name may agree", #"{"model":"\#(o1)","model_name":"\#(o1)","prompt":"x","aspect_ratio":"1:1"}"#,
           has: ["model_name": "kling-video-o1"], lacks: ["model"]),
    .valid("an integer duration becomes a string", #"{"prompt":"x","aspect_ratio":"9:16","duration":10,"mode":"std"}"#,
           has: ["duration": "10", "mode": "std"]),
    .valid("o1 reference images allow 3 to 10", #"{"prompt":"x","aspect_ratio":"1:1","duration":"7","image_list":[{"image_url":"https://i/1.png"},{"image_url":"https://i/2.png"}]}"#,
           has: ["duration": "7"]),
    .valid("o1 first frame needs no aspect ratio", #"{"prompt":"x","duration":"10","image_list":[{"image_url":"u","type":"first_frame"}]}"#,
           has: ["duration": "10"], lacks: ["aspect_ratio"]),
    .valid("o1 first and end frame allow 3", #"{"prompt":"x","duration":"3","image_list":[{"image_url":"a","type":"first_frame"},{"image_url":"b","type":"end_frame"}]}"#,
           has: ["duration": "3"]),
    .valid("o1 feature video keeps its refer_type", #"{"prompt":"x","aspect_ratio":"16:9","duration":"8","video_list":[{"video_url":"https://v/1.mp4","refer_type":"feature","keep_original_sound":"yes"}]}"#,
           has: ["duration": "8", "video_list": [["video_url": "https://v/1.mp4", "refer_type": "feature", "keep_original_sound": "yes"]]]),
    .valid("o1 base edit: refer_type written in, no duration", #"{"prompt":"make it night","video_list":[{"video_url":"https://v/1.mp4"}]}"#,
           has: ["video_list": [["video_url": "https://v/1.mp4", "refer_type": "base"]]], lacks: ["duration", "aspect_ratio"]),
    .valid("v3 sound on, pro, 15 s", #"{"model_name":"\#(v3)","prompt":"x","aspect_ratio":"16:9","sound":"on","duration":"15"}"#,
           has: ["sound": "on", "duration": "15"]),
    .valid("v3 4k mode", #"{"model_name":"\#(v3)","prompt":"x","aspect_ratio":"16:9","mode":"4k"}"#,
           has: ["mode": "4k", "sound": "off"]),
    .valid("v3 customize storyboard needs no prompt", #"{"model_name":"\#(v3)","multi_shot":true,"shot_type":"customize","aspect_ratio":"16:9","duration":"10","multi_prompt":[{"index":1,"prompt":"a","duration":"4"},{"index":2,"prompt":"b","duration":6}]}"#,
           has: ["duration": "10", "multi_shot": true]),
    .valid("v3 intelligence storyboard from the prompt", #"{"model_name":"\#(v3)","multi_shot":true,"shot_type":"intelligence","prompt":"a day at sea","aspect_ratio":"1:1","duration":12}"#,
           has: ["duration": "12", "shot_type": "intelligence"]),
    .valid("multi_prompt is ignored without multi_shot", #"{"model_name":"\#(v3)","prompt":"x","aspect_ratio":"1:1","shot_type":7,"multi_prompt":"junk"}"#,
           has: ["shot_type": 7, "multi_prompt": "junk"]),
    .valid("CometAPI's image key in an item", #"{"prompt":"x","aspect_ratio":"1:1","image_list":[{"image":"https://i/1.png"}]}"#,
           has: ["image_list": [["image": "https://i/1.png"]]]),
    .valid("unknown fields pass through", #"{"prompt":"x","aspect_ratio":"1:1","negative_prompt":"blur","cfg_scale":0.5,"extra":{"a":[1,null]}}"#,
           has: ["negative_prompt": "blur", "cfg_scale": 0.5, "extra": ["a": [1, nil]]]),
    .valid("an element id above 2^53 survives exactly", #"{"prompt":"x","aspect_ratio":"1:1","duration":"6","element_list":[{"element_id":9007199254740993}]}"#,
           has: ["element_list": [["element_id": .int(9_007_199_254_740_993)]]]),
    .valid("null known fields read as absent", #"{"prompt":"x","aspect_ratio":"1:1","callback_url":null,"sound":null,"mode":null}"#,
           has: ["mode": "pro"], lacks: ["callback_url", "sound"]),
    .valid("the tenant's task id and callback", #"{"prompt":"x","aspect_ratio":"1:1","external_task_id":"my-1","callback_url":"https://t.example/cb"}"#,
           has: ["external_task_id": "my-1", "callback_url": "https://t.example/cb"]),
    .valid("v3 text-to-video may last 12 s", #"{"model":"\#(v3)","prompt":"x","aspect_ratio":"1:1","duration":"12"}"#,
           has: ["duration": "12"]),
    .valid("o1 elements alone allow 3 to 10", #"{"prompt":"x","aspect_ratio":"1:1","duration":"7","element_list":[{"element_id":1},{"element_id":2},{"element_id":3}]}"#,
           has: ["duration": "7"]),
    .valid("a 2500-character prompt of emoji", #"{"prompt":"\#(text(2500, "🦊"))","aspect_ratio":"1:1"}"#),
    .valid("v3 feature video with sound off", #"{"model_name":"\#(v3)","prompt":"x","aspect_ratio":"1:1","sound":"off","video_list":[{"video_url":"v","refer_type":"feature"}]}"#,
           has: ["sound": "off"]),
    .valid("v3 base edit ignores duration", #"{"model_name":"\#(v3)","prompt":"x","duration":"99","video_list":[{"video_url":"v","refer_type":"base"}]}"#,
           has: ["duration": "99", "sound": "off"]),
    .valid("an empty video_list is no video", #"{"prompt":"x","aspect_ratio":"1:1","video_list":[]}"#,
           has: ["duration": "5"]),
    .valid("watermark_info enabled", #"{"prompt":"x","aspect_ratio":"1:1","watermark_info":{"enabled":true}}"#),

    // Malformed: not a JSON object.
    .malformed("truncated JSON", #"{"prompt":"#),
    .malformed("an array body", "[]"),
    .malformed("a string body", #""prompt""#),
    .malformed("an empty body", ""),
    .malformed("a number too large for any type", #"{"prompt":"x","cfg_scale":1e400}"#),

    // Broken rules: the field is named.
    .invalid("unknown model", #"{"model_name":"kling-v1","prompt":"x","aspect_ratio":"1:1"}"#, field: "model_name"),
    .invalid("unknown model by alias", #"{"model":"kling-v1","prompt":"x","aspect_ratio":"1:1"}"#, field: "model"),
    .invalid("model and model_name differ", #"{"model":"\#(v3)","model_name":"\#(o1)","prompt":"x","aspect_ratio":"1:1"}"#, field: "model"),
    .invalid("model_name is a number", #"{"model_name":5,"prompt":"x","aspect_ratio":"1:1"}"#, field: "model_name"),
    .invalid("prompt missing", #"{"aspect_ratio":"1:1"}"#, field: "prompt"),
    .invalid("prompt blank", #"{"prompt":"  ","aspect_ratio":"1:1"}"#, field: "prompt"),
    .invalid("prompt of 2501 characters", #"{"prompt":"\#(text(2501))","aspect_ratio":"1:1"}"#, field: "prompt"),
    .invalid("prompt is a number", #"{"prompt":42,"aspect_ratio":"1:1"}"#, field: "prompt"),
    .invalid("intelligence storyboard needs a prompt", #"{"model_name":"\#(v3)","multi_shot":true,"shot_type":"intelligence","aspect_ratio":"1:1"}"#, field: "prompt"),
    .invalid("unknown mode", #"{"prompt":"x","aspect_ratio":"1:1","mode":"hd"}"#, field: "mode"),
    .invalid("o1 has no 4k", #"{"prompt":"x","aspect_ratio":"1:1","mode":"4k"}"#, field: "mode"),
    .invalid("aspect ratio required for text-to-video", #"{"prompt":"x"}"#, field: "aspect_ratio"),
    .invalid("aspect ratio 4:3 is for images", #"{"prompt":"x","aspect_ratio":"4:3"}"#, field: "aspect_ratio"),
    .invalid("aspect ratio refused with a base video", #"{"prompt":"x","aspect_ratio":"1:1","video_list":[{"video_url":"v"}]}"#, field: "aspect_ratio"),
    .invalid("aspect ratio required with reference images", #"{"prompt":"x","duration":"5","image_list":[{"image_url":"a"}]}"#, field: "aspect_ratio"),
    .invalid("o1 text-to-video 7 s", #"{"prompt":"x","aspect_ratio":"1:1","duration":"7"}"#, field: "duration"),
    .invalid("o1 first-frame-only 3 s", #"{"prompt":"x","duration":3,"image_list":[{"image_url":"a","type":"first_frame"}]}"#, field: "duration"),
    .invalid("o1 11 s", #"{"prompt":"x","aspect_ratio":"1:1","duration":"11","image_list":[{"image_url":"a"}]}"#, field: "duration"),
    .invalid("v3 16 s", #"{"model_name":"\#(v3)","prompt":"x","aspect_ratio":"1:1","duration":"16"}"#, field: "duration"),
    .invalid("v3 2 s", #"{"model_name":"\#(v3)","prompt":"x","aspect_ratio":"1:1","duration":2}"#, field: "duration"),
    .invalid("duration 5.5", #"{"prompt":"x","aspect_ratio":"1:1","duration":5.5}"#, field: "duration"),
    .invalid("duration \"5s\"", #"{"prompt":"x","aspect_ratio":"1:1","duration":"5s"}"#, field: "duration"),
    .invalid("duration \"-5\"", #"{"prompt":"x","aspect_ratio":"1:1","duration":"-5"}"#, field: "duration"),
    .invalid("duration true", #"{"prompt":"x","aspect_ratio":"1:1","duration":true}"#, field: "duration"),
    .invalid("o1 has no sound", #"{"prompt":"x","aspect_ratio":"1:1","sound":"off"}"#, field: "sound"),
    .invalid("sound loud", #"{"model_name":"\#(v3)","prompt":"x","aspect_ratio":"1:1","sound":"loud"}"#, field: "sound"),
    .invalid("sound on with a video", #"{"model_name":"\#(v3)","prompt":"x","aspect_ratio":"1:1","sound":"on","video_list":[{"video_url":"v","refer_type":"feature"}]}"#, field: "sound"),
    .invalid("o1 has no multi_shot", #"{"prompt":"x","aspect_ratio":"1:1","multi_shot":true}"#, field: "multi_shot"),
    .invalid("multi_shot as a string", #"{"model_name":"\#(v3)","prompt":"x","aspect_ratio":"1:1","multi_shot":"yes"}"#, field: "multi_shot"),
    .invalid("multi_shot without shot_type", #"{"model_name":"\#(v3)","multi_shot":true,"prompt":"x","aspect_ratio":"1:1"}"#, field: "shot_type"),
    .invalid("unknown shot_type", #"{"model_name":"\#(v3)","multi_shot":true,"shot_type":"auto","prompt":"x","aspect_ratio":"1:1"}"#, field: "shot_type"),
    .invalid("customize without shots", #"{"model_name":"\#(v3)","multi_shot":true,"shot_type":"customize","aspect_ratio":"1:1"}"#, field: "multi_prompt"),
    .invalid("seven shots", #"{"model_name":"\#(v3)","multi_shot":true,"shot_type":"customize","aspect_ratio":"1:1","duration":"7","multi_prompt":[\#(Array(repeating: #"{"index":1,"prompt":"a","duration":1}"#, count: 7).joined(separator: ","))]}"#, field: "multi_prompt"),
    .invalid("shots not summing to the duration", #"{"model_name":"\#(v3)","multi_shot":true,"shot_type":"customize","aspect_ratio":"1:1","duration":"10","multi_prompt":[{"index":1,"prompt":"a","duration":4},{"index":2,"prompt":"b","duration":5}]}"#, field: "multi_prompt"),
    .invalid("a shot prompt of 513 characters", #"{"model_name":"\#(v3)","multi_shot":true,"shot_type":"customize","aspect_ratio":"1:1","multi_prompt":[{"index":1,"prompt":"a","duration":1},{"index":2,"prompt":"\#(text(513))","duration":4}]}"#, field: "multi_prompt[1].prompt"),
    .invalid("a shot of 0 s", #"{"model_name":"\#(v3)","multi_shot":true,"shot_type":"customize","aspect_ratio":"1:1","multi_prompt":[{"index":1,"prompt":"a","duration":0}]}"#, field: "multi_prompt[0].duration"),
    .invalid("a shot without index", #"{"model_name":"\#(v3)","multi_shot":true,"shot_type":"customize","aspect_ratio":"1:1","multi_prompt":[{"prompt":"a","duration":5}]}"#, field: "multi_prompt[0].index"),
    .invalid("multi_shot with a first frame", #"{"model_name":"\#(v3)","multi_shot":true,"shot_type":"intelligence","prompt":"x","image_list":[{"image_url":"a","type":"first_frame"}]}"#, field: "image_list[0].type"),
    .invalid("unknown image type", #"{"prompt":"x","aspect_ratio":"1:1","image_list":[{"image_url":"a"},{"image_url":"b"},{"image_url":"c","type":"middle"}]}"#, field: "image_list[2].type"),
    .invalid("image item without a picture", #"{"prompt":"x","aspect_ratio":"1:1","image_list":[{"type":"first_frame"}]}"#, field: "image_list[0].image_url"),
    .invalid("image item not an object", #"{"prompt":"x","aspect_ratio":"1:1","image_list":["https://i/1.png"]}"#, field: "image_list[0]"),
    .invalid("image_list not an array", #"{"prompt":"x","aspect_ratio":"1:1","image_list":{"image_url":"a"}}"#, field: "image_list"),
    .invalid("image and image_url differ", #"{"prompt":"x","aspect_ratio":"1:1","image_list":[{"image_url":"a","image":"b"}]}"#, field: "image_list[0].image"),
    .invalid("end frame without a first frame", #"{"prompt":"x","aspect_ratio":"1:1","image_list":[{"image_url":"a","type":"end_frame"}]}"#, field: "image_list[0].type"),
    .invalid("two first frames", #"{"prompt":"x","image_list":[{"image_url":"a","type":"first_frame"},{"image_url":"b","type":"first_frame"}]}"#, field: "image_list[1].type"),
    .invalid("a first frame with a base video", #"{"prompt":"x","image_list":[{"image_url":"a","type":"first_frame"}],"video_list":[{"video_url":"v","refer_type":"base"}]}"#, field: "image_list[0].type"),
    .invalid("eight images", #"{"prompt":"x","aspect_ratio":"1:1","image_list":[\#(Array(repeating: #"{"image_url":"a"}"#, count: 8).joined(separator: ","))]}"#, field: "image_list"),
    .invalid("five references with a video", #"{"prompt":"x","aspect_ratio":"1:1","image_list":[{"image_url":"a"},{"image_url":"b"},{"image_url":"c"}],"element_list":[{"element_id":1},{"element_id":2}],"video_list":[{"video_url":"v","refer_type":"feature"}]}"#, field: "image_list"),
    .invalid("eight elements", #"{"prompt":"x","aspect_ratio":"1:1","element_list":[\#((1...8).map { #"{"element_id":\#($0)}"# }.joined(separator: ","))]}"#, field: "element_list"),
    .invalid("o1 end frame with three images", #"{"prompt":"x","image_list":[{"image_url":"a","type":"first_frame"},{"image_url":"b","type":"end_frame"},{"image_url":"c"}]}"#, field: "image_list"),
    .invalid("o1 first and end frame with an element", #"{"prompt":"x","image_list":[{"image_url":"a","type":"first_frame"},{"image_url":"b","type":"end_frame"}],"element_list":[{"element_id":1}]}"#, field: "element_list"),
    .invalid("v3 first frame with four elements", #"{"model_name":"\#(v3)","prompt":"x","image_list":[{"image_url":"a","type":"first_frame"}],"element_list":[{"element_id":1},{"element_id":2},{"element_id":3},{"element_id":4}]}"#, field: "element_list"),
    .invalid("element id as a string", #"{"prompt":"x","aspect_ratio":"1:1","element_list":[{"element_id":"12"}]}"#, field: "element_list[0].element_id"),
    .invalid("element id missing", #"{"prompt":"x","aspect_ratio":"1:1","element_list":[{}]}"#, field: "element_list[0].element_id"),
    .invalid("element id 1.5", #"{"prompt":"x","aspect_ratio":"1:1","element_list":[{"element_id":1.5}]}"#, field: "element_list[0].element_id"),
    .invalid("two videos", #"{"prompt":"x","aspect_ratio":"1:1","video_list":[{"video_url":"a","refer_type":"feature"},{"video_url":"b","refer_type":"feature"}]}"#, field: "video_list"),
    .invalid("video without url", #"{"prompt":"x","video_list":[{"refer_type":"base"}]}"#, field: "video_list[0].video_url"),
    .invalid("unknown refer_type", #"{"prompt":"x","aspect_ratio":"1:1","video_list":[{"video_url":"v","refer_type":"style"}]}"#, field: "video_list[0].refer_type"),
    .invalid("keep_original_sound maybe", #"{"prompt":"x","video_list":[{"video_url":"v","keep_original_sound":"maybe"}]}"#, field: "video_list[0].keep_original_sound"),
    .invalid("external_task_id of 65 characters", #"{"prompt":"x","aspect_ratio":"1:1","external_task_id":"\#(text(65))"}"#, field: "external_task_id"),
    .invalid("empty external_task_id", #"{"prompt":"x","aspect_ratio":"1:1","external_task_id":""}"#, field: "external_task_id"),
    .invalid("ftp callback", #"{"prompt":"x","aspect_ratio":"1:1","callback_url":"ftp://t.example/cb"}"#, field: "callback_url"),
    .invalid("callback not a URL", #"{"prompt":"x","aspect_ratio":"1:1","callback_url":"not a url"}"#, field: "callback_url"),
    .invalid("watermark enabled as a string", #"{"prompt":"x","aspect_ratio":"1:1","watermark_info":{"enabled":"yes"}}"#, field: "watermark_info.enabled"),
]

@Suite struct VideoRequestTableTests {
    @Test(arguments: videoCases)
    func body(_ row: BodyCase) {
        row.check(VideoRequest.parse)
    }

    @Test func o1TextToVideoDurationMessageIsExact() {
        #expect(throws: KlingError(code: 1201, field: "duration", message: "duration: kling-video-o1 text-to-video accepts only 5 or 10")) {
            try VideoRequest.parse(Data(#"{"prompt":"x","aspect_ratio":"1:1","duration":"7"}"#.utf8))
        }
    }

    @Test func unknownImageTypeMessageNamesTheItem() throws {
        let body = #"{"prompt":"x","aspect_ratio":"1:1","image_list":[{"image_url":"a"},{"image_url":"b"},{"image_url":"c","type":"middle"}]}"#
        do {
            _ = try VideoRequest.parse(Data(body.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.message.hasPrefix("image_list[2].type: must be first_frame or end_frame"))
            #expect(error.httpStatus == 400)
        }
    }

    @Test func typedFieldsOfABaseEdit() throws {
        let request = try VideoRequest.parse(Data(#"{"prompt":"x","mode":"std","video_list":[{"video_url":"v"}],"external_task_id":"e-1"}"#.utf8))
        #expect(request.isEdit)
        #expect(request.hasVideoReference)
        #expect(request.durationSeconds == nil)
        #expect(request.externalTaskID == "e-1")
        #expect(request.callbackURL == nil)
        #expect(request.priceRequest == .video(.init(model: "kling-video-o1", mode: "std", sound: false, videoReference: true, seconds: .edit(maxSeconds: 10))))
    }

    @Test func v3EditReservesFifteenSeconds() throws {
        let request = try VideoRequest.parse(Data(#"{"model_name":"kling-v3-omni","prompt":"x","video_list":[{"video_url":"v"}]}"#.utf8))
        #expect(request.priceRequest == .video(.init(model: "kling-v3-omni", mode: "pro", sound: false, videoReference: true, seconds: .edit(maxSeconds: 15))))
    }

    @Test func upstreamBodyCarriesTheGatewaysIDsOnly() throws {
        let request = try VideoRequest.parse(Data(#"{"prompt":"x","aspect_ratio":"1:1","external_task_id":"mine","callback_url":"https://t.example/cb"}"#.utf8))
        let withCallback = request.upstreamBody(externalTaskID: "om_123", callbackURL: "https://gw.example/cb/om_123")
        #expect(withCallback["external_task_id"] == "om_123")
        #expect(withCallback["callback_url"] == "https://gw.example/cb/om_123")
        let pollOnly = request.upstreamBody(externalTaskID: "om_123", callbackURL: nil)
        #expect(pollOnly["callback_url"] == nil)
        #expect(pollOnly["prompt"] == "x")
        #expect(request.body["external_task_id"] == "mine")
    }

    @Test func normalizingTwiceChangesNothing() throws {
        let request = try VideoRequest.parse(Data(#"{"model":"kling-v3-omni","prompt":"x","duration":8,"video_list":[{"video_url":"v","refer_type":"feature"}],"aspect_ratio":"1:1"}"#.utf8))
        let again = try VideoRequest.parse(JSONValue.object(request.body).encodedData())
        #expect(again == request)
    }
}
