import Gateway
import Testing

/// issue 10 defect 6: every command reads one configuration and names the database it could not use,
/// never with its password.
@Suite struct DatabaseNameTests {
    @Test func aDatabaseIsNamedWithoutItsPassword() {
        let cases: [(String, String)] = [
            ("postgresql://postgres@127.0.0.1:54329/omnimeter", "postgresql://postgres@127.0.0.1:54329/omnimeter"),
            ("postgresql://app:s3cr%40t@db.internal:5432/omnimeter", "postgresql://app@db.internal:5432/omnimeter"),
            ("postgres://app:p@ss@word@db/omni?sslmode=require&password=again", "postgres://app@db/omni?sslmode=require"),
            ("postgresql://:only-a-password@db/omni", "postgresql://@db/omni"),
            ("host=db port=5432 user=app password=hunter2 dbname=omnimeter", "host=db port=5432 user=app dbname=omnimeter"),
            ("host=db password = 'it\\'s quoted' dbname=x", "host=db dbname=x"),
            ("dbname=omnimeter PASSWORD=x", "dbname=omnimeter"),
            ("host=db passwordless=1", "host=db passwordless=1"),
        ]
        for (url, named) in cases {
            #expect(DatabaseName.redacted(url) == named, "\(url)")
        }
        for secret in ["s3cr", "hunter2", "quoted", "again", "ss@word", "only-a-password"] {
            #expect(cases.allSatisfy { !DatabaseName.redacted($0.0).contains(secret) }, "\(secret) leaked")
        }
    }

    @Test func everyCommandDefaultsToTheRunCommandsDatabase() throws {
        #expect(try GatewayConfig.fromEnvironment([:]).databaseURL == "postgresql://postgres@127.0.0.1:54329/omnimeter")
        #expect(try GatewayConfig.fromEnvironment(["OMNIMETER_PG_PORT": "54333"]).databaseURL == "postgresql://postgres@127.0.0.1:54333/omnimeter")
        let explicit = try GatewayConfig.fromEnvironment(["OMNIMETER_PG_PORT": "54333", "OMNIMETER_DATABASE_URL": "postgresql://u:pw@h/d"])
        #expect(explicit.databaseURL == "postgresql://u:pw@h/d")
        #expect(explicit.databaseName == "postgresql://u@h/d")
        #expect(throws: GatewayConfig.Invalid.self) { try GatewayConfig.fromEnvironment(["OMNIMETER_PG_PORT": "many"]) }
    }

    /// Retention is off unless set; a set value is whole days from 1 (docs/events.md, "Retention").
    @Test func deliveryRetentionIsOffByDefaultAndTakesWholeDays() throws {
        #expect(try GatewayConfig.fromEnvironment([:]).deliveryRetentionDays == nil)
        #expect(try GatewayConfig.fromEnvironment(["OMNIMETER_DELIVERY_RETENTION_DAYS": "30"]).deliveryRetentionDays == 30)
        for bad in ["0", "-1", "30d", "1.5", "36501"] {
            #expect(throws: GatewayConfig.Invalid.self, "\(bad)") {
                try GatewayConfig.fromEnvironment(["OMNIMETER_DELIVERY_RETENTION_DAYS": bad])
            }
        }
    }
}
