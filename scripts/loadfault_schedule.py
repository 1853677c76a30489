"""The whole schedule of one fault run, drawn from its seed alone (Python standard library only), so that
`loadfault.sh --seed N` replays the same run: when the gateway is SIGKILLed, when PostgreSQL restarts,
when the upstream refuses connections, the upstream's rates, each submitter's load, and which fault each
create carries (a prompt marker the simulator obeys, so the choice is the task's, not the arrival order's).
"""
import hashlib
import json
import random

# what a create may carry: the simulator's prompt markers (Sources/Simulator/Tasks/PromptMarkers.swift)
MARKERS = {
    "task_failure": "[sim:fail]",
    "created_error": "[sim:error-after-create]",
    "lost_answer": "[sim:lost-answer]",
    "slow_answer": "[sim:slow-answer]",
}
FAULT_MIX = [("none", 0.76), ("task_failure", 0.08), ("created_error", 0.06), ("lost_answer", 0.04), ("slow_answer", 0.06)]


class Schedule:
    def __init__(self, seed, seconds, tenants, loops_per_tenant, kills=None, pg_restart=True):
        rng = random.Random(f"omnimeter-loadfault-{seed}")
        self.seed = seed
        seconds = float(seconds)  # 20 and 20.0 are one schedule
        self.seconds = seconds
        kill_count = kills if kills is not None else rng.randint(1, 3)
        # moments in the middle 80% of the run, at least 3 s apart where the run is long enough
        self.kills = self._moments(rng, kill_count, seconds)
        self.pg_restart = round(rng.uniform(0.3, 0.7) * seconds, 2) if pg_restart else None
        self.upstream_down = []  # (start, length): the gate refuses connections
        for _ in range(rng.randint(1, 2)):
            self.upstream_down.append((round(rng.uniform(0.15, 0.8) * seconds, 2), round(rng.uniform(1.0, 3.0), 2)))
        self.upstream = {
            "query_error_rate": round(rng.uniform(0.02, 0.06), 3),
            "slow_answer_ms": rng.randint(600, 2000),
            "task_seconds": round(rng.uniform(1.0, 2.5), 2),
        }
        self.submitters = []
        for tenant in range(tenants):
            for loop in range(loops_per_tenant):
                self.submitters.append({
                    "tenant": tenant, "loop": loop,
                    "rate": round(rng.uniform(2.0, 6.0), 2),          # creates per second
                    "start": round(rng.uniform(0, 0.1) * seconds, 2),  # staggered start
                    "video_share": round(rng.uniform(0.4, 0.9), 2),
                    "burst": (round(rng.uniform(0.1, 0.8) * seconds, 2), round(rng.uniform(1, 4), 2)),  # triple rate
                    "seed": rng.getrandbits(32),
                })

    @staticmethod
    def _moments(rng, count, seconds):
        for _ in range(100):
            moments = sorted(round(rng.uniform(0.1, 0.9) * seconds, 2) for _ in range(count))
            if all(b - a >= 3 for a, b in zip(moments, moments[1:])) or seconds < 3 * (count + 1):
                return moments
        return moments

    def creates(self, submitter):
        """Endless (kind, fault) choices for one submitter's creates, in order. The first submitter's first
        creates carry each fault kind once, in a seeded order, so that every kind happens in every run."""
        rng = random.Random(submitter["seed"])
        forced = [kind for kind in MARKERS]
        rng.shuffle(forced)
        first = submitter["tenant"] == 0 and submitter["loop"] == 0
        number = 0
        while True:
            video = rng.random() < submitter["video_share"]
            if first and number < len(forced):
                fault = forced[number]
            else:
                fault = self._draw(rng)
            yield ("video" if video else "image"), fault
            number += 1

    @staticmethod
    def _draw(rng):
        point, total = rng.random(), 0.0
        for fault, share in FAULT_MIX:
            total += share
            if point < total:
                return fault
        return "none"

    def rate_at(self, submitter, elapsed):
        start, length = submitter["burst"]
        return submitter["rate"] * (3 if start <= elapsed < start + length else 1)

    def events(self):
        """Every timed event, in order: (at, what, detail)."""
        events = [(at, "kill", None) for at in self.kills]
        if self.pg_restart is not None:
            events.append((self.pg_restart, "pg_restart", None))
        for start, length in self.upstream_down:
            events.append((start, "upstream_down", length))
        return sorted(events, key=lambda e: e[0])

    def describe(self):
        plain = {"seed": self.seed, "seconds": self.seconds, "kills": self.kills, "pg_restart": self.pg_restart,
                 "upstream_down": self.upstream_down, "upstream": self.upstream, "submitters": self.submitters}
        text = json.dumps(plain, sort_keys=True)
        return plain, hashlib.sha256(text.encode()).hexdigest()[:16]
