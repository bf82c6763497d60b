/*
** Deliberately broken plugins for the loader's tests: one source, one
** variant per module, chosen with -DBROKEN_<WHAT>. Each is refused with
** its own one-line message, and none may crash the host.
*/
#include <stddef.h>

#include "mejora/plugin.h"

#ifndef BROKEN_NOENTRY
/* A scorer that would work, so only the broken part is under test. */
static int sc_create(const mj_host_api *host, mj_ctx *ctx, const mj_config *cfg,
                     void **inst, mj_error *err)
{
  (void)host, (void)ctx, (void)cfg, (void)err;
  *inst = NULL;
  return MJ_OK;
}

static void sc_destroy(void *inst)
{
  (void)inst;
}

static int sc_score(void *inst, const mj_sample *s, const mj_figure_sink *out,
                    mj_error *err)
{
  (void)inst, (void)s, (void)out, (void)err;
  return MJ_OK;
}

static const char *const qtypes[] = {"nps", NULL};

/* Unused by the variant whose descriptor names a notifier. */
__attribute__((unused)) static const mj_scorer_ops scorer_ops = {
    .ops_size = sizeof(mj_scorer_ops),
    .qtypes = qtypes,
    .create = sc_create,
    .destroy = sc_destroy,
    .score = sc_score,
};
#endif

#if defined(BROKEN_NOENTRY)
/* A shared object with functions but no mj_plugin_entry. */
int mj_plugin_nothing_here(void);
int mj_plugin_nothing_here(void)
{
  return 42;
}

#elif defined(BROKEN_ABI2)
/* Built, as it were, against a future incompatible plugin.h. */
static const mj_plugin_desc desc = {
    MJ_PLUGIN_MAGIC,
    2,
    0,
    (uint32_t)sizeof(mj_plugin_desc),
    MJ_ABI_FINGERPRINT,
    "abi2",
    "1.0",
    "from the future",
    "MIT",
    MJ_KIND_SCORER,
    NULL,
    NULL,
    NULL,
    &scorer_ops,
    NULL,
};
MJ_PLUGIN_DEFINE(abi2, desc)

#elif defined(BROKEN_MAGIC)
static const mj_plugin_desc desc = {
    0xdeadbeefu,
    MJ_PLUGIN_ABI_MAJOR,
    MJ_PLUGIN_ABI_MINOR,
    (uint32_t)sizeof(mj_plugin_desc),
    MJ_ABI_FINGERPRINT,
    "badmagic",
    "1.0",
    "wrong magic",
    "MIT",
    MJ_KIND_SCORER,
    NULL,
    NULL,
    NULL,
    &scorer_ops,
    NULL,
};
MJ_PLUGIN_DEFINE(badmagic, desc)

#elif defined(BROKEN_KIND)
/* A notifier in a file named like a scorer. */
static int nt_notify(void *inst, const mj_event *ev, mj_error *err)
{
  (void)inst, (void)ev, (void)err;
  return MJ_OK;
}
static const mj_notifier_ops notifier_ops = {
    sizeof(mj_notifier_ops),
    sc_create,
    sc_destroy,
    nt_notify,
};
static const mj_plugin_desc desc = {
    MJ_PLUGIN_HEADER,
    "wrongkind",
    "1.0",
    "a notifier",
    "MIT",
    MJ_KIND_NOTIFIER,
    NULL,
    NULL,
    NULL,
    &notifier_ops,
    NULL,
};
MJ_PLUGIN_DEFINE(wrongkind, desc)

#elif defined(BROKEN_INIT)
static int fail_load(const mj_host_api *host, mj_error *err)
{
  return host->error(err, MJ_EPLUGIN, "licence server unreachable");
}
static const mj_plugin_desc desc = {
    MJ_PLUGIN_HEADER,
    "initfail",
    "1.0",
    "init fails",
    "MIT",
    MJ_KIND_SCORER,
    NULL,
    fail_load,
    NULL,
    &scorer_ops,
    NULL,
};
MJ_PLUGIN_DEFINE(initfail, desc)

#elif defined(BROKEN_SIG)
/* A struct by value is outside the FFI whitelist. */
struct pt {
  double x, y;
};
static struct pt flip(struct pt a)
{
  struct pt r = {a.y, a.x};
  return r;
}
static const mj_export exports[] = {
    MJ_EXPORT(flip, struct pt, (struct pt a)),
    {NULL, NULL, NULL, 0},
};
static const mj_plugin_desc desc = {
    MJ_PLUGIN_HEADER,
    "badsig",
    "1.0",
    "exports a struct",
    "MIT",
    MJ_KIND_SCORER,
    NULL,
    NULL,
    NULL,
    &scorer_ops,
    exports,
};
MJ_PLUGIN_DEFINE(badsig, desc)

#elif defined(BROKEN_NAME)
/* Declares a name other than its file's. */
static const mj_plugin_desc desc = {
    MJ_PLUGIN_HEADER,
    "other",
    "1.0",
    "misnamed",
    "MIT",
    MJ_KIND_SCORER,
    NULL,
    NULL,
    NULL,
    &scorer_ops,
    NULL,
};
MJ_PLUGIN_DEFINE(misnamed, desc)

#elif defined(BROKEN_OPTS)
/* An option whose default is not of its type. */
static const mj_option options[] = {
    {"count", MJ_OPT_INT, "many", 0, "how many"},
    {NULL, 0, NULL, 0, NULL},
};
static const mj_plugin_desc desc = {
    MJ_PLUGIN_HEADER,
    "badopts",
    "1.0",
    "bad option default",
    "MIT",
    MJ_KIND_SCORER,
    options,
    NULL,
    NULL,
    &scorer_ops,
    NULL,
};
MJ_PLUGIN_DEFINE(badopts, desc)

#elif defined(BROKEN_HALFSTREAM)
/* Streams rows in but has nothing to close the stream with. */
static int hs_open(void *inst, const mj_column *cols, size_t n_cols,
                   void **state, mj_error *err)
{
  (void)inst, (void)cols, (void)n_cols, (void)err;
  *state = NULL;
  return MJ_OK;
}
static int hs_rows(void *inst, void *state, const mj_matrix *chunk,
                   mj_error *err)
{
  (void)inst, (void)state, (void)chunk, (void)err;
  return MJ_OK;
}
static const mj_scorer_ops half_ops = {
    .ops_size = sizeof(mj_scorer_ops),
    .qtypes = qtypes,
    .create = sc_create,
    .destroy = sc_destroy,
    .score = sc_score,
    .stream_open = hs_open,
    .stream_rows = hs_rows,
};
static const mj_plugin_desc desc = {
    MJ_PLUGIN_HEADER,
    "halfstream",
    "1.0",
    "stream without close",
    "MIT",
    MJ_KIND_SCORER,
    NULL,
    NULL,
    NULL,
    &half_ops,
    NULL,
};
MJ_PLUGIN_DEFINE(halfstream, desc)

#else
#error "define one BROKEN_* variant"
#endif
