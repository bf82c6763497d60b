"""Reference values from scipy, statsmodels and numpy for tests/cross/scipy.sh.

Writes seeded random cases into DIR: NN-CMD.in (the numbers mjstats reads
on stdin) and NN-CMD.ref (what the reference libraries compute), one pair
per case. Run with Debian's Python (numpy, scipy, statsmodels).
"""
import os
import sys

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

Z = stats.norm.ppf(0.975)


def fmt(values):
    return " ".join(repr(float(v)) for v in values) + "\n"


def groups(x, y):
    return fmt([len(x), *x, len(y), *y])


def main(out):
    rng = np.random.default_rng(20261123)
    cases = []

    # Welch t: normal samples of unequal size and spread, and Likert data.
    for n1, n2, s1, s2 in [(5, 9, 1.0, 3.0), (30, 18, 2.0, 0.5),
                           (60, 61, 1.0, 1.1)]:
        x = rng.normal(10, s1, n1).round(3)
        y = rng.normal(10.8, s2, n2).round(3)
        r = stats.ttest_ind(x, y, equal_var=False)
        df = (x.var(ddof=1) / n1 + y.var(ddof=1) / n2) ** 2 / (
            (x.var(ddof=1) / n1) ** 2 / (n1 - 1)
            + (y.var(ddof=1) / n2) ** 2 / (n2 - 1))
        cases.append(("welch", groups(x, y), [r.statistic, df, r.pvalue]))
    x = rng.integers(1, 6, 40)
    y = rng.integers(2, 6, 35)
    r = stats.ttest_ind(x, y, equal_var=False)
    df = (x.var(ddof=1) / 40 + y.var(ddof=1) / 35) ** 2 / (
        (x.var(ddof=1) / 40) ** 2 / 39 + (y.var(ddof=1) / 35) ** 2 / 34)
    cases.append(("welch", groups(x, y), [r.statistic, df, r.pvalue]))

    # Mann-Whitney: Likert data full of ties (asymptotic, continuity
    # correction), and small samples without ties ("auto" is then exact).
    for n1, n2, k in [(25, 30, 5), (12, 14, 7), (80, 70, 5)]:
        x = rng.integers(1, k + 1, n1)
        y = rng.integers(2, k + 1, n2)
        r = stats.mannwhitneyu(x, y, method="asymptotic")
        cases.append(("mwu", groups(x, y), [r.statistic, r.pvalue]))
    for n1, n2 in [(6, 7), (4, 12), (8, 8)]:
        x = rng.normal(0, 1, n1).round(6)
        y = rng.normal(0.7, 1, n2).round(6)
        r = stats.mannwhitneyu(x, y, method="auto")
        cases.append(("mwu-auto", groups(x, y), [r.statistic, r.pvalue]))

    # Two-proportion z (pooled).
    for _ in range(4):
        n1, n2 = rng.integers(20, 400, 2)
        x1 = rng.binomial(n1, 0.6)
        x2 = rng.binomial(n2, 0.5)
        z, p = proportions_ztest([x1, x2], [n1, n2])
        cases.append(("prop2", fmt([x1, n1, x2, n2]), [z, p]))

    # Chi-square r x c, no continuity correction.
    for r_, c_ in [(2, 2), (2, 5), (3, 4), (4, 3)]:
        t = rng.poisson(15, (r_, c_)) + 1
        chi2, p, dof, _ = stats.chi2_contingency(t, correction=False)
        cases.append(("chi2", fmt([r_, c_, *t.ravel()]), [chi2, p, dof]))

    # Cronbach's alpha: congeneric items rounded to a 1..7 scale.
    for n, k in [(20, 3), (50, 6), (120, 10)]:
        f = rng.normal(0, 1, (n, 1))
        d = np.clip(np.round(4 + f * rng.uniform(0.5, 1.5, k)
                             + rng.normal(0, 1, (n, k))), 1, 7)
        a = k / (k - 1) * (1 - d.var(axis=0, ddof=1).sum()
                           / d.sum(axis=1).var(ddof=1))
        cases.append(("alpha", fmt([n, k, *d.ravel()]), [a]))

    # Wilson interval.
    for x, n in [(0, 12), (7, 10), (137, 301), (50, 50)]:
        lo, hi = proportion_confint(x, n, alpha=0.05, method="wilson")
        cases.append(("wilson", fmt([x, n]), [lo, hi]))

    # NPS Wald interval from the +1/0/-1 codes (population sd), clipped.
    for n in [11, 80, 500]:
        scores = rng.integers(0, 11, n)
        codes = np.where(scores >= 9, 1, np.where(scores <= 6, -1, 0))
        m, s = codes.mean(), codes.std(ddof=0)
        lo, hi = max(-1.0, m - Z * s / np.sqrt(n)), min(1.0, m + Z * s /
                                                         np.sqrt(n))
        cases.append(("nps", fmt([(codes == 1).sum(), (codes == -1).sum(), n]),
                      [lo, hi]))

    # Mann-Whitney from counts per scale value (how a cycle stores a
    # scale's answers): scipy's default method on the expanded answers.
    for k, n1, n2 in [(5, 40, 55), (7, 300, 260), (11, 2000, 2500),
                      (5, 3, 4)]:
        v = np.arange(1, k + 1)
        c1 = rng.multinomial(n1, rng.dirichlet(np.ones(k)))
        c2 = rng.multinomial(n2, rng.dirichlet(np.ones(k)))
        r = stats.mannwhitneyu(np.repeat(v, c1), np.repeat(v, c2))
        cases.append(("mwu-counts", fmt([k, *c1, k, *c2]),
                      [r.statistic, r.pvalue]))

    for i, (cmd, data, ref) in enumerate(cases):
        base = os.path.join(out, "%02d-%s" % (i, cmd))
        with open(base + ".in", "w") as f:
            f.write(data)
        with open(base + ".ref", "w") as f:
            f.write(fmt(ref))
    print(len(cases))


if __name__ == "__main__":
    main(sys.argv[1])
