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

/* A config from "key", "value" pairs ending with NULL; basedir may be NULL.
** Free with mock_config_free. */
mj_config *mock_config(const char *basedir, const char *const *kv);
void mock_config_free(mj_config *cfg);

/* The descriptor's ops, after checking magic, ABI and kind like the host
** does (bails out of the test otherwise). */
const void *mock_ops(const mj_plugin_desc *d, mj_plugin_kind kind);

/* Find an exported function by name (NULL if absent). */
mj_cfunc mock_export(const mj_plugin_desc *d, const char *name);

#endif
