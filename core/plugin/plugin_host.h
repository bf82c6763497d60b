/*
** plugin: finding, checking and loading plugins, their instances, the
** store, and the libffi bridge that lets Lua call their exports. It uses
** model/ and below; core/README.md lists the layers.
*/
#ifndef MJ_PLUGIN_HOST_H
#define MJ_PLUGIN_HOST_H

#include "model.h"

/* ---- plugin_host.c ---------------------------------------------------- */

int mj__plugin_registry_new(mj_engine *e);
void mj__plugin_registry_free(mj_engine *e);
/* Discover (once) and return the plugin of that kind and name. On failure
** e->err says what was searched and what exists. */
int mj__plugin_find(mj_engine *e, mj_plugin_kind kind, const char *name,
                    const mj_plugin **out);
/* Is there a scorer plugin called name (an mj_scorer_known_fn for
** mj__metric_check, engine the mj_engine)? Leaves no error behind. */
int mj__plugin_scorer_known(void *engine, const char *name);
/* Any kind, by name (for mejora.plugin("NAME")). */
int mj__plugin_find_any(mj_engine *e, const char *name,
                        const mj_plugin **out);
const mj_plugin_desc *mj__plugin_desc(const mj_plugin *p);
const char *mj__plugin_path(const mj_plugin *p);
const char *mj__plugin_kind_name(mj_plugin_kind kind);
/* Validate options against the plugin's schema (use may be NULL for no
** options) and create an instance. Storage instances are created with
** ops->open(uri), others with ops->create(cfg). The files the instance
** opens through host->path must stay in the folder jail (NULL: any). */
int mj__instance_new(mj_engine *e, const mj_plugin *p, const mj_use *use,
                     const char *uri, const char *jail, mj_instance **out);
void mj__instance_free(mj_engine *e, mj_instance *in);
/* Another storage instance of in's plugin, opened on uri with in's
** folder (a second connection to the same store). */
int mj__instance_again(mj_engine *e, const mj_instance *in, const char *uri,
                       mj_instance **out);
/* away 1: in is about to be used on another thread, which holds its log
** lines; away 0: it is back (that thread joined), and the held lines go
** to the engine's log in order. */
void mj__instance_away(mj_instance *in, int away);
/* The host table handed to plugins. */
const mj_host_api *mj__plugin_host_api(void);
/* Read a source through a collector plugin ("csv") into sink; a source
** a playbook named must be in the folder jail (NULL: the operator's).
** delimiter, when not NULL, is the field separator the caller was told
** (else the playbook's `use "collector.csv"` says, else a comma). */
int mj__plugin_collect(mj_engine *e, const char *collector, const char *source,
                       const char *jail, const char *delimiter,
                       const mj_sink *sink);

/* ---- store.c ---------------------------------------------------------- */

/* Open the store if not yet open (mj_store_open(e, NULL)). */
int mj__store_ensure(mj_engine *e);
/* Storage ops of the open store (after mj__store_ensure). */
#define MJ_STORE_OPS(e) ((const mj_storage_ops *)(e)->store->ops)
/* Is there a storage plugin for the store mj__store_ensure would open?
** Opens nothing; an error names the playbook's `store` line. */
int mj__store_check(mj_engine *e);
/* A second instance of the open store, or NULL (e->err as it was) when
** its plugin cannot share it (shareable) or the open fails. */
mj_instance *mj__store_again(mj_engine *e);

/* ---- store_aside.c ---------------------------------------------------- */

/* Work on a store instance: its ops, its instance, the caller's data. */
typedef int (*mj_store_job)(const mj_storage_ops *S, void *inst, void *ud,
                            mj_error *err);
typedef struct mj_aside mj_aside;
/*
** Run job on a second connection to the open store, on a second thread,
** while the engine's thread goes on with the first. NULL (e->err as it
** was) when that cannot be: a store that cannot be shared (its ops'
** shareable), a second open that fails, no memory, no thread; the caller
** then runs job itself.
*/
mj_aside *mj__aside_start(mj_engine *e, mj_store_job job, void *ud);
/* Wait for the job, close its connection, free a: the job's code, with
** *err as the job filled it. a NULL: MJ_OK. */
int mj__aside_join(mj_aside *a, mj_error *err);

