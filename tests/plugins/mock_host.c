/*
** Mock host for plugin tests: logging to a buffer, malloc, config pairs.
*/
#include "mock_host.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

/* Test programs are single-threaded and short-lived: one log buffer, one
** refused path prefix. */
static char log_buf[16384];
static const char *refused_prefix;

struct mj_config {
  const char *basedir;
  const char *const *kv;
};

static void mock_log(mj_ctx *ctx, int level, const char *fmt, ...)
{
  (void)ctx;
  size_t used = strlen(log_buf);
  va_list ap;
  va_start(ap, fmt);
  int n = snprintf(log_buf + used, sizeof log_buf - used, "%d ", level);
  if (n > 0 && (size_t)n < sizeof log_buf - used) {
    used += (size_t)n;
    vsnprintf(log_buf + used, sizeof log_buf - used, fmt, ap);
    used = strlen(log_buf);
    if (used + 1 < sizeof log_buf)
      strcat(log_buf, "\n");
  }
  va_end(ap);
}

static char *mock_strdup(const char *s)
{
  return s ? strdup(s) : NULL;
}

static int fill(mj_error *err, int code, const char *file, int line, int col,
                const char *fmt, va_list ap)
{
  if (!err)
    return code;
  err->code = code;
  err->line = line;
  err->col = col;
  snprintf(err->file, sizeof err->file, "%s", file ? file : "");
  int off = 0;
  if (file && *file)
    off = col ? snprintf(err->msg, sizeof err->msg, "%s:%d:%d: ", file, line,
                         col)
              : snprintf(err->msg, sizeof err->msg, "%s:%d: ", file, line);
  if (off < 0 || (size_t)off >= sizeof err->msg)
    off = 0;
  vsnprintf(err->msg + off, sizeof err->msg - (size_t)off, fmt, ap);
  return code;
}

static int mock_error(mj_error *err, int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fill(err, code, NULL, 0, 0, fmt, ap);
  va_end(ap);
  return code;
}

static int mock_error_at(mj_error *err, int code, const char *file, int line,
                         int col, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fill(err, code, file, line, col, fmt, ap);
  va_end(ap);
  return code;
}

static const char *lookup(const mj_config *cfg, const char *key)
{
  for (size_t i = 0; cfg && cfg->kv && cfg->kv[i]; i += 2)
    if (strcmp(cfg->kv[i], key) == 0)
      return cfg->kv[i + 1];
  return NULL;
}

static const char *cfg_str(const mj_config *cfg, const char *key)
{
  return lookup(cfg, key);
}

static int64_t cfg_int(const mj_config *cfg, const char *key, int64_t def)
{
  const char *v = lookup(cfg, key);
  return v ? strtoll(v, NULL, 10) : def;
}

static double cfg_num(const mj_config *cfg, const char *key, double def)
{
  const char *v = lookup(cfg, key);
  return v ? strtod(v, NULL) : def;
}

static int cfg_bool(const mj_config *cfg, const char *key, int def)
{
  const char *v = lookup(cfg, key);
  return v ? strcmp(v, "true") == 0 || strcmp(v, "1") == 0 : def;
}

static const char *cfg_basedir(const mj_config *cfg)
{
  return cfg && cfg->basedir ? cfg->basedir : ".";
}

void mock_path_refuse(const char *prefix)
{
  refused_prefix = prefix;
}

static int mock_path(mj_ctx *ctx, const char *name, unsigned mode,
                     char **out, mj_error *err)
{
  *out = NULL;
  (void)ctx;
  if (mode != MJ_PATH_READ && mode != MJ_PATH_WRITE)
    return mock_error(err, MJ_EINVAL, "mock path: bad mode %u", mode);
  if (refused_prefix &&
      strncmp(name, refused_prefix, strlen(refused_prefix)) == 0)
    return mock_error(err, MJ_EVALIDATE,
                      "'%s' is outside the playbook's folder", name);
  if (!(*out = strdup(name)))
    return mock_error(err, MJ_ENOMEM, "out of memory");
  return MJ_OK;
}

/* Every variable may be read: the allow-list is the engine's to test. */
static int mock_env(mj_ctx *ctx, const char *name, char **out, mj_error *err)
{
  (void)ctx;
  const char *v = getenv(name);
  *out = NULL;
  if (v && !(*out = strdup(v)))
    return mock_error(err, MJ_ENOMEM, "out of memory");
  return MJ_OK;
}

static const mj_host_api host = {
    sizeof(mj_host_api), MJ_PLUGIN_ABI_MAJOR, MJ_PLUGIN_ABI_MINOR,
    mock_log, malloc, realloc, free, mock_strdup, mock_error, mock_error_at,
    cfg_str, cfg_int, cfg_num, cfg_bool, cfg_basedir, mock_path, mock_env,
};

