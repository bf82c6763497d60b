"""Answers for tests/data/models/playbook.lua, the same on every run:
python3 make_data.py DIR writes DIR/QUESTIONNAIRE-CYCLE.csv for both
cycles. Customers are the call centre's (CL0001 ...)."""
import os
import random
import sys

out = sys.argv[1]
rng = random.Random(19)
CYCLES = ("2026-11", "2026-12")
DIMS = ("tangibles",) * 4 + ("reliability",) * 5 + \
    ("responsiveness",) * 4 + ("assurance",) * 4 + ("empathy",) * 5
# Perception minus expectation per dimension, a little better in December.
SHIFT = {"tangibles": 0.4, "reliability": -1.6, "responsiveness": -1.0,
         "assurance": -0.3, "empathy": -0.7}
# Kano answers (1 like .. 5 dislike), functional then dysfunctional, as
# each feature's customers tend to give them.
KANO = {"chat": [(1, 3), (1, 4), (3, 3)], "callback": [(1, 5), (2, 5)],
        "sms": [(1, 3), (3, 3), (3, 4)], "human": [(2, 5), (3, 5), (2, 5)]}
# Performance and importance (1-5) per attribute.
IPA = {"wait": (2.3, 4.6), "staff": (4.2, 4.3), "price": (3.1, 2.6),
       "menu": (4.0, 2.2)}


def clamp(v, lo, hi):
    return max(lo, min(hi, int(round(v))))


def write(name, m, header, rows):
    with open(os.path.join(out, "%s-%s.csv" % (name, m)), "w") as f:
        f.write(",".join(["response_id", "customer_id", "wave",
                          "submitted_at"] + header) + "\n")
        for i, row in enumerate(rows):
            who = row.pop(0)
            f.write(",".join(["%s-%s-%03d" % (name[:2].upper(), m, i + 1),
                              who, m, "%s-%02dT10:00:00Z" % (m, i % 28 + 1)]
                             + [str(v) for v in row]) + "\n")


def cust(i):
    return "CL%04d" % (i + 1)


for k, m in enumerate(CYCLES):
    better = 0.5 * k
    write("llamada", m, ["informacion", "trato", "nps", "comentario"],
          [[cust(i), clamp(rng.gauss(3.2 + better, 1), 1, 5),
            clamp(rng.gauss(4.0, 0.8), 1, 5),
            clamp(rng.gauss(7 + 2 * better, 2.5), 0, 10),
            rng.choice(["", "Too long on hold", "Kind agent",
                        "Wrong tariff given"])] for i in range(60)])
    write("expectativas", m, ["espera_informacion"],
          [[cust(100 + i), clamp(rng.gauss(4.5, 0.6), 1, 5)]
           for i in range(30)])
    write("plantilla", m, ["cree_informacion", "cree_esperan_informacion"],
          [["ST%02d" % (i + 1), clamp(rng.gauss(4.1, 0.6), 1, 5),
            clamp(rng.gauss(3.9, 0.6), 1, 5)] for i in range(12)])
    head = ["sq_e%02d" % (i + 1) for i in range(22)] + \
        ["sq_p%02d" % (i + 1) for i in range(22)] + \
        ["sq_w_" + d for d in ("tangibles", "reliability", "responsiveness",
                                "assurance", "empathy")]
    rows = []
    for i in range(40):
        e = [clamp(rng.gauss(6.1, 0.7), 1, 7) for _ in range(22)]
        p = [clamp(e[j] + SHIFT[DIMS[j]] + better + rng.gauss(0, 0.9), 1, 7)
             for j in range(22)]
        w = [rng.randint(5, 25) for _ in range(4)]
        w.append(100 - sum(w))
        rows.append([cust(200 + i)] + e + p + w)
    write("servqual", m, head, rows)
    head, rows = [], [[cust(300 + i)] for i in range(40)]
    for feat, pairs in KANO.items():
        head += ["kano_%s_f" % feat, "kano_%s_d" % feat]
        for row in rows:
            f, d = rng.choice(pairs)
            row += [f, d]
    write("funciones", m, head, rows)
    head, rows = [], [[cust(350 + i)] for i in range(40)]
    for attr, (perf, imp) in IPA.items():
        head += ["p_" + attr, "i_" + attr]
        for row in rows:
            row += [clamp(rng.gauss(perf + better * (attr == "wait"), 0.8),
                          1, 5), clamp(rng.gauss(imp, 0.6), 1, 5)]
    write("atributos", m, head, rows)
