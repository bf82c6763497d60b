"""W2 reference: the analysis mejora's cycle does, with pandas.

usage: pandas_ref.py RESPONSES.csv OUT.json [WAVE]

Reads the responses with pandas.read_csv and computes, per segment and for
"all", what the nps and csat scorers (and reliability, listwise alpha)
compute, by the formulas of doc/methods.md: NPS with the adjusted-Wald
interval, category shares with Wilson intervals, per-item mean with a t
interval, top- and bottom-2-box with Wilson intervals, Cronbach's alpha
over q1..q10 (rows with any empty item left out). Writes one JSON object
{"figures": [...], "seconds": compute time after the imports}.
"""
import json
import math
import sys
import time

t0 = time.perf_counter()
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

ITEMS = ["q%d" % i for i in range(1, 11)]
LEVEL = 0.95
MIN_N = 10


def wilson(x, n, z):
    if n <= 0:
        return (math.nan, math.nan)
    p = x / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (c - h, c + h)


def code_var(pro, pas, det):
    n = pro + pas + det
    p, d = pro / n, det / n
    return max(p + d - (p - d) ** 2, 0.0)


def nps_figures(seg, col, z):
    v = col.dropna()
    n = len(v)
    n_ex = len(col) - n
    pro = float((v >= 9).sum())
    det = float((v <= 6).sum())
    pas = n - pro - det
    out = []

    def fig(metric, value, lo, hi):
        out.append(dict(scorer="nps", metric=metric, question="nps",
                        segment=seg, n=n, n_excluded=n_ex, value=value,
                        ci_low=lo, ci_high=hi))
    if n < MIN_N:
        for m in ("nps", "nps_se", "promoters", "passives", "detractors"):
            fig(m, None, None, None)
        return out
    score = 100.0 * (pro - det) / n
    se = 100.0 * math.sqrt(code_var(pro, pas, det) / n)
    apro, apas, adet = pro + 0.75, pas + 1.5, det + 0.75
    centre = 100.0 * (apro - adet) / (n + 3.0)
    half = z * 100.0 * math.sqrt(code_var(apro, apas, adet) / (n + 3.0))
    fig("nps", score, max(-100.0, centre - half), min(100.0, centre + half))
    fig("nps_se", se, None, None)
    for m, x in (("promoters", pro), ("passives", pas), ("detractors", det)):
        lo, hi = wilson(x, n, z)
        fig(m, 100.0 * x / n, 100.0 * lo, 100.0 * hi)
    return out


def csat_figures(seg, q, col, z):
    v = col.dropna()
    n = len(v)
    n_ex = len(col) - n
    out = []

    def fig(metric, value, lo, hi):
        out.append(dict(scorer="csat", metric=metric, question=q,
                        segment=seg, n=n, n_excluded=n_ex, value=value,
                        ci_low=lo, ci_high=hi))
    if n < MIN_N:
        for m in ("t2b", "b2b", "mean"):
            fig(m, None, None, None)
        return out
    top = float((v >= 4).sum())
    bottom = float((v <= 2).sum())
    for m, x in (("t2b", top), ("b2b", bottom)):
        lo, hi = wilson(x, n, z)
        fig(m, 100.0 * x / n, 100.0 * lo, 100.0 * hi)
    mean = float(v.mean())
    sd = float(v.std(ddof=1))
    if sd > 0:
        h = stats.t.ppf(0.5 + 0.5 * LEVEL, n - 1) * sd / math.sqrt(n)
        fig("mean", mean, mean - h, mean + h)
    else:
        fig("mean", mean, None, None)
    return out


def alpha(seg, frame):
    x = frame[ITEMS].dropna()
    n, k = x.shape
    value = None
    if n >= 2:
        item_var = x.var(ddof=1).sum()
        total_var = x.sum(axis=1).var(ddof=1)
        if total_var > 0:
            value = k / (k - 1) * (1 - item_var / total_var)
    return [dict(scorer="reliability", metric="alpha", question=None,
                 segment=seg, n=n, value=value)]


def main():
    src, dst = sys.argv[1], sys.argv[2]
    wave = sys.argv[3] if len(sys.argv) > 3 else "2026-11"
    t1 = time.perf_counter()
    df = pd.read_csv(src, dtype={"segment": "category", "wave": "category"})
    # A response of another wave belongs to another cycle (as in mejora).
    df = df[df["wave"].isna() | (df["wave"] == wave)]
    z = float(stats.norm.ppf(0.5 + 0.5 * LEVEL))
    figs = []
    groups = [("all", df)] + [(str(s), g) for s, g in
                              df.groupby("segment", observed=True)]
    for seg, g in groups:
        figs += nps_figures(seg, g["nps"], z)
        for q in ITEMS:
            figs += csat_figures(seg, q, g[q], z)
        figs += alpha(seg, g)
    t2 = time.perf_counter()
    with open(dst, "w") as f:
        json.dump({"figures": figs, "seconds": t2 - t1,
                   "import_seconds": t1 - t0}, f)


if __name__ == "__main__":
    main()
