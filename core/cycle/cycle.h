/*
** cycle: a cycle's run: its checks, the answers as tables for the
** scorers, the change since the previous cycle, the stored runs, and the
** plans it opens, verifies and closes. It uses service/, lua/ and below;
** core/README.md lists the layers.
*/
#ifndef MJ_CYCLE_H
#define MJ_CYCLE_H

#include "playbook.h"
#include "service.h"

/* ---- check.c ---------------------------------------------------------- */

/*
** What mj_cycle_run refuses before it starts, without writing: the store's
** plugin, the `use` instances (options included), and cycle d's import
** files, scorers and notifiers (d NULL: none). The instances it makes are
** the ones the run uses.
*/
int mj__cycle_check(mj_engine *e, const mj_cycle_decl *d);

/* ---- matrix.c ----------------------------------------------------------- */

/* One questionnaire's answers as a response x question table (numeric
** questions only), for scorers with score_matrix. */
typedef struct mj_qmatrix mj_qmatrix;
typedef int (*mj_qmatrix_fn)(void *ud, const char *segment,
                             const mj_matrix *m);
int mj__qmatrix_new(const mj_questionnaire *qn, mj_qmatrix **out);
/* Room for about rows rows at once (speed only: the table still grows). */
void mj__qmatrix_expect(mj_qmatrix *m, size_t rows);
/* Add one answer of question index `question`; rows must come in response
** order (a new response id starts a new row). */
int mj__qmatrix_add(mj_qmatrix *m, size_t question, const mj_answer_row *row);
/* The same from a whole response, n of its answers at a time: answer k
** is of question index question[k] (SIZE_MAX: leave it out). *started is
** 0 before the response's first answer (which starts its row, in that
** segment and that "channel:NAME" group, either NULL for none) and set by
** the call. */
int mj__qmatrix_add_answers(mj_qmatrix *m, const mj_answer_rec *a,
                            const size_t *question, size_t n,
                            const char *segment, const char *channel,
                            int *started);
/* Call fn with the whole table as segment "all", then with each
** segment's rows, then with each channel group's. */
int mj__qmatrix_each_segment(const mj_qmatrix *m, mj_qmatrix_fn fn, void *ud);
/* The same in chunks of at most MJ_QMATRIX_CHUNK rows, for scorers that
** stream: open (1: skip this segment), rows per chunk, then close with
** the outcome so far, whose return is the segment's. */
enum { MJ_QMATRIX_CHUNK = 4096 };
typedef struct mj_qmatrix_stream {
  void *ud;
  int (*open)(void *ud, const char *segment, size_t n_rows);
  int (*rows)(void *ud, const mj_matrix *chunk);
  int (*close)(void *ud, int rc);
} mj_qmatrix_stream;
int mj__qmatrix_stream(const mj_qmatrix *m, const mj_qmatrix_stream *st);
/* The rows the table holds now. */
size_t mj__qmatrix_rows(const mj_qmatrix *m);
/*
** The rows complete so far, taken out of a table as it keeps them so that
** another thread may make them doubles (mj__qrows_drain) while the scan
** goes on: all rows when last_too is set, else all but the last, which
** may still get answers. A scan that drains as it goes keeps the table
** small. What the drain reads of the table does not change during a scan.
*/
typedef struct mj_qrows mj_qrows;
int mj__qrows_new(mj_qrows **out);
void mj__qrows_free(mj_qrows *r);
int mj__qmatrix_take(mj_qmatrix *m, int last_too, mj_qrows *r);
/* Hand r's rows to fn as one table of doubles, in order, with each row's
** segment number (UINT32_MAX for a row without one) and channel number
** (chan NULL while no row has a channel, UINT32_MAX for a row without
** one), and empty r. */
typedef int (*mj_qmatrix_rows_fn)(void *ud, const mj_matrix *rows,
                                  const uint32_t *seg, const uint32_t *chan);
int mj__qrows_drain(const mj_qmatrix *m, mj_qrows *r, mj_qmatrix_rows_fn fn,
                    void *ud);
/* The name of segment number seg ("" for none) and of channel number
** chan ("channel:NAME"), as mj__qrows_drain numbers them. */
const char *mj__qmatrix_segment(const mj_qmatrix *m, size_t seg);
const char *mj__qmatrix_channel(const mj_qmatrix *m, size_t chan);
const mj_questionnaire *mj__qmatrix_questionnaire(const mj_qmatrix *m);
const mj_column *mj__qmatrix_columns(const mj_qmatrix *m, size_t *n);
void mj__qmatrix_free(mj_qmatrix *m);

/* ---- live_rows.c -------------------------------------------------------- */

