"""W6 serve: `mejora serve` under wrk, each answer stored durably.

Ours: wrk (-t 2 -c 64, --latency, tests/bench/serve.lua) posting valid
answers to an anonymous link of `mejora serve` on a free loopback port
for D seconds; every 2xx is a response committed with an fsync (the
submissions waiting at the same time share one commit). SIGTERM goes to
the server half a second before wrk stops: it then refuses to store
(503) while it finishes, so the requests still in flight when wrk stops
are refused ones, and the count stored must equal wrk's 2xx count
exactly (the run fails, not a test, when it does not). The rate is the
2xx count over the seconds before the SIGTERM; p50 and p99 are wrk's,
the last half second's quick 503s included.

Reference: Python's sqlite3 inserting one row per transaction, each
commit durable (WAL, synchronous=FULL, as the server's commits are),
for 3 seconds: what a server that commits each answer on its own could
reach at best, without HTTP or checks.

Run alone: python3 tests/bench/serve.py --builddir B --srcdir S [SECONDS].
"""
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import delivery  # beside this file: how a workload runs alone

PLAYBOOK = '''questionnaire "kiosk" { anonymous = true,
  question "nps" { type = "nps", required = true },
  question "staff" { type = "scale5", allow_na = true },
  question "how" { type = "choice", choices = { "phone", "web", "shop" } },
  question "comment" { type = "text" },
}
use "collector.web" { rate = 1000000000, connections = 1000 }
'''


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def seconds(text):
    """wrk's "1.23ms" as seconds."""
    m = re.match(r"([0-9.]+)(us|ms|s|m)$", text)
    if not m:
        return float("nan")
    return float(m.group(1)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0,
                                "m": 60.0}[m.group(2)]


def sqlite_reference(path, secs=3.0):
    """Single-row inserts, each its own durable commit: rows a second."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE responses(id TEXT PRIMARY KEY, questionnaire"
               " TEXT, submitted_at INTEGER, answers BLOB)")
    os.sync()
    n, t = 0, time.perf_counter()
    while time.perf_counter() - t < secs:
        db.execute("BEGIN")
        db.execute("INSERT INTO responses VALUES(?,?,?,?)",
                   ("web-%032x" % n, "kiosk", 1795000000 + n,
                    b"\x09\x04web\x00Quick and kind\x00"))
        db.execute("COMMIT")
        n += 1
    rate = n / (time.perf_counter() - t)
    db.close()
    return rate


def w6(mejora, env, data, src, duration=10):
    """The figures of W6 as a dict."""
    if not shutil.which("wrk"):
        sys.exit("bench: W6 needs wrk (apt-get install wrk)")
    work = os.path.join(data, "w6")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    pb = os.path.join(work, "p.lua")
    with open(pb, "w") as f:
        f.write(PLAYBOOK)
    store = "sqlite:" + os.path.join(work, "mejora.db")
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    log = open(os.path.join(work, "serve.err"), "w+")
    srv = subprocess.Popen([mejora, "--db", store, "serve", pb, "--listen",
                            "127.0.0.1:%d" % port], env=env,
                           stderr=log, stdout=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        srv.kill()
        sys.exit("bench: mejora serve did not start (see %s)" % log.name)
    os.sync()
    load = os.getloadavg()
    t = time.perf_counter()
    wrk = subprocess.Popen(
        ["wrk", "-t", "2", "-c", "64", "-d", "%ds" % duration, "--latency",
         "-s", os.path.join(src, "tests", "bench", "serve.lua"), base],
        stdout=subprocess.PIPE, text=True)
    time.sleep(max(duration - 0.5, 0.5))
    srv.send_signal(signal.SIGTERM)
    stopped = time.perf_counter() - t
    out = wrk.communicate()[0]
    rc = srv.wait()
    log.seek(0)
    err = log.read()
    log.close()
    m = re.search(r"W6: 2xx (\d+) other (\d+)", out)
    ok2xx, other = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    g = re.search(r"(\d+) submissions written in (\d+) commits", err)
    subs, commits = (int(g.group(1)), int(g.group(2))) if g else (0, 0)
    exported = subprocess.run([mejora, "-q", "--db", store, "export", pb,
                               "kiosk"], env=env, check=True,
                              capture_output=True, text=True).stdout
    stored = max(exported.count("\n") - 1, 0)
    rate = ok2xx / stopped
    ref = sqlite_reference(os.path.join(work, "ref.db"))
    return {"seconds": stopped, "ok_2xx": ok2xx, "other": other,
            "stored": stored, "per_s": rate,
            "p50_s": seconds(lat.get("50", "")),
            "p99_s": seconds(lat.get("99", "")),
            "commits": commits, "per_commit": subs / commits if commits
            else 0.0, "ref_per_s": ref, "ratio": rate / ref,
            "load_before": "%.2f %.2f %.2f" % load, "serve_rc": rc,
            "wrk": "wrk -t 2 -c 64 -d %ds --latency -s "
                   "tests/bench/serve.lua %s/q/kiosk" % (duration, base),
            "ok": rc == 0 and ok2xx > 0 and stored == ok2xx}


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--builddir", required=True)
    ap.add_argument("--srcdir", required=True)
    ap.add_argument("seconds", type=int, nargs="?", default=10)
    a = ap.parse_args()
    mejora, env, data = delivery.alone(a.builddir)
    r = w6(mejora, env, data, a.srcdir, a.seconds)
    for k, v in r.items():
        print("%-12s %s" % (k, "%.4f" % v if isinstance(v, float) else v))
    sys.exit(0 if r["ok"] else 1)


if __name__ == "__main__":
    main()
