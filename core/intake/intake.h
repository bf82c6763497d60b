/*
** intake: what comes in: responses imported from CSV or JSON or taken in an
** interview, customers files, invitation samples and their tokens, and the
** thread that stores responses in bulk. It uses plugin/ and below;
** core/README.md lists the layers.
*/
#ifndef MJ_INTAKE_H
#define MJ_INTAKE_H

#include <iconv.h>
#include <pthread.h>

#include "plugin_host.h"

/* ---- import.c / import_json.c ------------------------------------------ */

/* mj_import_ex of a file a playbook names, which must stay in the folder
** jail (and so must its rejects file); jail NULL: the operator's file. */
int mj__import_file(mj_engine *e, const char *questionnaire, const char *path,
                    const mj_import_opts *opts, const char *jail,
                    mj_import_stats *stats);

/* Import a JSON array of responses to qn (mj_import of a .json file);
** opts as mj_import_ex's, or NULL; jail as mj__import_file's. */
int mj__import_json(mj_engine *e, const mj_questionnaire *qn,
                    const char *path, const mj_import_opts *opts,
                    const char *jail, mj_import_stats *stats);

/* qn's structure (question ids, types, ranges, options) as compact JSON,
** malloc'd, and its fingerprint (16 hex digits); NULL when out of memory. */
char *mj__questionnaire_structure(const mj_questionnaire *qn, char fp[17]);

/* The store's version number of qn's present structure, added when new
** (1 with a store that does not keep versions). Sets the engine error. */
int mj__questionnaire_version(mj_engine *e, const mj_questionnaire *qn,
                              int *version);

/* ---- response_ids.c ---------------------------------------------------- */

/* Returned by an mj_ids_each to end the reading early, and well. */
enum { MJ__IDS_STOP = 2 };

/* Called for each row of the file that has a response id, in order. */
typedef int (*mj_ids_each)(void *ctx, uint64_t row, const char *id,
                           size_t len, mj_error *err);
/* Reads the file from its first row, handing each row with an id to each
** (the rows the main reading takes ids from, the same way); MJ_OK at the
** end of the file or when each says MJ__IDS_STOP, else the error of each
** or of the reading, with err set. */
typedef int (*mj_ids_reader)(void *ud, mj_ids_each each, void *ctx,
                             mj_error *err);

/* The response ids of one file, checked for repeats: the greatest while
** they increase, then the rows that repeat an earlier one. */
typedef struct mj_ids {
  size_t run_keys;                      /* ids sorted in memory at once */
  uint64_t (*hash)(const char *, size_t);
  int known;                            /* the file was read whole */
  char *max;                            /* the greatest id, while increasing */
  size_t max_len, max_cap;
  uint64_t n;
  union mj_id_slot *rep;                /* rows that repeat, by row */
  size_t n_rep, at;
  uint64_t from;                        /* where the main reading was */
  uint64_t want_sum, want_rows;         /* the whole reading's, from `from` */
  uint64_t seen_sum, seen_rows;         /* the main reading's */
} mj_ids;

/* run_keys 0 and hash NULL: the defaults (runs of 2 MiB, FNV-1a); tests
** set small runs and a weak hash to reach every path. */
void mj__ids_init(mj_ids *s, size_t run_keys,
                  uint64_t (*hash)(const char *, size_t));
/* id on row (rows increase from call to call): *first is the row it was
** first used on, or 0 when it is new. The first id out of order has read
** read the file again. MJ_OK, or an error with err set. */
int mj__ids_add(mj_ids *s, const char *id, size_t len, uint64_t row,
                uint64_t *first, mj_ids_reader read, void *ud, mj_error *err);
/* Whether the main reading met the ids the file was read again for: 0
** when the file changed in between. */
int mj__ids_same(const mj_ids *s);
void mj__ids_free(mj_ids *s);

/* ---- recode.c ---------------------------------------------------------- */

/* A sink that hands inner each record as UTF-8: converted from encoding
** (NULL or "utf-8": checked, not converted). A byte that is not text in
** it stops the whole file with path:row:column, the bytes and a hint. */
typedef struct mj_recoder {
  mj_sink sink; /* give this one to the collector */
  mj_sink inner;
  const char *path, *encoding;
  iconv_t cd;
  char *buf;
  size_t cap, ncap;
  size_t *offs, *lens;
  const char **cells;
} mj_recoder;

