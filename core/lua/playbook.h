/*
** lua: what the layers above use of the Lua host: open and close it, load
** and link a playbook, evaluate its Lua triggers (lua_host.h has the host's
** own internals). It uses plugin/ and below; core/README.md lists the
** layers.
*/
#ifndef MJ_PLAYBOOK_H
#define MJ_PLAYBOOK_H

#include "plugin_host.h"

/* ---- lua_host.c / lua_sandbox.c / lua_dsl.c --------------------------- */

int mj__lua_open(mj_engine *e);
void mj__lua_close(mj_engine *e);
/* Evaluate a playbook in a fresh sandboxed env and build its model, not
** yet linked: the files its `customers` declarations name are listed in
** m->customer_files, not read. On error *out is NULL, e->err says
** "file:line: what". */
int mj__dsl_load(mj_engine *e, const char *name, const char *buf, size_t len,
                 mj_model **out);
/* Link a model mj__dsl_load built from the text buf once its customers
** are read: duplicate ids, references between declarations, the
** declarative `when` rules. On error e->err says "file:line: what" and
** the caller frees m. */
int mj__dsl_link(mj_engine *e, mj_model *m, const char *buf, size_t len);
/* Free a model and the Lua references it holds. NULL: no-op. */
void mj__model_free(mj_engine *e, mj_model *m);

/* ---- lua_trigger.c ---------------------------------------------------- */

/*
** Call plan p's `when` with the cycle's figures. *fired is 1 when it
** returned true. The figures it read are written to *evidence as a JSON
** array (caller frees with free()). A Lua error is returned as
** MJ_ERUNTIME with "file:line: message".
*/
int mj__trigger_eval(mj_engine *e, const mj_plan *p, const mj_figset *fs,
                     int *fired, char **evidence);

#endif
