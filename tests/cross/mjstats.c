/*
** Our statistics on numbers from stdin, printed with 17 digits, for the
** cross-check against scipy/statsmodels (tests/cross/scipy.sh).
**
**   mjstats welch      n1 x1.. n2 x2..      -> t df p
**   mjstats mwu        n1 x1.. n2 x2..      -> U1 p   (asymptotic, cc)
**   mjstats mwu-auto   n1 x1.. n2 x2..      -> U1 p   (scipy's "auto")
**   mjstats mwu-counts k c1.. k c2..        -> U1 p   (counts per ordered
**                                               value, scipy's "auto")
**   mjstats prop2      x1 n1 x2 n2          -> z p    (pooled)
**   mjstats chi2       r c cells..          -> chi2 p df
**   mjstats alpha      n k cells..          -> alpha  (row-major n x k)
**   mjstats wilson     x n                  -> low high   (95%)
**   mjstats nps        prom det n           -> low high   (Wald 95%, -1..1)
**
** Without arguments it is a TAP test of its own input path (it is in
** check_PROGRAMS, so `make check` runs it): doc/methods.md's vectors fed
** through the same commands.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define MAXV 100000

typedef struct input {
  double v[MAXV];
  size_t n, at;
} input;

static int read_all(FILE *f, input *in)
{
  in->n = in->at = 0;
  while (in->n < MAXV && fscanf(f, "%lf", &in->v[in->n]) == 1)
    in->n++;
  return !feof(f) ? -1 : 0;
}

static int take(input *in, double *x)
{
  if (in->at >= in->n)
    return -1;
  *x = in->v[in->at++];
  return 0;
}

/* A count followed by that many values: a pointer into the input. */
static int group(input *in, const double **v, size_t *n)
{
  double k;
  if (take(in, &k) || k < 0 || in->at + (size_t)k > in->n)
    return -1;
  *n = (size_t)k;
  *v = &in->v[in->at];
  in->at += *n;
  return 0;
}

/* Run cmd on the numbers in `in`; results into out[] (count in *nout). */
static int run(const char *cmd, input *in, double *out, size_t *nout)
{
  static double work[2 * MAXV];
  const double *x, *y;
  size_t n1, n2;
  double a, b, c, d;
  *nout = 0;
  if (!strcmp(cmd, "welch") || !strcmp(cmd, "mwu") ||
      !strcmp(cmd, "mwu-auto")) {
    if (group(in, &x, &n1) || group(in, &y, &n2))
      return -1;
    if (cmd[0] == 'w') {
      mj_stats_test t = mj_stats_welch(x, n1, y, n2);
      out[0] = t.stat, out[1] = t.df, out[2] = t.p, *nout = 3;
    } else {
      mj_stats_test t = mj_stats_mann_whitney(
          x, n1, y, n2, cmd[3] ? MJ_STATS_MWU_AUTO : MJ_STATS_MWU_ASYMPTOTIC,
          work);
      out[0] = t.stat, out[1] = t.p, *nout = 2;
    }
  } else if (!strcmp(cmd, "mwu-counts")) {
    if (group(in, &x, &n1) || group(in, &y, &n2) || n1 != n2)
      return -1;
    mj_stats_test t = mj_stats_mann_whitney_counts(x, y, n1, MJ_STATS_MWU_AUTO);
    out[0] = t.stat, out[1] = t.p, *nout = 2;
  } else if (!strcmp(cmd, "prop2")) {
    if (take(in, &a) || take(in, &b) || take(in, &c) || take(in, &d))
      return -1;
    mj_stats_test t = mj_stats_two_proportion(a, b, c, d);
    out[0] = t.stat, out[1] = t.p, *nout = 2;
  } else if (!strcmp(cmd, "chi2") || !strcmp(cmd, "alpha")) {
    if (take(in, &a) || take(in, &b) || a < 1 || b < 1 ||
        in->at + (size_t)a * (size_t)b > in->n)
      return -1;
    size_t r = (size_t)a, k = (size_t)b;
    if (cmd[0] == 'c') {
      mj_stats_chi2 t = mj_stats_chi2_test(&in->v[in->at], r, k);
      out[0] = t.test.stat, out[1] = t.test.p, out[2] = t.test.df, *nout = 3;
    } else {
      out[0] =
          mj_stats_cronbach(&in->v[in->at], r, k, NULL, k, NULL, NULL, NULL);
      *nout = 1;
    }
  } else if (!strcmp(cmd, "wilson")) {
    if (take(in, &a) || take(in, &b))
      return -1;
    mj_stats_ci ci = mj_stats_wilson(a, b, MJ_STATS_Z95);
    out[0] = ci.low, out[1] = ci.high, *nout = 2;
  } else if (!strcmp(cmd, "nps")) {
    if (take(in, &a) || take(in, &b) || take(in, &c) || !(c > 0))
      return -1;
    mj_stats_ci ci = mj_stats_nps_wald(a / c, b / c, c, MJ_STATS_Z95);
    out[0] = ci.low, out[1] = ci.high, *nout = 2;
  } else {
    return -2;
  }
  return 0;
}

