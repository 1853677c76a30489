import Accounting
import AsyncHTTPClient
import Foundation
import Gateway
import Simulator
import Testing

/// Kling AK/SK channels end to end: the simulator decodes the JWT's header and claims and checks
/// its HS256 signature with the secret it was configured with (401 otherwise).
@Suite struct ChannelJWTTests {
    static func kling(_ access: String, _ secret: String) -> SimulatorConfig {
        var config = ChannelFailoverTests.quick
        config.jwtKeys = [access: secret]
        return config
    }

    @Test func aKlingChannelSignsInWithAVerifiedJWTAndItsTaskSettles() async throws {
        let harness = try await ChannelHarness.make([Self.kling("ak-test", "sk-test-secret")])
        let channel = try await harness.channel("kling", to: 0, credentials: .jwt(accessKey: "ak-test", secretKey: "sk-test-secret"))
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let created = try await harness.submit(client, tenant.secret)
            #expect(created.status == 200, "\(created.json)")
            let taskID = try #require(created.taskID)
            #expect(try await harness.task(taskID).channelID == channel.id)
            try await harness.settleAll(tenantID: tenant.tenantID)
            #expect(try await harness.task(taskID).state == .succeeded)
        }
        #expect(await harness.simulators[0].counts().authRefusals == 0)
        let upstream = try #require(await harness.simulators[0].tasks().first)
        #expect(upstream.account == "ak-test")
        await harness.stop()
    }

    @Test func aWrongSecretIsRefusedBySignatureAndTheTaskGoesToTheNextChannel() async throws {
        let harness = try await ChannelHarness.make([Self.kling("ak-test", "sk-test-secret"), ChannelFailoverTests.quick])
        try await harness.channel("kling, wrong secret", to: 0, priority: 1, credentials: .jwt(accessKey: "ak-test", secretKey: "not-the-secret"))
        let second = try await harness.channel("relay", to: 1, priority: 2)
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let created = try await harness.submit(client, tenant.secret)
            #expect(created.status == 200, "\(created.json)")
            #expect(try await harness.task(of: created).channelID == second.id)
        }
        #expect(await harness.simulators[0].counts().authRefusals == 1)
        #expect(await harness.upstreamTaskCounts() == [0, 1])
        await harness.stop()
    }

    @Test func aBearerKeyIsRefusedWhereAJWTIsExpected() async throws {
        let harness = try await ChannelHarness.make([Self.kling("ak-test", "sk-test-secret")])
        try await harness.channel("kling, bearer", to: 0, credentials: .bearer(apiKey: "ak-test"))
        let tenant = try await Database.tenant(harness.pool, credits: 10_000_000)
        try await harness.withClient { client in
            let created = try await harness.submit(client, tenant.secret)
            #expect(created.status == 502)
        }
        #expect(await harness.simulators[0].counts().authRefusals == 1)
        #expect(try await Database.balance(harness.pool, tenant.tenantID) == .init(credits: 10_000_000, charged: 0, reserved: 0))
        await harness.stop()
    }

    @Test func theSimulatorChecksTheHeaderTheClaimsAndTheSignature() async throws {
        let simulator = UpstreamSimulator(config: Self.kling("ak", "sk"))
        let port = try await simulator.start()
        @Sendable func status(_ token: String) async throws -> Int {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/kling/v1/videos/omni-video/no-such-task")
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            _ = try await response.body.collect(upTo: 1 << 20)
            return Int(response.status.code)
        }
        let good = KlingJWT.token(accessKey: "ak", secretKey: "sk")
        #expect(try await status(good) == 404, "signed in; the task is unknown")
        #expect(try await status(KlingJWT.token(accessKey: "ak", secretKey: "sk", now: Date().addingTimeInterval(-3600))) == 401, "expired")
        #expect(try await status(KlingJWT.token(accessKey: "ak", secretKey: "sk", now: Date().addingTimeInterval(600))) == 401, "not yet valid")
        #expect(try await status(KlingJWT.token(accessKey: "other", secretKey: "sk")) == 401, "unknown access key")
        #expect(try await status(KlingJWT.token(accessKey: "ak", secretKey: "wrong")) == 401, "wrong secret")
        let parts = good.split(separator: ".").map(String.init)
        let forgedClaims = KlingJWT.base64URL(Data(#"{"iss":"ak","exp":9999999999,"nbf":0}"#.utf8))
        #expect(try await status("\(parts[0]).\(forgedClaims).\(parts[2])") == 401, "claims changed under the signature")
        let none = KlingJWT.base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
        #expect(try await status("\(none).\(parts[1]).") == 401, "alg none")
        #expect(await simulator.counts().authRefusals == 6)
        await simulator.stop()
    }
}
