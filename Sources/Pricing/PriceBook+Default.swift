extension PriceBook {
    /// The upstream's official list prices (docs/upstream.md, "Official prices"):
    /// 1 video unit = $0.14, 1 image unit = $0.0035.
    public static let default2026 = PriceBook(
        currency: "USD",
        videoReferenceMultiplier: "1.5",
        video: [
            VideoPrice(model: "kling-video-o1", mode: "std", sound: "off", microsPerSecond: 84_000),
            VideoPrice(model: "kling-video-o1", mode: "pro", sound: "off", microsPerSecond: 112_000),
            VideoPrice(model: "kling-v3-omni", mode: "std", sound: "off", microsPerSecond: 84_000),
            VideoPrice(model: "kling-v3-omni", mode: "pro", sound: "off", microsPerSecond: 112_000),
            VideoPrice(model: "kling-v3-omni", mode: "std", sound: "on", microsPerSecond: 112_000),
            VideoPrice(model: "kling-v3-omni", mode: "pro", sound: "on", microsPerSecond: 140_000),
            // 4K is a flat 3.0 units/s with or without sound.
            VideoPrice(model: "kling-v3-omni", mode: "4k", sound: "off", microsPerSecond: 420_000),
            VideoPrice(model: "kling-v3-omni", mode: "4k", sound: "on", microsPerSecond: 420_000),
        ],
        image: [
            ImagePrice(model: "kling-image-o1", resolution: "1k", microsPerImage: 28_000),
            ImagePrice(model: "kling-image-o1", resolution: "2k", microsPerImage: 28_000),
            ImagePrice(model: "kling-v3-omni", resolution: "1k", microsPerImage: 28_000),
            ImagePrice(model: "kling-v3-omni", resolution: "2k", microsPerImage: 28_000),
            ImagePrice(model: "kling-v3-omni", resolution: "4k", microsPerImage: 56_000),
        ]
    )
}
