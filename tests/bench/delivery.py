"""W5 delivery: the outbox, queued and delivered by e-mail, for tests/bench/run.

Queue: `mejora complaints import` of N new complaints, each queueing one
complaint.received message for its category's owner in the import's
transaction; reference: Python's sqlite3 writing the same complaint rows
and one message row (with its meta) each, in one transaction, into a
store of the same schema: the bare cost of the rows without validation,
keys or the outbox's bookkeeping.

Deliver: `mejora deliver` of those N messages to a local aiosmtpd
(tests/plugins/smtp_receiver.py); reference: Python's smtplib sending N
equivalent messages (the same sender, recipient and size, a plain and an
HTML part) to the same server over one connection, as the brief asks. It
favours the reference: the outbox claims each message and records its
outcome in its own committed write, and the e-mail notifier opens a
connection per message, so that one message's failure cannot touch
another's. The same reference with a connection per message is measured
too, and printed beside it.

Run alone: python3 tests/bench/delivery.py --builddir B --srcdir S [N].
"""
import email.message
import os
import shutil
import smtplib
import sqlite3
import subprocess
import sys
import time

OWNER = "quejas@bench.example"
SENDER = "Calidad <calidad@bench.example>"


def playbook(path, port):
    with open(path, "w") as f:
        f.write('''complaint_category "late" { text = "Late delivery", owner = "%s" }
use "notifier.email" { url = "smtp://127.0.0.1:%d",
  from = "%s", to_meta = "owner", timeout = 30 }
''' % (OWNER, port, SENDER))


