#!/usr/bin/env python3
"""Verifies deliveries recorded by the Swift test suite with an independent Standard Webhooks
implementation (the `standardwebhooks` package from PyPI).

    python3 tests/webhooks/verify.py FILE.json

FILE holds a JSON list of {"secret", "webhook_id", "webhook_timestamp", "webhook_signature", "body"}
(body as text), plus an optional "expect": "valid" (default) or "invalid". Prints one line per
delivery and exits 1 if any verification disagrees with its expectation.
"""
import json
import sys

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as handle:
        cases = json.load(handle)
    failures = 0
    for index, case in enumerate(cases):
        headers = {
            "webhook-id": case["webhook_id"],
            "webhook-timestamp": case["webhook_timestamp"],
            "webhook-signature": case["webhook_signature"],
        }
        expect = case.get("expect", "valid")
        try:
            Webhook(case["secret"]).verify(case["body"], headers)
            outcome = "valid"
        except WebhookVerificationError as error:
            outcome = "invalid"
            detail = str(error)
        ok = outcome == expect
        failures += 0 if ok else 1
        print(f"{index}: {outcome} (expected {expect}) id={case['webhook_id']}" + ("" if outcome == "valid" else f": {detail}"))
    print(f"verified {len(cases)} deliveries, {failures} disagreed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
