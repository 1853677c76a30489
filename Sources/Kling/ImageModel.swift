/// The omni-image models.
enum ImageModel: String, CaseIterable {
    case klingImageO1 = "kling-image-o1"
    case klingV3Omni = "kling-v3-omni"

    static let names = allCases.map(\.rawValue)
}