/* TAP self-test: doc/methods.md's vectors through the text path. */
static int self_test(void)
{
  static const struct {
    const char *cmd, *in;
    double want;
    size_t at;
  } cases[] = {
      {"welch",
       "10 0.7 -1.6 -0.2 -1.2 -0.1 3.4 3.7 0.8 0.0 2.0 "
       "10 1.9 0.8 1.1 0.1 -0.1 4.4 5.5 1.6 4.6 3.4",
       -1.8608134674868526, 0},
      {"mwu", "5 19 22 16 29 24 4 20 11 17 12", 0.11134688653314041, 1},
      {"mwu-auto", "5 19 22 16 29 24 4 20 11 17 12", 0.1111111111111111, 1},
      {"mwu-counts", "5 0 3 5 3 1 5 0 0 3 5 4", 0.0237275, 1},
      {"prop2", "5 83 12 99", 0.15918129181156992, 1},
      {"chi2", "2 3 10 10 20 20 20 20", 2.7777777777777777, 0},
      {"wilson", "4 5", 0.375535, 0},
      {"nps", "50 20 100", 0.146922, 0},
  };
  size_t n = sizeof cases / sizeof cases[0];
  static input in;
  int fail = 0;
  printf("1..%zu\n", n);
  for (size_t i = 0; i < n; i++) {
    double out[4];
    size_t nout;
    FILE *f = tmpfile();
    if (!f) {
      printf("Bail out! tmpfile failed\n");
      return 1;
    }
    fputs(cases[i].in, f);
    rewind(f);
    int rc = read_all(f, &in);
    fclose(f);
    rc = rc ? rc : run(cases[i].cmd, &in, out, &nout);
    double got = rc == 0 && cases[i].at < nout ? out[cases[i].at] : NAN;
    double tol = 5e-7 * (got > 1 || got < -1 ? (got < 0 ? -got : got) : 1);
    int good = got - cases[i].want <= tol && cases[i].want - got <= tol;
    printf("%sok %zu - %s: %.17g (want %.17g)\n", good ? "" : "not ", i + 1,
           cases[i].cmd, got, cases[i].want);
    fail |= !good;
  }
  return fail;
}

int main(int argc, char **argv)
{
  static input in;
  if (argc < 2)
    return self_test();
  if (read_all(stdin, &in)) {
    fprintf(stderr, "mjstats: stdin: not a list of numbers\n");
    return 2;
  }
  double out[4];
  size_t nout;
  int rc = run(argv[1], &in, out, &nout);
  if (rc == -2) {
    fprintf(stderr, "mjstats: unknown command %s\n", argv[1]);
    return 2;
  }
  if (rc) {
    fprintf(stderr, "mjstats %s: too few numbers on stdin\n", argv[1]);
    return 2;
  }
  for (size_t i = 0; i < nout; i++)
    printf(i ? " %.17g" : "%.17g", out[i]);
  printf("\n");
  return 0;
}