def complaints(path, n):
    with open(path, "w") as f:
        f.write("id,received_at,channel,customer_id,category,text\n")
        for i in range(n):
            f.write("K%06d,2026-11-24T%02d:%02d:00Z,phone,C%06d,late,"
                    "The parcel came a week late and nobody called\n" %
                    (i, (i // 60) % 24, i % 60, i))


def start_receiver(src, folder):
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    p = subprocess.Popen([sys.executable, os.path.join(
        src, "tests", "plugins", "smtp_receiver.py"), folder,
        "--lifetime", "1800"])
    port_file = os.path.join(folder, "port")
    for _ in range(100):
        if os.path.exists(port_file):
            return p, int(open(port_file).read())
        time.sleep(0.1)
    p.kill()
    sys.exit("bench: the SMTP receiver did not start")


def stop(p):
    p.terminate()
    p.wait()


def received(folder):
    return sum(1 for f in os.listdir(folder) if f.endswith(".eml"))


def sqlite_reference(path, n):
    """Seconds to write n complaints and n messages with their meta."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.executescript(
        "CREATE TABLE complaints(id TEXT PRIMARY KEY, wave TEXT,"
        " received_at INTEGER, channel TEXT, customer TEXT, category TEXT,"
        " text TEXT);"
        "CREATE TABLE notifications(seq INTEGER PRIMARY KEY, cycle INTEGER,"
        " notifier TEXT, kind TEXT, severity INTEGER, time INTEGER,"
        " subject TEXT, message TEXT, status TEXT, key TEXT,"
        " next_at INTEGER);"
        "CREATE TABLE notification_meta(notification INTEGER, pos INTEGER,"
        " key TEXT, value TEXT, PRIMARY KEY(notification, pos))"
        " WITHOUT ROWID;")
    t = time.perf_counter()
    db.execute("BEGIN")
    for i in range(n):
        cid = "K%06d" % i
        db.execute("INSERT INTO complaints VALUES(?,?,?,?,?,?,?)",
                   (cid, "2026-11", 1795000000 + i, "phone", "C%06d" % i,
                    "late", "The parcel came a week late"))
        cur = db.execute(
            "INSERT INTO notifications(cycle, notifier, kind, severity,"
            " time, subject, message, status, key, next_at)"
            " VALUES(0, 'email', 'complaint.received', 3, ?, ?, ?,"
            " 'pending', ?, ?)",
            (1795000000, "Complaint %s received" % cid,
             "Complaint %s (category late) was received." % cid,
             "%032x" % i, 1795000000))
        seq = cur.lastrowid
        for pos, (k, v) in enumerate((("complaint", cid),
                                      ("category", "late"),
                                      ("owner", OWNER),
                                      ("customer", "C%06d" % i))):
            db.execute("INSERT INTO notification_meta VALUES(?,?,?,?)",
                       (seq, pos, k, v))
    db.execute("COMMIT")
    secs = time.perf_counter() - t
    db.close()
    return secs


def reference_messages(n, size):
    for i in range(n):
        m = email.message.EmailMessage()
        m["From"] = SENDER
        m["To"] = OWNER
        m["Subject"] = "Complaint K%06d received" % i
        m["Message-ID"] = "<%032x@bench.example>" % i
        body = ("Complaint K%06d (category late) was received. " % i)
        body = (body * (size // len(body) + 1))[:size]
        m.set_content(body)
        m.add_alternative("<p>%s</p>" % body, subtype="html")
        yield m


def smtplib_reference(port, n, size, one_connection):
    t = time.perf_counter()
    s = smtplib.SMTP("127.0.0.1", port) if one_connection else None
    for m in reference_messages(n, size):
        if not one_connection:
            s = smtplib.SMTP("127.0.0.1", port)
        s.send_message(m)
        if not one_connection:
            s.quit()
    if one_connection:
        s.quit()
    return time.perf_counter() - t


def w5(mejora, env, data, src, n=10000):
    """The figures of W5 as a dict (rates per second and ratios)."""
    work = os.path.join(data, "w5")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    csv = os.path.join(work, "complaints.csv")
    complaints(csv, n)
    inbox = os.path.join(work, "inbox")
    p, port = start_receiver(src, inbox)
    try:
        pb = os.path.join(work, "p.lua")
        playbook(pb, port)
        store = "sqlite:" + os.path.join(work, "mejora.db")
        run_env = dict(env, MEJORA_ENV_ALLOW="")
        base = [mejora, "-q", "--db", store]
        t = time.perf_counter()
        subprocess.run(base + ["complaints", pb, "import", csv], env=run_env,
                       check=True, stdout=subprocess.DEVNULL)
        queue_s = time.perf_counter() - t
        queued = int(subprocess.run(
            ["sqlite3", os.path.join(work, "mejora.db"),
             "SELECT count(*) FROM notifications WHERE status = 'pending'"],
            check=True, capture_output=True, text=True).stdout)
        ref_queue_s = sqlite_reference(os.path.join(work, "ref.db"), n)

        t = time.perf_counter()
        subprocess.run(base + ["deliver", pb], env=run_env, check=True,
                       stdout=subprocess.DEVNULL)
        deliver_s = time.perf_counter() - t
        delivered = received(inbox)
        files = sorted(f for f in os.listdir(inbox) if f.endswith(".eml"))
        size = os.path.getsize(os.path.join(inbox, files[0])) // 2 \
            if files else 600
        one_s = smtplib_reference(port, n, size, True)
        each_s = smtplib_reference(port, n, size, False)
    finally:
        stop(p)
    return {"messages": n, "queued": queued, "delivered": delivered,
            "queue_s": queue_s, "queued_per_s": queued / queue_s,
            "ref_queue_s": ref_queue_s, "ref_queued_per_s": n / ref_queue_s,
            "queue_ratio": queue_s / ref_queue_s,
            "deliver_s": deliver_s, "delivered_per_s": delivered / deliver_s,
            "ref_one_connection_s": one_s,
            "ref_one_connection_per_s": n / one_s,
            "ref_connection_each_s": each_s,
            "ref_connection_each_per_s": n / each_s,
            "deliver_ratio": deliver_s / one_s,
            "ok": queued == n and delivered == n}


def alone(builddir):
    """For a workload run alone: (mejora, its environment, data folder)."""
    env = dict(os.environ)
    env.setdefault("MEJORA_PLUGIN_PATH",
                   os.path.join(builddir, "plugins", ".libs"))
    mejora = os.path.join(builddir, "core", ".libs", "mejora")
    if os.path.exists(mejora):
        env["LD_LIBRARY_PATH"] = os.path.join(builddir, "core", ".libs")
    else:
        mejora = os.path.join(builddir, "core", "mejora")
    data = os.path.join(builddir, "tests", "bench", "data")
    os.makedirs(data, exist_ok=True)
    return mejora, env, data


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--builddir", required=True)
    ap.add_argument("--srcdir", required=True)
    ap.add_argument("n", type=int, nargs="?", default=10000)
    a = ap.parse_args()
    mejora, env, data = alone(a.builddir)
    r = w5(mejora, env, data, a.srcdir, a.n)
    for k, v in r.items():
        print("%-28s %s" % (k, "%.3f" % v if isinstance(v, float) else v))


if __name__ == "__main__":
    main()