/* MJ_EINVAL with why for an encoding iconv does not know. */
int mj__recoder_init(mj_recoder *rc, const char *encoding, const char *path,
                     const mj_sink *inner, char *why, size_t whylen);
void mj__recoder_free(mj_recoder *rc);
int mj__recoder_header(void *ud, const char *const *names, size_t n,
                       mj_error *err);
int mj__recoder_row(void *ud, uint64_t row, const char *const *cells,
                    const size_t *lens, size_t n, mj_error *err);

/* A header name is ours whatever its case and surrounding spaces. */
int mj__header_is(const char *header, const char *ours);
/* The separator (";", "\\t", "|", ",") that a header read as the one
** column only shows, other than sep, or NULL. */
const char *mj__header_sep(const char *only, char sep);

/* ---- customer_adder.c ------------------------------------------------- */

/*
** A thread adding a customers file's rows to m with mj__customer_add
** while the reader parses the next ones (customer_adder.c). Until
** finish returns only the thread touches m. put copies c's strings but
** pos.file, which must outlive the thread, their lengths given in len
** (id, segment, name, lang, channel, email, consent_channels, tz; any
** for NULL); reserve asks for
** mj__customer_reserve before the rows put next. put returns MJ_OK or
** the thread's first failure (MJ_ENOMEM, MJ_ELIMIT); finish waits for
** every row and returns that failure with its row (pos.line), or MJ_OK.
*/
typedef struct mj_customer_adder mj_customer_adder;
int mj__adder_start(mj_model *m, mj_customer_adder **out);
void mj__adder_reserve(mj_customer_adder *a, size_t n, size_t text);
int mj__adder_put(mj_customer_adder *a, const mj_customer *c,
                  const size_t len[8]);
int mj__adder_finish(mj_customer_adder *a, int *row);

/* ---- customers.c ------------------------------------------------------- */

/* Append the customers of file f (a row's pos: the file and its line) to
** m's. On error e->err says where in the file and which declaration
** named it. */
int mj__customers_read(mj_engine *e, mj_model *m, const mj_customers_decl *f);

/* ---- invite.c ---------------------------------------------------------- */

/* Why an invitee gets no message. */
typedef enum mj_invite_skip {
  MJ_INVITE_NO_CONSENT = 1, /* none for the channel(s) the sample sends */
  MJ_INVITE_NO_ADDRESS = 2  /* no address for them, or none is sent */
} mj_invite_skip;
/*
** The channel sample d writes customer c on (the preferred one when d
** sends it, else "email"), with its notifier instance; NULL with *why
** when none can be used. Consent and address only: whether c has left is
** the caller's to check.
*/
const char *mj__invite_channel(const mj_sample_decl *d, const mj_customer *c,
                               const char **notifier, mj_invite_skip *why);
/*
** Queue message "invitation" or "reminder" to c for invitation token in
** the outbox (cycle 0: of no cycle), as event customer.MESSAGE, inside
** the caller's transaction. Fills err.
*/
int mj__invite_queue(mj_engine *e, const mj_sample_decl *d,
                     const mj_customer *c, const char *token,
                     const char *message, const char *channel,
                     const char *notifier, mj_error *err);
/*
** Queue one reminder to each invitee of a sample with remind_after whose
** invitation is that old, unanswered and not reminded, and who can still
** be written to; *queued says how many. Sets the engine error.
*/
int mj__invite_remind(mj_engine *e, size_t *queued);

/* ---- tokens.c ---------------------------------------------------------- */

/* An invitation an import may meet by its token. */
typedef struct mj_token {
  char *token, *customer;
  int answered;
  int used;        /* a row of this import answered it */
  int64_t used_at; /* that row's submitted_at */
} mj_token;
typedef struct mj_tokens {
  mj_token *v; /* sorted by token */
  size_t n, cap;
} mj_tokens;
/* The open store's invitations to questionnaire into *t (none when the
** store cannot list them). On failure *t is empty and e->err says why. */
int mj__tokens_load(mj_engine *e, const char *questionnaire, mj_tokens *t);
/* The invitation with that token, or NULL (token NULL: none). */
mj_token *mj__tokens_find(const mj_tokens *t, const char *token);
void mj__tokens_free(mj_tokens *t);

/* The customer the invitation with token was sent to, into customer (n
** bytes), tokens compared in a time that does not tell how much of a
** guess was right. MJ_ENOTFOUND: none has it; else the store's error,
** in err. The store must be open. */
int mj__token_customer(mj_engine *e, const char *token, char *customer,
                       size_t n, mj_error *err);