/* One questionnaire's rows streamed to the scorers with stream_open
** while the scan reads them, instead of kept in an mj_qmatrix until its
** end: per group ("all", each segment, each "channel:NAME") in chunks of
** at most MJ_QMATRIX_CHUNK rows, the chunks the whole table would give. */
typedef struct mj_qlive mj_qlive;
/* For those of the n scorers that have stream_open. With threaded set
** and every such scorer's leave (stream_any_thread), the groups and the
** scorers get the rows on a second thread while the scan goes on; the
** figures are the same. *out is set, to free, even on MJ_ENOMEM. */
int mj__qlive_new(const mj_questionnaire *qn, mj_instance *const *scorers,
                  size_t n, int threaded, mj_qlive **out);
/* The table the scan adds its answers to (mj__qmatrix_add,
** mj__qmatrix_add_answers), which mj__qlive_pump keeps small. */
mj_qmatrix *mj__qlive_table(mj_qlive *l);
/* After each add: the complete rows on to their groups once there are a
** chunk's worth. MJ_ENOMEM or MJ_OK: a scorer's failure is kept for
** mj__qlive_close. */
int mj__qlive_pump(mj_qlive *l);
/* After the scan: every row on, and each group's last chunk handed over. */
int mj__qlive_finish(mj_qlive *l);
/* Scorer in's state of each group, "all" first, then the segments and
** the channel groups in order of first appearance, handed to fn to
** close: rc and err say how the state fared (rc not MJ_OK: it failed
** during the scan, err says why, and state is NULL, already freed). Stops
** at the first return that is not MJ_OK, which it returns. */
typedef int (*mj_qlive_close_fn)(void *ud, const char *segment, void *state,
                                 int rc, const mj_error *err);
int mj__qlive_close(mj_qlive *l, const mj_instance *in, mj_qlive_close_fn fn,
                    void *ud);
/* Frees l, closing without figures the states not closed yet. */
void mj__qlive_free(mj_qlive *l);

/* ---- cycle_runs.c ------------------------------------------------------- */

/* What the store holds of cycle name's runs (mj__cycle_runs). */
typedef struct mj_cycle_runs {
  int known;           /* 0: the store cannot list cycles (all else 0) */
  int64_t done;        /* its newest finished run, or 0 */
  int64_t finished_at; /* when that one finished */
  int64_t failed;      /* its newest failed run, or 0 */
  int64_t previous;    /* the newest finished run of the nearest cycle
                       ** declared before it, or 0 */
} mj_cycle_runs;
int mj__cycle_runs(mj_engine *e, const char *name, mj_cycle_runs *out);
/* Does stored cycle id come after stored cycle other: in playbook order
** when the playbook declares both, else in the order they were opened. */
int mj__cycle_after(mj_engine *e, int64_t id, int64_t other);

/* ---- compare.c ---------------------------------------------------------- */

/*
** The scorer name of the answer distributions a cycle stores for every
** scale question (kind MJ_Q_SCALE: scaleN, ces) and requirement on one,
** per segment: metric "count", label the scale value ("1".."5"), value
** the answers with that value, n the bucket's n. Not for NPS (its change
** is tested on the promoter/detractor shares) nor below the cycle's
** min_n. They let the next cycle test a mean with Mann-Whitney U.
*/
#define MJ__DIST_SCORER "distribution"

/*
** p-value of the change from `before` (a figure of fs_before) to `after`
** (of fs_after) with test "welch-t", "mann-whitney-u" (from both cycles'
** MJ__DIST_SCORER counts), "two-proportion-z", "nps-wald-z" (also "welch",
** "mann-whitney", "two-proportion", "nps") or NULL/"auto" (chosen by the
** metric: a "mean" gets Mann-Whitney when both distributions are there,
** else Welch). *test_used is a static string. MJ_ENOTFOUND when the
** figures do not allow the test (n too small, no sd, no promoter/detractor
** shares, no distribution or one whose counts do not add up to n).
*/
int mj__compare_test(const char *test, const mj_figset *fs_before,
                     const mj_result_rec *before, const mj_figset *fs_after,
                     const mj_result_rec *after, double *p,
                     const char **test_used);
/* Fill delta, test and p_change of every figure in now that has a match
** in before (the previous cycle). */
void mj__figset_compare(mj_figset *now, const mj_figset *before);
/* A test's name as people write it ("two-proportion z" for
** "two-proportion-z"); an unknown one as it is. */
const char *mj__test_name(const char *test);
/* A p-value with the digits that matter into buf: 0.031, 6.6e-06. */
const char *mj__fmt_p(char *buf, size_t n, double p);

/* ---- shares.c ------------------------------------------------------------ */

/*
** The scorer name of the shares of yes/no, choice and multi answers the
** cycle counts itself: per question and segment, metric "share_CODE"
** (yes/no: share_yes, share_no; "other" for other:TEXT) is the percentage
** of the n people who answered that chose (multi: ticked) the option,
** with its 95% Wilson interval. Below the cycle's min_n a share is kept
** with its n, without a value.
*/
#define MJ__SHARE_SCORER "share"

