/*
** A mock host table, so a plugin is tested without an engine
** (collectd's plugin_mock.c).
*/
#ifndef MJ_MOCK_HOST_H
#define MJ_MOCK_HOST_H

#include "mejora/plugin.h"

/* The host table; log lines are collected into mock_log_text(). */
const mj_host_api *mock_host(void);
/* Lines logged so far, '\n'-separated ("" if none). */
const char *mock_log_text(void);
void mock_log_clear(void);

/* host->path refuses every name starting with prefix (NULL: none) with
** MJ_EVALIDATE, as the host does for a file outside an untrusted
** playbook's folder; other names are given back unchanged. */
void mock_path_refuse(const char *prefix);

/* A config from "key", "value" pairs ending with NULL; basedir may be NULL.
** Free with mock_config_free. */
mj_config *mock_config(const char *basedir, const char *const *kv);
void mock_config_free(mj_config *cfg);

/* The descriptor's ops, after checking magic, ABI and kind like the host
** does (bails out of the test otherwise). */
const void *mock_ops(const mj_plugin_desc *d, mj_plugin_kind kind);

/* What a scorer emitted, each figure's subject and label copied (they
** are borrowed for the emit call only). */
enum { MOCK_MAXF = 128 };
typedef struct mock_figs {
  mj_figure f[MOCK_MAXF];
  char subj[MOCK_MAXF][64], label[MOCK_MAXF][32];
  size_t n;
} mock_figs;

/* An mj_figure_sink emit function collecting into a mock_figs (ud);
** bails past MOCK_MAXF figures. */
int mock_collect(void *ud, const mj_figure *f, mj_error *err);
/* The figure of metric about subject (NULL: the overall one), or NULL. */
const mj_figure *mock_fig_find(const mock_figs *x, const char *metric,
                               const char *subject);
/* The same, bailing out of the test when there is none. */
const mj_figure *mock_fig(const mock_figs *x, const char *metric,
                          const char *subject);

/* Score s with a scorer's score op twice: as values, then as the counts
** of those values (mj_sample.counts). 1 when both emit the same figures
** (metric and n equal; value, interval and sd within rel), 0 when not,
** -1 when s has no integer values over at most 64 points to count. The
** counted twin has values NULL when the scorer sets counts_suffice, as
** the host hands it over. */
int mock_counts_agree(const mj_scorer_ops *ops, void *inst, const mj_sample *s,
                      double rel);

/* Find an exported function by name (NULL if absent). */
mj_cfunc mock_export(const mj_plugin_desc *d, const char *name);

#endif