/* ---- store_customers.c ------------------------------------------------ */

/* Put the model's customers in the transaction open on inst. */
int mj__customers_put(const mj_storage_ops *S, void *inst, const mj_model *m,
                      mj_error *err);
/* The same in a transaction of its own; an mj_store_job whose ud is the
** model. */
int mj__customers_job(const mj_storage_ops *S, void *inst, void *ud,
                      mj_error *err);
/*
** The same a few at a time, for a writer that has other work of the
** same transaction to interleave (put_customers_some; a store without it
** takes them all in the first step). Begin (MJ_ENOMEM), then step while
** *more, then end, which frees what begin took; a failed step is the
** last.
*/
typedef struct mj_customer_pass mj_customer_pass;
typedef struct mj_customers_put {
  const mj_storage_ops *S;
  void *inst;
  const mj_model *m;
  mj_customer_pass *pass;
  size_t next;
  int done;
} mj_customers_put;
int mj__customers_begin(mj_customers_put *cp, const mj_storage_ops *S,
                        void *inst, const mj_model *m);
int mj__customers_step(mj_customers_put *cp, int *more, mj_error *err);
void mj__customers_end(mj_customers_put *cp);

/* Whether the storage ops S, built with some version of mj_storage_ops,
** have the optional operation op. */
#define MJ__HAS_OP(S, op)                                                    \
  ((S)->ops_size >= offsetof(mj_storage_ops, op) + sizeof (S)->op &&         \
   (S)->op != NULL)

/* Begin a transaction that adds many responses: the store's begin_bulk,
** else its begin. */
#define MJ__BEGIN_BULK(S, inst, err)                                         \
  (MJ__HAS_OP(S, begin_bulk) ? (S)->begin_bulk(inst, err)                    \
                             : (S)->begin(inst, err))

/* ---- outbox_queue.c --------------------------------------------------- */

/* Whether the open store keeps an outbox (the ABI 1.3 operations). */
int mj__outbox_ready(mj_engine *e);
/* Queue event number index of cycle for notifier, inside the caller's
** transaction, under a key made from all of them. */
int mj__outbox_put(mj_engine *e, int64_t cycle, size_t index,
                   const char *notifier, const mj_event *ev, mj_error *err);
/* Whether the store can also tell a message it has (ABI 1.4), so that
** an event meant to go once is queued once. */
int mj__outbox_once(mj_engine *e);
/*
** Queue ev inside the caller's transaction for the notifiers named in to
** (n_to of them; none: every notifier the playbook uses), when the store
** keeps an outbox. With ident (the event's identity, such as
** "complaint.overdue/C7"), each message's key comes from ident and the
** notifier alone, and a notifier that has one under that key already
** gets none: the event goes once, and nothing is queued on a store
** without outbox_has. *queued (may be NULL) counts what was queued.
*/
int mj__outbox_queue(mj_engine *e, int64_t cycle, const char *const *to,
                     size_t n_to, const char *ident, const mj_event *ev,
                     size_t *queued, mj_error *err);
/* *pending 1 when a notifier the playbook uses has no message under
** ident yet (mj__outbox_queue would queue one); a store error is set. */
int mj__outbox_unqueued(mj_engine *e, const char *ident, int *pending);

/* ---- instances.c ------------------------------------------------------ */

/* Instances for the model's `use` declarations (and defaults), made on
** first need; find one by kind and instance name. */
int mj__instances_ensure(mj_engine *e);
mj_instance *mj__instance_by_name(mj_engine *e, mj_plugin_kind kind,
                                  const char *name);
/* Destroy the instances made after the first n. */
void mj__instances_keep(mj_engine *e, size_t n);
/* Destroy them all (a new playbook, the engine's end). */
void mj__instances_free(mj_engine *e);

/* ---- plugin_ffi.c ----------------------------------------------------- */

/* Push mejora.plugin(name)'s table of exported functions (Lua side). */
int mj__ffi_push_plugin(lua_State *L, mj_engine *e, const char *name);

#endif
