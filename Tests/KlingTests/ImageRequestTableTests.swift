import Foundation
import Kling
import Pricing
import Testing

private let v3 = "kling-v3-omni"

/// omni-image create bodies, valid and invalid, for both models.
let imageCases: [BodyCase] = [
    .valid("o1 takes every default", #"{"prompt":"a cat"}"#,
           has: ["model_name": "kling-image-o1", "resolution": "1k", "result_type": "single", "n": 1, "aspect_ratio": "auto"],
           lacks: ["series_amount", "model"]),
    .valid("model alias with a reference image", #"{"model":"\#(v3)","prompt":"x","image_list":[{"image":"https://i/1.png"}]}"#,
           has: ["model_name": "kling-v3-omni", "aspect_ratio": "auto", "n": 1], lacks: ["model"]),
    .valid("v3 text-to-image leaves aspect ratio absent", #"{"model_name":"\#(v3)","prompt":"x"}"#,
           has: ["n": 1, "result_type": "single"], lacks: ["aspect_ratio"]),
    .valid("v3 text-to-image with 21:9", #"{"model_name":"\#(v3)","prompt":"x","aspect_ratio":"21:9"}"#,
           has: ["aspect_ratio": "21:9"]),
    .valid("v3 series defaults to 4", #"{"model_name":"\#(v3)","prompt":"x","result_type":"series","image_list":[{"image":"a"}]}"#,
           has: ["series_amount": 4, "result_type": "series"], lacks: ["n"]),
    .valid("v3 series auto", #"{"model_name":"\#(v3)","prompt":"x","result_type":"series","series_amount":"auto","aspect_ratio":"3:2"}"#,
           has: ["series_amount": "auto", "aspect_ratio": "3:2"]),
    .valid("v3 4k series of 9", #"{"model_name":"\#(v3)","prompt":"x","resolution":"4k","result_type":"series","series_amount":9,"aspect_ratio":"1:1"}"#,
           has: ["resolution": "4k", "series_amount": 9]),
    .valid("o1 2k n 9", #"{"prompt":"x","resolution":"2k","n":9,"aspect_ratio":"4:3"}"#,
           has: ["resolution": "2k", "n": 9, "aspect_ratio": "4:3"]),
    .valid("image_url alias in an item", #"{"prompt":"x","image_list":[{"image_url":"https://i/1.png"}]}"#,
           has: ["image_list": [["image_url": "https://i/1.png"]]]),
    .valid("ten references", #"{"prompt":"x","image_list":[\#(Array(repeating: #"{"image":"a"}"#, count: 6).joined(separator: ","))],"element_list":[{"element_id":1},{"element_id":2},{"element_id":3},{"element_id":4}]}"#),
    .valid("n is ignored in a series", #"{"model_name":"\#(v3)","prompt":"x","result_type":"series","n":50,"aspect_ratio":"1:1"}"#,
           has: ["n": 50, "series_amount": 4]),
    .valid("series_amount is ignored for a single image", #"{"prompt":"x","series_amount":"bogus"}"#,
           has: ["series_amount": "bogus", "n": 1]),
    // An integer beyond Int64 can only be kept as a Double (2^64 - 1 reads as 2^64).
    .valid("unknown fields pass through", #"{"prompt":"x","style":"noir","seed":18446744073709551615}"#,
           has: ["style": "noir", "seed": .double(0x1p64)]),
    .valid("v3 with an element may be auto", #"{"model_name":"\#(v3)","prompt":"x","element_list":[{"element_id":7}],"aspect_ratio":"auto"}"#,
           has: ["aspect_ratio": "auto"]),

    .malformed("truncated JSON", #"{"prompt":"#),
    .malformed("null body", "null"),
    .malformed("a number body", "12"),

    .invalid("prompt missing", #"{"resolution":"1k"}"#, field: "prompt"),
    .invalid("prompt blank", #"{"prompt":""}"#, field: "prompt"),
    .invalid("prompt of 2501 characters", #"{"prompt":"\#(text(2501))"}"#, field: "prompt"),
    .invalid("a video model", #"{"model_name":"kling-video-o1","prompt":"x"}"#, field: "model_name"),
    .invalid("model and model_name differ", #"{"model":"\#(v3)","model_name":"kling-image-o1","prompt":"x"}"#, field: "model"),
    .invalid("o1 has no 4k", #"{"prompt":"x","resolution":"4k"}"#, field: "resolution"),
    .invalid("resolution 8k", #"{"model_name":"\#(v3)","prompt":"x","resolution":"8k"}"#, field: "resolution"),
    .invalid("resolution as a number", #"{"prompt":"x","resolution":1}"#, field: "resolution"),
    .invalid("o1 has no series", #"{"prompt":"x","result_type":"series"}"#, field: "result_type"),
    .invalid("result_type batch", #"{"prompt":"x","result_type":"batch"}"#, field: "result_type"),
    .invalid("n 0", #"{"prompt":"x","n":0}"#, field: "n"),
    .invalid("n 10", #"{"prompt":"x","n":10}"#, field: "n"),
    .invalid("n as a string", #"{"prompt":"x","n":"2"}"#, field: "n"),
    .invalid("n far beyond Int64", #"{"prompt":"x","n":-9223372036854775808}"#, field: "n"),
    .invalid("series_amount 1", #"{"model_name":"\#(v3)","prompt":"x","result_type":"series","series_amount":1}"#, field: "series_amount"),
    .invalid("series_amount 10", #"{"model_name":"\#(v3)","prompt":"x","result_type":"series","series_amount":10}"#, field: "series_amount"),
    .invalid("series_amount many", #"{"model_name":"\#(v3)","prompt":"x","result_type":"series","series_amount":"many"}"#, field: "series_amount"),
    .invalid("series_amount 4.5", #"{"model_name":"\#(v3)","prompt":"x","result_type":"series","series_amount":4.5}"#, field: "series_amount"),
    .invalid("aspect ratio 5:4", #"{"prompt":"x","aspect_ratio":"5:4"}"#, field: "aspect_ratio"),
    .invalid("v3 text-to-image refuses auto", #"{"model_name":"\#(v3)","prompt":"x","aspect_ratio":"auto"}"#, field: "aspect_ratio"),
    .invalid("eleven references", #"{"prompt":"x","image_list":[\#(Array(repeating: #"{"image":"a"}"#, count: 7).joined(separator: ","))],"element_list":[{"element_id":1},{"element_id":2},{"element_id":3},{"element_id":4}]}"#, field: "image_list"),
    .invalid("eleven elements", #"{"prompt":"x","element_list":[\#((1...11).map { #"{"element_id":\#($0)}"# }.joined(separator: ","))]}"#, field: "element_list"),
    .invalid("image item without a picture", #"{"prompt":"x","image_list":[{}]}"#, field: "image_list[0].image_url"),
    .invalid("image and image_url differ", #"{"prompt":"x","image_list":[{"image":"a","image_url":"b"}]}"#, field: "image_list[0].image"),
    .invalid("image as a number", #"{"prompt":"x","image_list":[{"image":5}]}"#, field: "image_list[0].image"),
    .invalid("external_task_id as a number", #"{"prompt":"x","external_task_id":12}"#, field: "external_task_id"),
    .invalid("callback without a host", #"{"prompt":"x","callback_url":"http://"}"#, field: "callback_url"),
    .invalid("watermark_info as a boolean", #"{"prompt":"x","watermark_info":true}"#, field: "watermark_info"),
]

@Suite struct ImageRequestTableTests {
    @Test(arguments: imageCases)
    func body(_ row: BodyCase) {
        row.check(ImageRequest.parse)
    }

    @Test func seriesAutoPricesAsAuto() throws {
        let request = try ImageRequest.parse(Data(#"{"model_name":"kling-v3-omni","prompt":"x","result_type":"series","series_amount":"auto","aspect_ratio":"1:1"}"#.utf8))
        #expect(request.isSeries)
        #expect(request.priceRequest == .image(.init(model: "kling-v3-omni", resolution: "1k", count: .auto(max: 9))))
    }

    @Test func singleImagesPriceByN() throws {
        let request = try ImageRequest.parse(Data(#"{"prompt":"x","n":3,"resolution":"2k"}"#.utf8))
        #expect(request.priceRequest == .image(.init(model: "kling-image-o1", resolution: "2k", count: .fixed(3))))
    }

    @Test func normalizingTwiceChangesNothing() throws {
        for json in [#"{"model":"kling-v3-omni","prompt":"x"}"#, #"{"model_name":"kling-v3-omni","prompt":"x","result_type":"series","image_list":[{"image":"a"}]}"#, #"{"prompt":"x"}"#] {
            let request = try ImageRequest.parse(Data(json.utf8))
            #expect(try ImageRequest.parse(JSONValue.object(request.body).encodedData()) == request)
        }
    }
}