const mj_host_api *mock_host(void)
{
  return &host;
}

const char *mock_log_text(void)
{
  return log_buf;
}

void mock_log_clear(void)
{
  log_buf[0] = '\0';
}

mj_config *mock_config(const char *basedir, const char *const *kv)
{
  mj_config *c = malloc(sizeof *c);
  if (!c)
    bail("out of memory");
  c->basedir = basedir;
  c->kv = kv;
  return c;
}

void mock_config_free(mj_config *cfg)
{
  free(cfg);
}

const void *mock_ops(const mj_plugin_desc *d, mj_plugin_kind kind)
{
  if (!d || d->magic != MJ_PLUGIN_MAGIC ||
      d->abi_major != MJ_PLUGIN_ABI_MAJOR ||
      d->abi_fingerprint != MJ_ABI_FINGERPRINT || d->kind != kind || !d->ops)
    bail("descriptor fails the host's checks");
  return d->ops;
}

mj_cfunc mock_export(const mj_plugin_desc *d, const char *name)
{
  for (const mj_export *x = d->exports; x && x->name; x++)
    if (strcmp(x->name, name) == 0)
      return x->fn;
  return NULL;
}

int mock_collect(void *ud, const mj_figure *f, mj_error *err)
{
  (void)err;
  mock_figs *x = ud;
  if (x->n == MOCK_MAXF)
    bail("more than %d figures", MOCK_MAXF);
  x->f[x->n] = *f;
  snprintf(x->subj[x->n], sizeof x->subj[0], "%s",
           f->subject ? f->subject : "");
  snprintf(x->label[x->n], sizeof x->label[0], "%s", f->label ? f->label : "");
  x->f[x->n].subject = f->subject ? x->subj[x->n] : NULL;
  x->f[x->n].label = f->label ? x->label[x->n] : NULL;
  x->n++;
  return MJ_OK;
}

const mj_figure *mock_fig_find(const mock_figs *x, const char *metric,
                               const char *subject)
{
  for (size_t i = 0; i < x->n; i++)
    if (strcmp(x->f[i].metric, metric) == 0 &&
        (subject ? x->f[i].subject && !strcmp(x->f[i].subject, subject)
                 : !x->f[i].subject))
      return &x->f[i];
  return NULL;
}

const mj_figure *mock_fig(const mock_figs *x, const char *metric,
                          const char *subject)
{
  const mj_figure *f = mock_fig_find(x, metric, subject);
  if (!f)
    bail("no figure %s %s", metric, subject ? subject : "(overall)");
  return f;
}

static int close_to(double a, double b, double rel)
{
  if (isnan(a) || isnan(b))
    return isnan(a) && isnan(b);
  return fabs(a - b) <= rel * fmax(1.0, fmax(fabs(a), fabs(b)));
}

int mock_counts_agree(const mj_scorer_ops *ops, void *inst, const mj_sample *s,
                      double rel)
{
  enum { SPAN = 64 };
  if (s->n == 0 || s->counts)
    return -1;
  double lo = s->values[0], hi = lo;
  for (size_t i = 0; i < s->n; i++) {
    double v = s->values[i];
    if (v != floor(v))
      return -1;
    lo = fmin(lo, v);
    hi = fmax(hi, v);
  }
  if (hi - lo >= SPAN)
    return -1;
  uint64_t counts[SPAN] = {0};
  for (size_t i = 0; i < s->n; i++)
    counts[(size_t)(s->values[i] - lo)]++;
  mj_sample twin = *s;
  twin.counts = counts;
  twin.counts_lo = (int)lo;
  twin.counts_span = (size_t)(hi - lo) + 1;
  /* As the host hands it to a scorer that reads counts alone. */
  if (ops->ops_size >= offsetof(mj_scorer_ops, counts_suffice) +
                          sizeof ops->counts_suffice &&
      ops->counts_suffice)
    twin.values = NULL;
  static mock_figs a, b; /* too big for the stack of a test */
  a.n = b.n = 0;
  mj_error err = {0};
  mj_sample plain = *s;
  if (ops->score(inst, &plain, &(mj_figure_sink){&a, mock_collect}, &err) !=
          MJ_OK ||
      ops->score(inst, &twin, &(mj_figure_sink){&b, mock_collect}, &err) !=
          MJ_OK ||
      a.n != b.n)
    return 0;
  for (size_t i = 0; i < a.n; i++) {
    const mj_figure *x = &a.f[i], *y = &b.f[i];
    if (strcmp(x->metric, y->metric) != 0 || x->n != y->n ||
        !close_to(x->value, y->value, rel) ||
        !close_to(x->ci_low, y->ci_low, rel) ||
        !close_to(x->ci_high, y->ci_high, rel) || !close_to(x->sd, y->sd, rel))
      return 0;
  }
  return 1;
}