/* A questionnaire's counts of those answers; *out NULL when it has no
** such question. */
typedef struct mj_tally mj_tally;
int mj__tally_new(const mj_questionnaire *qn, mj_tally **out);
/* Does question index `question` have counts (t may be NULL)? */
int mj__tally_has(const mj_tally *t, size_t question);
/* Count one answer of question index `question` in segment (a string that
** outlives the tally: "all", a segment, "channel:NAME"). */
int mj__tally_add(mj_tally *t, size_t question, const char *segment,
                  const mj_answer_rec *a);
/* Add the shares as figures of cycle to out (t may be NULL). */
int mj__tally_figures(const mj_tally *t, int64_t cycle, int64_t min_n,
                      mj_figset *out);
void mj__tally_free(mj_tally *t);

/* ---- plans.c ------------------------------------------------------------ */

/* Where the review's events go when the store keeps no outbox (the
** cycle's notifications, delivered at once). */
typedef int (*mj_plan_event_fn)(void *ud, const char *kind, int severity,
                                 const char *subject, const char *message,
                                 const mj_meta *meta, size_t n_meta);
/*
** Review the open plans at cycle d (NULL: the default one): verify each
** whose actions are all done (closed when effective, escalated when not),
** flag the overdue ones once. Plans it closes are not reopened by this
** cycle's triggers. Each event is queued in the outbox with the plan's
** change (mj__plan_save), or handed to emit on a store without one.
*/
int mj__plans_review(mj_engine *e, int64_t cycle, const mj_cycle_decl *d,
                     const mj_figset *figs, mj_plan_event_fn emit, void *ud);
/*
** What time alone brings about for the open plans, outside a cycle (by
** `mejora deliver` and `run`): each open action's owner told once when
** it falls due within the plan's due_soon days, and an overdue plan
** flagged once. Queued in the outbox with the plan event that records it.
*/
int mj__plans_timed(mj_engine *e);
/* A plan event's message: the event, the notifiers it is for (to, n_to;
** none: every notifier the playbook uses). */
typedef struct mj_plan_msg {
  const mj_event *ev;
  const char *const *to;
  size_t n_to;
} mj_plan_msg;
/*
** Store plan p (opened or changed) and one event of it, kind with note
** at cycle (0: none) and p->updated_at, with msg queued in the outbox
** (msg NULL or a store without one: none), in one transaction: the change
** and its message are stored together or not at all. A store error is
** MJ_ESTORE, its message after context ("saving plan: ").
*/
int mj__plan_save(mj_engine *e, const mj_plan_rec *p, int64_t cycle,
                  const char *kind, const char *note, const mj_plan_msg *msg,
                  const char *context);
/* May closed plan id open again on cycle's evidence? Only when that
** cycle comes after (mj__cycle_after) every cycle in the plan's history:
** never on evidence as old as, or older than, what opened or closed it. */
int mj__plan_may_reopen(mj_engine *e, const char *id, int64_t cycle);

/* ---- thanks.c ------------------------------------------------------------ */

/*
** Each `thanks` declaration's list of the day, once a day (its key from
** the date): the newest promoters within promoters_within who consent,
** are still customers and were not thanked within not_within, newest
** answer first, ties by customer id; queued to its owner with the
** customers recorded as thanked, in one transaction.
*/
int mj__thanks_daily(mj_engine *e);

/* ---- outbox.c ----------------------------------------------------------- */

/*
** The delivery policy: a message not delivered for now is tried again
** after BASE seconds, doubling each time up to CAP, and parked as failed
** at its MAX_ATTEMPTS-th try; a claim older than LEASE seconds belongs to
** a delivery that died (killed, the machine lost) and is taken over.
*/
enum {
  MJ_OUTBOX_BACKOFF_BASE = 60,
  MJ_OUTBOX_BACKOFF_CAP = 6 * 3600,
  MJ_OUTBOX_MAX_ATTEMPTS = 8,
  MJ_OUTBOX_LEASE = 600
};
/* Seconds to wait after the attempts-th failed try (1: the first). */
int64_t mj__outbox_backoff(int attempts);
/* Deliver every due message (mj_deliver on an open store), after
** queueing what time alone brings about: actions due soon, plans and
** complaints overdue, the day's thanks. */
int mj__outbox_deliver(mj_engine *e, mj_outbox_counts *n);

/* ---- contact.c ---------------------------------------------------------- */

