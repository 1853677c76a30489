// The fixtures of every test target live in Tests/TestSupport (the database, tenants and keys made
// through the stores, tasks, ledger probes, the callback receiver, the seeded generator). Add new ones
// there; this import makes them visible to every file of this target.
@_exported import TestSupport
