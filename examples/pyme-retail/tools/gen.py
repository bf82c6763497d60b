#!/usr/bin/env python3
"""Regenerate the pyme-retail example data (deterministic: fixed seed).

Customers of a small shop in three segments, and about 300 answers to the
post-visit questionnaire. Walk-in customers wait at the till, so
"immediate attention" (R1) scores below its target and the plan opens.
Run from examples/pyme-retail: python3 tools/gen.py
"""
import csv
import random

rng = random.Random(20261123)
dates = random.Random(2024)
FIRST = ["Ana", "Luis", "Carmen", "Jorge", "Lucía", "Pablo", "Marta", "Diego",
         "Elena", "Andrés", "Sofía", "Raúl", "Paula", "Iván", "Laura", "Tomás"]
LAST = ["García", "López", "Martín", "Ruiz", "Díaz", "Moreno", "Vega",
        "Castro", "Ortiz", "Navarro", "Romero", "Herrera"]
SEGMENTS = [("mostrador", 22), ("online", 16), ("empresas", 12)]

customers = []
n = 0
for seg, count in SEGMENTS:
    for _ in range(count):
        n += 1
        lang = "en" if rng.random() < 0.2 else "es"
        channel = {"mostrador": "phone", "online": "email", "empresas": "email"}[seg]
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if seg == "empresas":
            name += " (" + rng.choice(["Talleres Vega SL", "Café Central", "Gestoría Ruiz",
                                       "Clínica Sur", "Hotel Mar"]) + ")"
        email = f"cliente{n:03d}@example.com"
        consent = "no" if rng.random() < 0.06 else "yes"
        # Customer since: mostly 2024-2026; about one in ten joined in
        # November 2026, and about one in twelve left during it.
        # (a second generator, so the answers below stay as they were)
        if dates.random() < 0.1:
            since = f"2026-11-{1 + dates.randrange(28):02d}"
        else:
            since = (f"{dates.choice([2024, 2025])}-{1 + dates.randrange(12):02d}"
                     f"-{1 + dates.randrange(28):02d}")
        until = (f"2026-11-{1 + dates.randrange(28):02d}"
                 if dates.random() < 0.08 else "")
        customers.append((f"C{n:03d}", seg, name, lang, channel, email, consent,
                          since, until))

with open("data/customers.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "segment", "name", "lang", "channel", "email", "consent",
                "since", "until"])
    w.writerows(customers)

# Mean score per requirement question and segment (1..5), NPS mix.
MEANS = {
    "mostrador": {"atencion": 3.0, "trato": 4.2, "solucion": 3.9, "local": 4.1},
    "online":    {"atencion": 3.6, "trato": 4.1, "solucion": 4.0, "local": None},
    "empresas":  {"atencion": 4.2, "trato": 4.5, "solucion": 4.3, "local": 4.4},
}
NPS_MIX = {"mostrador": (0.35, 0.35), "online": (0.50, 0.30), "empresas": (0.60, 0.28)}
COMMENTS = {
    "es": ["Tuve que esperar en caja, pero el trato fue bueno.",
           "Muy amables, volveré.",
           "Faltaba personal a mediodía",
           "Rápidos y eficaces, gracias",
           "El pedido llegó tarde, aunque lo resolvieron bien."],
    "en": ["Long queue at the till, friendly staff though.",
           "Great service, thank you",
           "Delivery was late, but they fixed it."],
}

def scale(mean):
    v = round(rng.gauss(mean, 0.9))
    return max(1, min(5, v))

def nps(seg):
    p_prom, p_pass = NPS_MIX[seg]
    u = rng.random()
    if u < p_prom:
        return rng.choice([9, 10])
    if u < p_prom + p_pass:
        return rng.choice([7, 8])
    return rng.choice([2, 4, 5, 6, 6, 3, 0])

rows = []
for i in range(300):
    cid, seg, _, lang, *_ = rng.choice(customers)
    m = MEANS[seg]
    day = 1 + i * 28 // 300
    row = {
        "response_id": f"V2611-{i + 1:04d}",
        "customer_id": cid,
        "wave": "2026-11",
        "submitted_at": f"2026-11-{day:02d}T{9 + rng.randrange(10):02d}:{rng.randrange(60):02d}:00Z",
    }
    for q in ("atencion", "trato", "solucion", "local"):
        if m[q] is None:
            row[q] = "NA"  # online customers never visit the shop
        elif rng.random() < 0.04:
            row[q] = "NA"
        elif rng.random() < 0.02:
            row[q] = ""
        else:
            row[q] = str(scale(m[q]))
    row["satisfaccion"] = str(scale((m["atencion"] + m["trato"] + m["solucion"]) / 3 + 0.2))
    row["nps"] = str(nps(seg))
    row["comentario"] = rng.choice(COMMENTS[lang]) if rng.random() < 0.3 else ""
    rows.append(row)

with open("data/responses.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)

# A later batch from the till's tablet with typical mistakes, for the import demo.
bad = [dict(rows[0], response_id="V2612-0001"),
       dict(rows[1], response_id="V2612-0002", atencion="7"),
       dict(rows[2], response_id="V2612-0003", nps="diez"),
       dict(rows[3], response_id="V2612-0004", customer_id="C999"),
       dict(rows[4], response_id="V2612-0005"),
       dict(rows[5], response_id="V2612-0005")]
for r in bad:
    r["wave"] = "2026-12"
with open("data/tablet-december.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
    w.writeheader()
    w.writerows(bad)
