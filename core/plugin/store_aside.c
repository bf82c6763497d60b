/*
** Store work on a second thread: a job on its own connection to the
** store, while the engine's thread reads through the first.
**
** The job's thread touches only what the job is given (read-only while
** it runs), its own instance (no state shared with the engine's), and
** the host table's allocator and error formatting, which keep no state;
** the instance's log lines wait for the join (mj__instance_away). Nothing
** is shared to be locked: pthread_join orders the job's writes before
** everything the engine's thread does after it.
*/
#include <pthread.h>
#include <stdlib.h>

#include "plugin_host.h"

struct mj_aside {
  mj_engine *e;
  mj_instance *in;
  mj_store_job job;
  void *ud;
  pthread_t thread;
  int rc;
  mj_error err;
};

static void *run(void *arg)
{
  mj_aside *a = arg;
  a->rc = a->job(a->in->ops, a->in->inst, a->ud, &a->err);
  return NULL;
}

mj_aside *mj__aside_start(mj_engine *e, mj_store_job job, void *ud)
{
  mj_aside *a = calloc(1, sizeof *a);
  if (!a)
    return NULL;
  a->e = e;
  a->job = job;
  a->ud = ud;
  a->in = mj__store_again(e);
  if (!a->in) {
    free(a);
    return NULL;
  }
  mj__instance_away(a->in, 1);
  if (pthread_create(&a->thread, NULL, run, a) != 0) {
    mj__instance_away(a->in, 0);
    mj__instance_free(e, a->in);
    free(a);
    return NULL;
  }
  return a;
}

int mj__aside_join(mj_aside *a, mj_error *err)
{
  if (!a)
    return MJ_OK;
  pthread_join(a->thread, NULL);
  mj__instance_away(a->in, 0);
  mj__instance_free(a->e, a->in);
  int rc = a->rc;
  *err = a->err;
  free(a);
  return rc;
}
