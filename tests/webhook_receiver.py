"""A webhook receiver, run as its own process by the tests: it checks each delivery's signature as the
README tells receivers to, answers 500 to the first `--fail` deliveries, and writes each delivery it
accepted (its JSON body) as one line to `--out`. Its port is printed on the first line of stdout."""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--secret-file", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--fail", type=int, default=0)
    args = parser.parse_args()
    secret = Path(args.secret_file).read_text("utf-8").strip().encode()
    failures = [args.fail]

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the standard library's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            timestamp = self.headers.get("X-Registry-Timestamp", "")
            expected = (
                "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
            )
            signed = hmac.compare_digest(expected, self.headers.get("X-Registry-Signature", ""))
            fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 300
            if not (signed and fresh):
                status = 401
            elif failures[0] > 0:
                failures[0] -= 1
                status = 500
            else:
                status = 200
            with open(args.out, "a", encoding="utf-8") as out:
                out.write(json.dumps({"status": status, "body": json.loads(body)}) + "\n")
            self.send_response(status)
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    print(server.server_address[1], flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