/* Call cb with the invitations that may have token (by the store's index
** on its first half, else every one): cb compares the whole token in
** constant time. MJ_OK, or cb's or the store's status. */
int mj__invitations_near(mj_engine *e, const char *token,
                         mj_invitation_cb cb, void *ud, mj_error *err);
/* Record customer unsubscribed at at (0: takes messages again), durably,
** and log it: the store-level half of mj_unsubscribe, shared with the
** unsubscribe link mj_serve serves. MJ_EINVAL when the store keeps no
** unsubscribes. The store must be open. */
int mj__unsubscribe_record(mj_engine *e, const char *customer, int64_t at,
                           mj_error *err);

/* ---- interview.c ------------------------------------------------------- */

/* The options of q as shown in response response_id (a permutation of
** 0..q->n_choices-1 into order): declared, or shuffled for randomize =
** true, the same every time for the same response and question. */
void mj__option_order(const char *response_id, const mj_question *q,
                      size_t *order);

/* ---- cases_open.c ------------------------------------------------------ */

/* Whether the open store keeps cases (the ABI 1.4 operations). */
int mj__cases_ready(mj_engine *e);
/*
** Store response r (put_response, inside the caller's transaction) and,
** when it is new, open a case for each alert it matches, each with its
** "case.opened" message queued for every notifier the playbook uses, in
** the same transaction. *inserted as put_response's. Safe on the
** importer's writer thread: it reads the model, writes the store and
** err, and never logs.
*/
int mj__response_put(mj_engine *e, const mj_response_rec *r, int *inserted,
                     mj_error *err);
/* A case's message: "case.opened" to the owner or "case.escalated" to
** escalate_to (else the owner), at now; its strings live in *out. */
typedef struct mj_case_event {
  mj_event ev;
  mj_meta meta[6];
  char id[24], due_at[24], subject[256], message[1024];
} mj_case_event;
int mj__case_event(const mj_model *m, const mj_case_rec *c, const char *kind,
                   int64_t now, mj_case_event *out);
/* Queue case c's message of kind for every notifier the playbook uses
** (cycle 0: no cycle's), inside the caller's transaction; nothing when
** the store keeps no outbox. */
int mj__case_queue(mj_engine *e, const mj_case_rec *c, const char *kind,
                   int64_t now, mj_error *err);

/* ---- writer.c ----------------------------------------------------------- */

/* A thread that stores responses while the importer reads the next ones
** (writer.c), with mj__response_put, on e's open store, and the model
** m's customers in its waits (m NULL: none). Start it inside the open
** transaction; put copies r; finish waits for every batch, puts the
** customers left, returns the first store error and the counts, and must
** be called before the commit or rollback. */
typedef struct mj_writer mj_writer;
int mj__writer_start(mj_engine *e, const mj_model *m, mj_writer **out);
int mj__writer_put(mj_writer *w, const mj_response_rec *r, mj_error *err);
int mj__writer_finish(mj_writer *w, uint64_t *inserted, uint64_t *duplicates,
                      mj_error *err);

/* ---- commit_queue.c ----------------------------------------------------- */

/*
** Group commit for threads that each have one thing to write: a thread
** queues its item and waits; the first waiting thread that finds no
** group being written becomes the committer, takes every item queued,
** hands them to write in one call, and wakes their threads when it
** returns. write sets each item's rc and err; an item's thread reads
** them once mj__commit_wait returns.
*/
typedef struct mj_commit {
  void *item;             /* the caller's */
  int rc;                 /* set by write */
  mj_error err;           /* set by write when rc is not MJ_OK */
  int done;               /* the queue's */
  struct mj_commit *next; /* the queue's */
} mj_commit;
typedef void (*mj_commit_fn)(void *ud, mj_commit *group, size_t n);
typedef struct mj_commit_queue {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  mj_commit *head, **tail; /* queued, not taken yet */
  int busy;                /* a committer is writing a group */
  mj_commit_fn write;
  void *ud;
  uint64_t groups, items;  /* written so far */
} mj_commit_queue;
/* MJ_ENOMEM (a message in e) when the mutex or condition cannot be made. */
int mj__commit_init(mj_engine *e, mj_commit_queue *q, mj_commit_fn write,
                    void *ud);
/* Queue c, wait until its group is written, and return c->rc. */
int mj__commit_wait(mj_commit_queue *q, mj_commit *c);
/* Only once no thread waits any more. */
void mj__commit_free(mj_commit_queue *q);

#endif
