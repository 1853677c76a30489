import Foundation
import Kling

/// A base edit's input video. The simulator cannot read the file, so its
/// length comes from a `duration=` query parameter of the URL
/// (`https://x/in.mp4?duration=7.5`), else from the configured default.
enum EditInput {
    static let minSeconds = 3.0

    /// The input length as decimal text, checked against what the model edits.
    static func seconds(videoURL: String, request: VideoRequest, defaultSeconds: String) throws(KlingError) -> String {
        let given = URLComponents(string: videoURL)?.queryItems?.first { $0.name == "duration" }?.value
        let text = given ?? defaultSeconds
        guard isDecimal(text), let seconds = Double(text) else {
            throw .invalid("video_list[0].video_url", "duration=\(text) is not a number of seconds")
        }
        let maxSeconds = Double(request.maxEditSeconds)
        guard seconds >= minSeconds, seconds <= maxSeconds else {
            throw .invalid("video_list[0].video_url",
                           "the input video lasts \(text) s; \(request.model) edits videos of 3 to \(request.maxEditSeconds) s")
        }
        return text
    }

    /// Digits with at most one point inside: the upstream's spelling of seconds.
    private static func isDecimal(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count)
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
