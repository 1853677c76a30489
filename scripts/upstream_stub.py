#!/usr/bin/env python3
"""A minimal Kling Omni compatible upstream, Python 3 standard library only.

The load, fault, fuzz and benchmark scripts use `omnimeter upstream-simulator` when the build has it,
and this stand-in otherwise. It accepts every create (validation is the gateway's job in these runs),
keeps tasks in memory, finds them by task_id or external_task_id (unique, as upstream), and moves
each one submitted -> processing -> succeed (or failed, at --fail-rate) over --task-seconds.
Faults: --lost-answer-rate makes the task but answers 500, so the gateway must look it up by its
external_task_id instead of guessing.

    python3 scripts/upstream_stub.py --listen 127.0.0.1:8091 --task-seconds 2
"""
import argparse
import json
import random
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TASKS = {}       # task_id -> task
BY_EXTERNAL = {}  # external_task_id -> task_id
LOCK = threading.Lock()
OPTIONS = None


def envelope(data=None, code=0, message="SUCCEED"):
    body = {"code": code, "message": message, "request_id": str(uuid.uuid4())}
    if data is not None:
        body["data"] = data
    return body


def view(task):
    """The task as a query answers it, its status decided by the clock."""
    age = time.time() - task["created"]
    status, result = "submitted", None
    if age >= OPTIONS.task_seconds:
        status = "failed" if task["fails"] else "succeed"
    elif age >= OPTIONS.task_seconds * 0.3:
        status = "processing"
    data = {"task_id": task["id"], "task_status": status, "task_info": {"external_task_id": task["external"]},
            "created_at": int(task["created"] * 1000), "updated_at": int(time.time() * 1000)}
    if status == "failed":
        data["task_status_msg"] = "generation failed (stub)"
    if status == "succeed":
        body = task["body"]
        if task["kind"] == "video":
            duration = str(body.get("duration", "5"))
            result = {"videos": [{"id": task["id"] + "-v", "url": f"https://stub.invalid/{task['id']}.mp4", "duration": duration}]}
            data["final_unit_deduction"] = duration
        else:
            count = body.get("n", 1) if body.get("result_type", "single") == "single" else body.get("series_amount", 4)
            if not isinstance(count, int):
                count = 4
            result = {"result_type": body.get("result_type", "single"),
                      "images": [{"index": i, "url": f"https://stub.invalid/{task['id']}-{i}.png"} for i in range(count)]}
        data["task_result"] = result
    return data


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # answer at once: with Nagle on, the body written after the headers waits for the client's
        # delayed ACK (40 ms), which would be counted as the gateway's latency
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    @staticmethod
    def kind(path):
        if "/videos/omni-video" in path:
            return "video"
        if "/images/omni-image" in path:
            return "image"
        return None

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        kind = self.kind(self.path)
        if kind is None:
            return self.answer(404, envelope(code=1203, message="not found"))
        try:
            body = json.loads(raw or b"{}")
            assert isinstance(body, dict)
        except Exception:
            return self.answer(400, envelope(code=1200, message="malformed body"))
        external = body.get("external_task_id")
        with LOCK:
            if external is not None and external in BY_EXTERNAL:
                return self.answer(400, envelope(code=1201, message="external_task_id already exists"))
            task = {"id": str(random.getrandbits(62)), "kind": kind, "body": body, "external": external,
                    "created": time.time(), "fails": random.random() < OPTIONS.fail_rate}
            TASKS[task["id"]] = task
            if external is not None:
                BY_EXTERNAL[external] = task["id"]
        if random.random() < OPTIONS.lost_answer_rate:
            return self.answer(500, envelope(code=5000, message="internal error (stub: the task was made)"))
        return self.answer(200, envelope({"task_id": task["id"], "task_status": "submitted",
                                          "task_info": {"external_task_id": external},
                                          "created_at": int(task["created"] * 1000), "updated_at": int(task["created"] * 1000)}))

    def do_GET(self):
        kind = self.kind(self.path)
        ident = self.path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        with LOCK:
            task = TASKS.get(ident) or TASKS.get(BY_EXTERNAL.get(ident, ""))
        if kind is None or task is None or task["kind"] != kind:
            return self.answer(404, envelope(code=1203, message="task not found"))
        return self.answer(200, envelope(view(task)))


def main():
    global OPTIONS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listen", default="127.0.0.1:8091")
    parser.add_argument("--task-seconds", type=float, default=2.0, help="how long a task takes")
    parser.add_argument("--fail-rate", type=float, default=0.1, help="share of tasks that end failed")
    parser.add_argument("--lost-answer-rate", type=float, default=0.0, help="share of creates answered 500 after the task was made")
    OPTIONS = parser.parse_args()
    host, port = OPTIONS.listen.rsplit(":", 1)
    server = ThreadingHTTPServer((host, int(port)), Handler)
    server.daemon_threads = True
    server.request_queue_size = 1024
    server.serve_forever()


if __name__ == "__main__":
    main()