/* Whether the open store keeps unsubscribes (the ABI 1.4 operations). */
int mj__respect_ready(mj_engine *e);
/* One delivery's look at each message before it is sent, with the time
** zones it read so far. */
typedef struct mj_respect {
  mj_engine *e;
  int64_t now;
  int ready;           /* mj__respect_ready */
  struct {
    const char *name;  /* the model's string */
    mj_tz *tz;
  } zones[16];
  size_t n_zones;
  /* The verdict on the last message checked: */
  int cancelled;       /* never to be sent: reason says why */
  int64_t until;       /* not before then (quiet hours, the cap) */
  char reason[256];
} mj_respect;
void mj__respect_init(mj_respect *r, mj_engine *e, int64_t now);
/* Look at ev before it is sent: the verdict in r (neither cancelled nor
** until: send it). MJ_OK, or a store error, set. */
int mj__respect_check(mj_respect *r, const mj_event *ev);
void mj__respect_free(mj_respect *r);
/* ---- cases.c ------------------------------------------------------------ */

/*
** Escalate every open case past its due time and not escalated yet: mark
** it escalated and queue its "case.escalated" message in one
** transaction, so a case is escalated once whatever runs at the same
** time. *escalated counts them. Nothing with a store without cases.
*/
int mj__cases_escalate(mj_engine *e, size_t *escalated);
/*
** The case figures of cycle (declared as d, whose period bounds
** "opened"; NULL: every case) into figs and the store: scorer "cases",
** metrics opened, open, closed_in_time, closed_late and overdue, per
** alert (questionnaire "alert", question the alert's id) and for all
** alerts (no questionnaire), counted at the engine's clock.
*/
int mj__cases_figures(mj_engine *e, int64_t cycle, const mj_cycle_decl *d,
                      mj_figset *figs);
/* The report's section of those figures (nothing when there are none). */
void mj__cases_section(FILE *f, const mj_figset *fs, const mj_model *m,
                       int md);

/* ---- opentext.c --------------------------------------------------------- */

/* An open-text answer a report shows. */
typedef struct mj_comment {
  char *text;
  char *response;
  int64_t submitted_at;
  uint64_t seq;          /* scan order: the later wins a tie */
  double low;            /* the response's lowest score, 0..1, or 2 */
  const struct mj_comment_q *from;
} mj_comment;

/* How many answers "matter most" keeps. */
#define MJ_COMMENTS_MOST 3

typedef struct mj_comment_q {
  const mj_questionnaire *qn;
  const mj_question *q;
  uint64_t count;        /* non-empty answers */
  mj_comment *latest;    /* newest first, at most `keep` */
  size_t n;
} mj_comment_q;

/* The open-text answers of a cycle. */
typedef struct mj_comments {
  mj_comment_q *qs;
  size_t n_qs;
  size_t keep;
  mj_comment most[MJ_COMMENTS_MOST]; /* lowest score first, then newest */
  size_t n_most;
} mj_comments;

/* Count x, an answer of cq, and keep it if it is among the `keep` newest
** so far; its strings are copied. MJ_ENOMEM or MJ_OK. */
int mj__comments_offer(mj_comment_q *cq, size_t keep, mj_comment x);
/* Keep x if it is among the MJ_COMMENTS_MOST gravest so far: the lowest
** score first, the newest first among equals, the later in scan order
** first among those. */
int mj__comments_offer_most(mj_comments *c, mj_comment x);
void mj__comments_free(mj_comments *c);
/* An empty set for every text question of m, in playbook order, each
** keeping the `keep` newest; *out is set, to free, even on MJ_ENOMEM. */
int mj__comments_new(const mj_model *m, size_t keep, mj_comments **out);
/* Answer a to question q on q's own range, 0 the worst and 1 the best,
** when it is an NPS or scale rating; 2 otherwise (q NULL included), so an
** answer with no rating beside it ranks after every rated one. */
double mj__comments_score(const mj_question *q, const mj_answer_rec *a);
/* Per question of qn (by index), its slot in c when it is a text
** question, else NULL: an array to free, or NULL when out of memory. */
mj_comment_q **mj__comments_index(mj_comments *c, const mj_questionnaire *qn);
/* How many of the newest answers a report of cycle `cycle` (by name)
** shows per text question: the cycle's `comments`, 5 when the playbook
** does not declare it. */
size_t mj__comments_keep(const mj_model *m, const char *cycle);
/* The index of the question of qn answer k of a response names (id),
** SIZE_MAX when qn has none of that id. */
typedef size_t (*mj_comments_resolve)(void *ud, size_t k, const char *id);
/* Response r's non-empty answers to text questions of qn into c: text
** (mj__comments_index) gives each question's slot, resolve each answer's
** question, seq is r's place in the scan. MJ_ENOMEM or MJ_OK. */
int mj__comments_take(mj_comments *c, mj_comment_q *const *text,
                      const mj_questionnaire *qn, const mj_response_rec *r,
                      uint64_t seq, mj_comments_resolve resolve, void *ud);

#endif
