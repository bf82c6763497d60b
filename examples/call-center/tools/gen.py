#!/usr/bin/python3
"""Generate the call-centre example's data (deterministic, seeded).

Two waves, November and December 2026:
- post-call survey answers (questionnaire "llamada");
- what customers expect of the accuracy of information (questionnaire
  "expectativas", November): gap 1 sets the staff's belief against it;
- mystery-shopper calls (audit "phone-shopper"): in November half the
  calls are answered within 20 s; in December, after the extra agents at
  peak hours, nearly all are (plan P1 works);
- complaints: "wrong-info" is the largest category both months, and the
  accuracy of information (R1) is the same in December (plan P2 does not
  work and is escalated).
Run from examples/call-center: /usr/bin/python3 tools/gen.py
"""
import csv
import random

rnd = random.Random(20261101)
SITES = {"norte": ["ana", "luis"], "sur": ["marta", "jorge"]}


def survey(path, wave, month, n):
    r = random.Random(7)  # the same answers both months: R1 does not move
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["response_id", "customer_id", "wave", "submitted_at",
                    "informacion", "trato", "nps"])
        for i in range(n):
            info = r.choice([2, 3, 3, 3, 4, 4, 4, 5])
            trato = r.choice([3, 4, 4, 5, 5])
            nps = r.choice([6, 7, 8, 9, 9, 10, 10, 5, 3])
            w.writerow([f"L{wave[2:4]}{wave[5:]}-{i + 1:03d}",
                        f"CL{i + 1:04d}", wave,
                        f"{month}-{1 + i % 28:02d}T{9 + i % 8:02d}:00:00Z",
                        info, trato, nps])


def calls(path, month, n, fast_share):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        crit = ["answer_time", "queue_time", "holds", "transfers", "greeting",
                "phone_smile", "greeted", "gave_company_name", "gave_own_name",
                "offered_help", "channelled_at_once", "committed_when"]
        w.writerow(["visit_id", "site", "agent", "date"] + crit)
        for i in range(n):
            site = "norte" if i % 2 == 0 else "sur"
            agent = SITES[site][(i // 2) % 2]
            fast = i < round(n * fast_share)
            answer = rnd.randint(5, 20) if fast else rnd.randint(21, 75)
            queue = rnd.randint(0, 40) if fast else rnd.randint(30, 120)
            yn = lambda p: "yes" if rnd.random() < p else "no"
            w.writerow([f"M{month[2:4]}{month[5:]}-{i + 1:02d}", site, agent,
                        f"{month}-{1 + (i * 3) % 28:02d}",
                        answer, queue, rnd.choice([0, 0, 1, 2]),
                        rnd.choice([0, 0, 0, 1]), rnd.choice([3, 4, 4, 5]),
                        rnd.choice([3, 4, 5]), yn(0.95), yn(0.8), yn(0.7),
                        yn(0.9), yn(0.75), yn(0.6)])


CATS = (["wrong-info"] * 9 + ["late-callback"] * 5 + ["long-wait"] * 4 +
        ["billing-error"] * 2 + ["rude-agent"] * 1)
CAUSES = {"wrong-info": "outdated-knowledge-base",
          "late-callback": "no-callback-queue", "long-wait": "understaffed-peak",
          "billing-error": "tariff-change", "rude-agent": "training"}


def complaints(path, month, n, fcr_share):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "received_at", "channel", "customer_id", "category",
                    "text", "acknowledged_at", "assessed_at",
                    "investigated_at", "root_cause", "responded_at",
                    "closed_at", "first_contact_resolution"])
        for i in range(n):
            cat = CATS[i % len(CATS)]
            day = 1 + (i * 2) % 18  # every step stays in the month
            t0 = (day - 1) * 24 + 8 + i % 9  # hours since the 1st
            ack = t0 + rnd.randint(1, 8)
            ass = ack + rnd.randint(2, 24)
            inv = ass + rnd.randint(4, 48)
            resp = inv + rnd.randint(1, 24)
            clo = resp + rnd.randint(1, 72)
            last = i >= n - 3  # the newest ones are still in progress

            def ts(h):
                return f"{month}-{1 + h // 24:02d}T{h % 24:02d}:00:00Z"
            fcr = "yes" if rnd.random() < fcr_share else "no"
            w.writerow([f"Q{month[2:4]}{month[5:]}-{i + 1:03d}", ts(t0),
                        rnd.choice(["phone", "email", "web"]),
                        f"CL{rnd.randint(1, 400):04d}", cat,
                        f"Complaint about {cat.replace('-', ' ')}", ts(ack),
                        ts(ass), "" if last else ts(inv),
                        "" if last else CAUSES[cat], "" if last else ts(resp),
                        "" if last else ts(clo), "" if last else fcr])


with open("data/customers.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "segment", "name", "lang", "channel", "email", "consent"])
    for i in range(400):
        w.writerow([f"CL{i + 1:04d}", "empresas" if i % 4 == 0 else "hogar",
                    f"Cliente {i + 1}", "es", "phone",
                    f"cliente{i + 1:04d}@example.com", "yes"])
with open("data/customers.csv", "a", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    for i in range(12):  # the staff, for the gap-1 questionnaire
        w.writerow([f"ST{i + 1:02d}", "personal", f"Agente {i + 1}", "es",
                    "intranet", f"agente{i + 1:02d}@callcenter.example", "yes"])
with open("data/staff-2026-11.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["response_id", "customer_id", "wave", "submitted_at",
                "cree_informacion", "cree_esperan_informacion"])
    r = random.Random(11)
    r2 = random.Random(12)  # gaps 1, 2: what staff think customers expect
    for i in range(12):
        w.writerow([f"P2611-{i + 1:02d}", f"ST{i + 1:02d}", "2026-11",
                    "2026-11-10T12:00:00Z", r.choice([4, 4, 5, 4, 5, 3]),
                    r2.choice([4, 5, 5, 4, 5])])
survey("data/survey-2026-11.csv", "2026-11", "2026-11", 60)
survey("data/survey-2026-12.csv", "2026-12", "2026-12", 60)
calls("data/calls-2026-11.csv", "2026-11", 40, 0.5)
calls("data/calls-2026-12.csv", "2026-12", 40, 0.95)
complaints("data/complaints-2026-11.csv", "2026-11", 42, 0.55)
complaints("data/complaints-2026-12.csv", "2026-12", 36, 0.6)
with open("data/expectations-2026-11.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["response_id", "customer_id", "wave", "submitted_at",
                "espera_informacion"])
    r = random.Random(13)  # what customers expect of R1
    for i in range(30):
        w.writerow([f"X2611-{i + 1:03d}", f"CL{i + 101:04d}", "2026-11",
                    f"2026-11-{1 + i % 28:02d}T10:00:00Z",
                    r.choice([4, 5, 5, 5, 4, 5, 3])])
