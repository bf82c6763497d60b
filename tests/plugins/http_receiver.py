"""A webhook receiver on loopback for the webhook notifier's tests.

    http_receiver.py DIR SECRET [--status CODE] [--lifetime SECONDS]
                     [--port PORT]

Picks a free port, writes it to DIR/port once it listens, and checks each
POST as a receiver should: the X-Mejora-Signature header must be
"sha256=" and the HMAC-SHA256, under SECRET, of the X-Mejora-Timestamp
header, ".", and the raw body, compared in constant time; the timestamp
must be within 300 seconds of this machine's clock. A good request is
recorded as DIR/NNN.json (the body) with DIR/NNN.headers and answered
with --status (200); a bad one is answered 401 and recorded as
DIR/NNN.rejected with the reason. It stops on SIGTERM or after
--lifetime seconds (60), so a test cannot hang make check.

A test steers a running receiver with files in DIR: DIR/status holds the
status to answer instead of --status, DIR/delay the seconds to wait,
after recording a request, before answering it (a receiver that
stalls). --port listens on that port rather than a free one (the same
receiver again after a stop).
"""
import argparse
import hashlib
import hmac
import http.server
import os
import select
import signal
import socket
import sys
import threading
import time

TOLERANCE = 300


def verify(secret, headers, body):
    """None when the request is signed by secret and fresh, else why."""
    ts = headers.get("X-Mejora-Timestamp", "")
    sig = headers.get("X-Mejora-Signature", "")
    if not ts.isdigit():
        return "no timestamp"
    if abs(time.time() - int(ts)) > TOLERANCE:
        return "stale timestamp"
    want = "sha256=" + hmac.new(secret.encode(), ts.encode() + b"." + body,
                                hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, sig):
        return "bad signature"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("secret")
    ap.add_argument("--status", type=int, default=200)
    ap.add_argument("--lifetime", type=float, default=60)
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    count = [0]

    def publish(path, data):
        # Whole or not at all: a test waiting for the file reads it as
        # soon as it exists.
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        os.rename(path + ".tmp", path)

    def steer(name, default):
        try:
            with open(os.path.join(a.dir, name)) as f:
                return f.read().strip() or default
        except OSError:
            return default

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            count[0] += 1
            base = os.path.join(a.dir, "%03d" % count[0])
            why = verify(a.secret, self.headers, body)
            if why:
                publish(base + ".rejected", (why + "\n").encode())
                status, text = 401, why
            else:
                publish(base + ".headers", str(self.headers).encode())
                publish(base + ".json", body)
                status = int(steer("status", a.status))
                # select, not time.sleep: under faketime (the suite's
                # clock a year ahead) clock_nanosleep fails with EINVAL.
                select.select([], [], [], float(steer("delay", 0)))
                text = "ok" if status < 300 else "no thanks: error %d" % status
            out = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    with open(os.path.join(a.dir, "port.tmp"), "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(os.path.join(a.dir, "port.tmp"), os.path.join(a.dir, "port"))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    done.wait(a.lifetime)
    srv.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
