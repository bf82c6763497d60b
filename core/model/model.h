/*
** The model: what a playbook declares, validated and linked.
**
** A model is built by the DSL (lua_dsl.c), given the rows of its
** customers files (customers.c), then linked by the DSL; it replaces the
** engine's previous one only when every declaration validated and every
** reference resolved. All its memory lives in one arena, freed at once.
**
** model: the playbook as data, and what reads it alone: answers and
** their conditions, figures, metric references, rules, which cycle. It
** uses base/ and below; core/README.md lists the layers.
*/
#ifndef MJ_MODEL_H
#define MJ_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/* A text in several languages; lang NULL for a plain string. */
typedef struct mj_text {
  const char *lang;
  const char *text;
} mj_text;

typedef struct mj_i18n {
  mj_text *items;
  size_t n;
} mj_i18n;

/* A free-form key = "value" a question carries for the scorers that
** read it (SERVQUAL item and role, Kano feature and side...). */
typedef struct mj_tag {
  const char *key;
  const char *value;
} mj_tag;

typedef struct mj_segment {
  const char *id;
  mj_i18n name;
  mj_pos pos;
} mj_segment;

/* `customers "file.csv"`: a file of customers, read once the DSL has
** built the rest of the model and before the model is linked. */
typedef struct mj_customers_decl {
  const char *path;
  mj_pos pos;
  /* `customers "f.csv" { sep = ";", encoding = "windows-1251" }`: how
  ** the file was saved, each NULL if not said. */
  const char *sep, *encoding;
} mj_customers_decl;

/*
** A customer as its readers see it: a view the model fills
** (mj__customer_at, mj__model_customer) from its compact record, on the
** caller's stack; the strings are the model's, or in the caller's
** mj_customer_buf.
*/
typedef struct mj_customer {
  const char *id, *segment, *name, *lang, *channel, *email;
  int consent;
  /* consent = "email,sms": the channels consented to, ','-separated;
  ** NULL: every channel when consent is 1. */
  const char *consent_channels;
  int64_t since, until;  /* customer from / until (epoch s); 0 unknown/active */
  mj_pos pos; /* for customers from CSV: the file and its data row */
  const char *tz;        /* IANA time zone ("Europe/Madrid"), or NULL */
} mj_customer;

/*
** The model's customers as they are kept (customer_table.c). A file of a
** million customers is read by every command, and what most commands use
** of each is its id, segment, channel and language: those make a record
** of 16 bytes (the id an offset into one text of NUL-ended ids, the others
** indexes into a table of the few values many share). The rest (name,
** e-mail, consent, dates, zone, file and line) is packed into a spill
** (util.h), which past a few MiB lives in a temporary file.
*/
typedef struct mj_packed_customer {
  uint32_t id;                     /* into text; 0: none */
  uint16_t segment, channel, lang; /* into shared; 0: none */
  uint16_t rest_hi;                /* the rest's place in the spill, */
  uint32_t rest_lo;                /* in 48 bits */
} mj_packed_customer;

enum { MJ__RECENT = 256 };

typedef struct mj_customer_table {
  mj_packed_customer *v;  /* mj_model.n_customers of them, in order */
  size_t cap;
  char *text;            /* text[0] is the "none" of offset 0 */
  size_t text_len, text_cap;
  mj_spill rest;         /* the rest of each, in order */
  const char **shared;   /* shared[0] NULL; the rest distinct */
  size_t n_shared, shared_cap;
  uint16_t *shared_slot; /* shared by hash, open addressing; 0 free */
  size_t shared_mask;
  /* The short shared values met last, by their bytes and length: most
  ** rows name a segment, language and channel some row before named. */
  uint64_t recent_key[MJ__RECENT];
  uint16_t recent[MJ__RECENT];
  uint16_t last_file; /* the file of the customer added last */
  /* By id, mask + 1 slots, 0 free: record + 1 in the bits of the mask,
  ** bits of the id's hash above them; NULL until mj__customer_index. */
  uint32_t *index;
  size_t index_mask;
} mj_customer_table;

/*
** Where a customer's view keeps the strings read back from the spill: one
** per view that lives at once, or one for a pass over the customers in
** order, which then reads many in one go.
*/
typedef mj_spill_window mj_customer_buf;

/* A buffer before its first use: its 16 KiB need no zeroing. */
static inline void mj__customer_buf_init(mj_customer_buf *b)
{
  b->from = 0;
  b->n = 0;
}

typedef struct mj_requirement {
  const char *id;
  mj_i18n text;
  const char *need;      /* "primary", "secondary", "tertiary" or NULL */
  const char *dimension; /* e.g. "responsiveness", or NULL */
  double target;         /* on the scale of the questions measuring it */
  int has_target;
  double weight;         /* importance weight (CSI, weighted gaps) */
  int has_weight;
  mj_pos pos;
} mj_requirement;

typedef enum mj_qkind {
  MJ_Q_SCALE = 1,  /* "scale5" ..., "ces": integers min..max, verbal labels */
  MJ_Q_NPS = 2,    /* "nps": 0..10 */
  MJ_Q_TEXT = 3,   /* "text": open text */
  /* Added later; values only grow. */
  MJ_Q_CHOICE = 4, /* "choice": one code of choices; text = the code */
  MJ_Q_MULTI = 5,  /* "multi": codes joined by ';' (and "other:TEXT") */
  MJ_Q_YESNO = 6,  /* "yesno": text "yes"/"no", num 1/0 */
  MJ_Q_NUMBER = 7, /* "number": num within num_min..num_max */
  MJ_Q_DATE = 8,   /* "date": YYYY-MM-DD; num = days since 1970-01-01 */
  MJ_Q_POINTS = 9  /* "points": num >= 0; a group's answers sum to total */
} mj_qkind;

/* One option of a choice or multi question. */
typedef struct mj_choice {
  const char *code;      /* what is stored, e.g. "phone" */
  mj_i18n label;         /* as shown; empty: the code is shown */
  int anchor;            /* randomize leaves it where declared ("none",
                         ** "don't know" last) */
} mj_choice;

/* A compiled ask_if or constraint expression (answer.c). */
typedef struct mj_cond mj_cond;

typedef struct mj_question {
  const char *id;
  mj_qkind kind;
  const char *type;      /* as written: "scale5", "nps", "text", "choice" */
  int min, max;          /* numeric range (scales and NPS; number: rounded
                         ** outwards, for display) */
  const char *labels;    /* label-set name, e.g. "excellent-poor" */
  mj_i18n text;          /* the question as asked */
  const char *measures;  /* requirement id, or NULL */
  const mj_requirement *requirement; /* linked from measures */
  int allow_na;          /* "no experience" is a valid answer */
  int required;          /* a blank answer rejects the row (when asked) */
  int max_len;           /* text: longest answer in bytes, 0 = 4096 */
  const char *ask_if;    /* condition on earlier answers, or NULL */
  mj_tag *tags;          /* `tags = { key = "value" }`, sorted by key */
  size_t n_tags;
  mj_pos pos;
  /* ---- conditions, choices, ranges and constraints ---- */
  const mj_cond *ask_if_cond; /* ask_if compiled at load, or NULL */
  mj_choice *choices;    /* choice, multi: in declared order */
  size_t n_choices;
  int other;             /* choice, multi: "other:TEXT" accepted */
  int randomize;         /* choice, multi: show options shuffled */
  double num_min, num_max; /* number, points: the range (points: 0..total) */
  int has_num_min, has_num_max;
  int integer;           /* number: whole numbers only */
  const char *group;     /* points: the allocation group */
  double total;          /* points: what the group's answers sum to */
  /* constraint = { min, max, expr, message }: min/max bound the value
  ** (numeric kinds), expr is checked per row with '.' as this answer. */
  double cons_min, cons_max;
  int has_cons_min, has_cons_max;
  const char *cons_expr;
  const mj_cond *cons_cond;
  mj_i18n cons_message;  /* the reason given when it fails, or empty */
  const char *section;   /* section id, or NULL */
  /* labels: the set's text of each point min..max in every language it
  ** has (interviews, exports with labels), or NULL. */
  mj_i18n *label_texts;
} mj_question;

typedef struct mj_questionnaire {
  const char *id;
  mj_i18n title;
  mj_question *questions;
  size_t n_questions;
  mj_pos pos;
  const char *lang;      /* default language of its texts, or NULL */
  /* ---- how respondents see it online (mejora serve) */
  mj_i18n intro;         /* what it is for, shown above the questions */
  int minutes;           /* how long it takes, 0 when not said */
  int anonymous;         /* a link without a token may answer it */
  int expire_days;       /* an invitation's link lasts this long; 0 ever */
} mj_questionnaire;

typedef struct mj_plan {
  const char *id;
  const char *owner;
  const char *due;       /* as written: "30d", "2w" */
  int due_days;          /* parsed from due */
  const char **actions;
  size_t n_actions;
  int when_ref;          /* Lua registry ref of `when`, or LUA_NOREF (-2) */
  const char *verify_metric; /* verify = { metric, test, alpha }, or NULL */
  const char *verify_test;
  double verify_alpha;
  int verify_line;           /* the line of its `metric =`, for messages */
  const char *escalate_to;   /* new owner when verification fails, or NULL */
  mj_pos pos;
  /* `due_soon = "3d"`: each open action's owner is told this many days
  ** before it is due (MJ_DUE_SOON_DAYS when not written). */
  int due_soon_days;
  /* ---- `when = "mean:R1 < target"`, a declarative trigger
  ** (rules.c documents the grammar); when_ref is then LUA_NOREF. */
  const char *when_text;     /* as written, or NULL */
  int when_line;             /* the line of `when =`, for messages */
  const struct mj_rule *when_rule; /* compiled after linking, or NULL */
} mj_plan;

/* `import = { { questionnaire = "q", file = "data/x.csv" } }` in a cycle. */
typedef struct mj_import_decl {
  const char *questionnaire;
  const char *file;      /* resolved against the playbook's folder */
  mj_pos pos;            /* the line of its `file =` */
  /* ---- `columns = { nps = "Q1_NPS" }` (key: our name, value:
  ** the file's column; sorted by key) and `pilot = true`. */
  mj_tag *columns;
  size_t n_columns;
  int pilot;
  /* ---- how the file was saved (mj_import_opts), each NULL if not said */
  const char *sep, *encoding, *date_format;
} mj_import_decl;

typedef struct mj_cycle_decl {
  const char *id;
  mj_import_decl *imports;
  size_t n_imports;
  const char **scorers;  /* names; n_scorers 0: every scorer declared */
  size_t n_scorers;
  const char **notify;   /* notifier instance names; 0: every one */
  size_t n_notify;
  int min_n;             /* below this a figure is "too few answers" */
  int64_t period_from, period_to; /* `period = { from =, to = }`, or 0 */
  mj_pos pos;
  /* ---- pilot responses and the breakdown of figures ---- */
  int include_pilot;     /* `include_pilot = true`: pilot responses count */
  int by_channel;        /* `by = { "segment", "channel" }`: figures per
                         ** channel too, as segment "channel:NAME" */
  int by_segment;        /* 1 unless `by` leaves "segment" out */
  int comments;          /* open-text answers the report shows per question */
  int scorers_line;      /* the lines of `scorers =` and `notify =` (the */
  int notify_line;       /* cycle's own when not found), for messages */
} mj_cycle_decl;

/* One option of a `use "KIND.NAME" { key = value }` declaration. */
typedef enum mj_value_type {
  MJ_VAL_STRING = 1,
  MJ_VAL_NUMBER = 2,
  MJ_VAL_BOOL = 3
} mj_value_type;

typedef struct mj_kv {
  const char *key;
  mj_value_type type;
  const char *str;       /* the value as text, for every type */
  double num;
  int boolean;
  int line;              /* of `key =`, for messages (the use's line when
                         ** it cannot be found) */
} mj_kv;

typedef struct mj_use {
  const char *kind;      /* "scorer", "notifier", "storage", "collector" */
  const char *name;      /* plugin name */
  const char *as;        /* instance name (option "as"), default name */
  mj_kv *opts;
  size_t n_opts;
  mj_pos pos;
} mj_use;

/* `sample "NAME" { ... }`: whom to invite to a questionnaire (sample.c). */
typedef struct mj_sample_sd {
  const char *segment;
  double sd;             /* S_h for Neyman allocation */
} mj_sample_sd;

typedef struct mj_sample_decl {
  const char *id;
  const char *questionnaire;
  int stratified;        /* method = "stratified" (else "srs") */
  int neyman;            /* allocation = "neyman" (else proportional) */
  int size;              /* fixed size, or 0: from margin */
  double margin, confidence, p; /* n0 = z^2 p(1-p)/e^2, then the FPC */
  double response_rate;  /* invitations = n / rate; 1 when not given */
  mj_sample_sd *sd;      /* Neyman S_h by segment, sorted by segment */
  size_t n_sd;
  uint64_t seed;         /* the PRNG seed ... */
  int has_seed;          /* ... or a fresh one per draw (reported) */
  int fatigue_days;      /* nobody invited again within this many days */
  mj_pos pos;
  /* Messages (invite.c): the answer and unsubscribe links with {token}
  ** in them, customer channel -> notifier instance (sorted by channel;
  ** none: the draw sends nothing), and the days before one reminder to
  ** those who have not answered (0: none). */
  const char *link, *unsubscribe;
  mj_tag *send;
  size_t n_send;
  int remind_after_days;
} mj_sample_decl;

/* `message "invitation" { subject =, text =, html = }`: what a customer
** is sent, with {placeholders} filled per recipient (message.c). */
typedef struct mj_message_decl {
  const char *id;        /* "invitation" or "reminder" */
  mj_i18n subject, text, html;
  mj_pos pos;
} mj_message_decl;

/* ---- complaints, audits, the service standard ------------------------- */

/* `complaint_category "late-delivery" { text = ... }`. */
typedef struct mj_complaint_category {
  const char *id;
  mj_i18n text;
  mj_pos pos;
  /* ---- `owner = "..."`: told of each complaint received, and of one
  ** not responded to within `limit = "5d"` (limit_days; 0: no limit). */
  const char *owner;
  int limit_days;
} mj_complaint_category;

/* The days before an action is due that its owner is told, by default. */
#define MJ_DUE_SOON_DAYS 3

/* `thanks "daily" { owner = ..., count = 3, ... }`: whom to thank each
** day (cycle/thanks.c has the rule). */
typedef struct mj_thanks {
  const char *id;
  const char *owner;
  int count;
  int within_days;      /* promoters_within: answers this recent */
  int not_within_days;  /* not_within: nobody thanked again sooner */
  const char **questions; /* "QUESTIONNAIRE/QUESTION" top boxes, or none */
  size_t n_questions;
  mj_pos pos;
} mj_thanks;

/* A comparison with a target, as written: "<= 20", ">= 4", "90". */
typedef enum mj_cmp {
  MJ_CMP_NONE = 0, /* no target: never compliant or not */
  MJ_CMP_LE, MJ_CMP_LT, MJ_CMP_GE, MJ_CMP_GT, MJ_CMP_EQ
} mj_cmp;

typedef enum mj_crit_kind {
  MJ_CRIT_OBJECTIVE = 1, /* a measured number: seconds, holds, transfers */
  MJ_CRIT_SUBJECTIVE = 2,/* a rating 1..scale */
  MJ_CRIT_CHECK = 3      /* yes/no: done or not (the phone protocol) */
} mj_crit_kind;

typedef struct mj_criterion {
  const char *id;
  mj_crit_kind kind;
  mj_i18n text;
  const char *target;    /* as written, or NULL */
  mj_cmp cmp;            /* checks: MJ_CMP_EQ 1 ("yes") */
  double target_value;
  int scale;             /* subjective: top of the scale (default 5) */
  const char *unit;
} mj_criterion;

/* `audit "phone-shopper" { scenario, role, fake_data, verify, stimulus,
** criteria, protocol = "phone" }`: a mystery-shopper script. */
typedef struct mj_audit {
  const char *id;
  mj_i18n scenario;
  const char *role;
  mj_tag *fake_data;      size_t n_fake_data;
  const char **verify;    size_t n_verify;
  const char **stimulus;  size_t n_stimulus;
  mj_criterion *criteria; size_t n_criteria;
  mj_pos pos;
} mj_audit;

/* `standard "S1" { text, indicator = "audit.compliance:answer_time",
** target = 90 | "<= 48" }`: met when the indicator compares true. */
typedef struct mj_standard {
  const char *id;
  mj_i18n text;
  const char *indicator;
  const char *target;     /* as written */
  mj_cmp cmp;
  double target_value;
  mj_pos pos;
} mj_standard;

/* `promise "PR1" { text, indicator = "audit.compliance:answer_time",
** promised = 95, compare = ">=" }`: what the company tells customers it
** delivers; gap 4 of the 5-gap model is the delivered indicator against
** it (standard.c). */
typedef struct mj_promise {
  const char *id;
  mj_i18n text;
  const char *indicator;
  const char *promised;   /* as written: ">= 95" */
  mj_cmp cmp;
  double promised_value;
  mj_pos pos;
} mj_promise;

/*
** `contact { quiet_hours = "21:00-08:00", max = "2/7d", tz = "..." }`:
** when and how often a message to a customer may go (cycle/contact.c).
*/
typedef struct mj_contact {
  int quiet_from, quiet_to; /* minutes after local midnight; -1: none */
  int max;                  /* messages a customer gets per window; 0 any */
  int64_t window;           /* the cap's window, in seconds */
  const char *tz;           /* zone of customers without one; NULL: UTC */
  mj_pos pos;
} mj_contact;

/*
** `alert "detractor" { questionnaire = "q", when = "nps <= 6", owner =
** "ana@example.com", due = "24h", escalate_to = "jefe@example.com",
** text = "..." }`: a case opened for each response of the questionnaire
** that matches when, as it is stored (intake's cases_open.c), told to
** its owner and escalated when nobody closes it in time (cycle's
** cases.c).
*/
typedef struct mj_alert {
  const char *id;
  const char *questionnaire;
  const mj_questionnaire *qn; /* linked */
  const char *when;           /* an ask_if expression over the answers */
  const mj_cond *cond;        /* compiled when linking */
  const char *owner;
  const char *escalate_to;    /* or NULL: the owner again */
  const char *due;            /* as written: "24h", "2d" */
  int64_t due_secs;
  mj_i18n text;               /* the owner's message, or empty */
  mj_pos pos;
} mj_alert;

typedef struct mj_model {
  mj_arena arena;
  const char *file;      /* the playbook as named when loaded */
  const char *dir;       /* its folder, for relative paths */
  const char *store;     /* `store "sqlite:..."`, or NULL */
  mj_pos store_pos;      /* where the playbook names it */
  mj_segment *segments;           size_t n_segments;
  mj_customer_table customers;    size_t n_customers;
  mj_customers_decl *customer_files; size_t n_customer_files;
  mj_requirement *requirements;   size_t n_requirements;
  mj_questionnaire *questionnaires; size_t n_questionnaires;
  mj_plan *plans;                 size_t n_plans;
  mj_cycle_decl *cycles;          size_t n_cycles;
  mj_use *uses;                   size_t n_uses;
  mj_sample_decl *samples;        size_t n_samples;
  mj_complaint_category *complaint_categories;
  size_t n_complaint_categories;
  mj_audit *audits;               size_t n_audits;
  mj_standard *standards;         size_t n_standards;
  /* ---- service promises ---- */
  mj_promise *promises;           size_t n_promises;
  /* ---- respect for the recipient ---- */
  mj_contact *contact;            /* `contact { ... }`, or NULL */
  mj_thanks *thanks;              size_t n_thanks;
  /* ---- messages to customers ---- */
  mj_message_decl *messages;      size_t n_messages;
  /* ---- close-the-loop alerts ---- */
  mj_alert *alerts;               size_t n_alerts;
} mj_model;

/* Lookups by id; NULL when absent. */
const mj_segment *mj__model_segment(const mj_model *m, const char *id);
/* The customer called id as a view in *out (returned), its strings in
** *b as with mj__customer_at; NULL when there is none or it cannot be
** read. */
const mj_customer *mj__model_customer(const mj_model *m, const char *id,
                                      mj_customer *out, mj_customer_buf *b);
const mj_requirement *mj__model_requirement(const mj_model *m,
                                            const char *id);
const mj_questionnaire *mj__model_questionnaire(const mj_model *m,
                                                const char *id);
const mj_question *mj__model_question(const mj_questionnaire *q,
                                      const char *id);
const mj_cycle_decl *mj__model_cycle(const mj_model *m, const char *id);

/* Does a question's answer carry a number the scorers can use? (scales,
** NPS, yes/no as 1/0, numbers, points; not text, choices or dates) */
int mj__question_scored(const mj_question *q);

/* The role a question plays for the scorers, from its tags (plugin.h,
** mj_question_role: its `role` tag, "kano" for a Kano pair, "" for a
** plain rating), and whether that role is a rating of the service
** received, the answers a requirement's figures pool. */
const char *mj__question_role(const mj_question *q);
int mj__question_rates(const mj_question *q);

/* Best text for lang from an mj_i18n: lang, then "en", then the first. */
const char *mj__i18n_get(const mj_i18n *t, const char *lang);
/* A respondent's text: in lang (the customer's), else in fallback (the
** questionnaire's default language), else as mj__i18n_get(t, NULL) gives
** it (a plain string or English, else the first). NULL when t is empty.
** Interviews and exports with labels use it. */
const char *mj__i18n_pick(const mj_i18n *t, const char *lang,
                          const char *fallback);

/* ---- customer_table.c ------------------------------------------------ */

/*
** Append customer c to m's, its strings copied: id, name, email and
** consent_channels (as mj__channel_list writes it) into the text,
** segment, lang, channel, tz and pos.file into the shared values. MJ_OK,
** MJ_ENOMEM, or MJ_ELIMIT past 4 GiB of text or 65535 shared values.
*/
int mj__customer_add(mj_model *m, const mj_customer *c);
/* Room for n more customers whose strings take about text bytes, so that
** a file of known size is read without growing the arrays: MJ_OK or
** MJ_ENOMEM. */
int mj__customer_reserve(mj_model *m, size_t n, size_t text);
/* Give back the room reserved and not used, and write what the spill
** holds back, before other threads read. */
void mj__customer_fit(mj_model *m);
/* Free what the customers hold outside the model's arena. */
void mj__customer_free(mj_model *m);
/*
** Customer i (< m->n_customers) as a view in *out, its strings the
** model's or in *b (valid until b's next use): MJ_OK, or MJ_EIO when the
** temporary file holding them cannot be read (then *out has only the id,
** segment and channel).
*/
int mj__customer_at(const mj_model *m, size_t i, mj_customer *out,
                    mj_customer_buf *b);
/* mj__customer_at's MJ_EIO for customer i as e's error. */
int mj__customer_unread(mj_engine *e, const mj_model *m, size_t i);
/* Its id, segment and channel alone, for the loops over every customer. */
const char *mj__customer_id(const mj_model *m, size_t i);
const char *mj__customer_segment(const mj_model *m, size_t i);
const char *mj__customer_channel(const mj_model *m, size_t i);
const char *mj__customer_lang(const mj_model *m, size_t i);
/*
** The segment and channel of customer i as the numbers of their shared
** values (0: none), small enough for an index to keep beside each id, and
** the value of such a number.
*/
void mj__customer_shared_nos(const mj_model *m, size_t i, uint16_t *segment,
                             uint16_t *channel);
const char *mj__customer_shared(const mj_model *m, uint16_t k);
/* The index of the customer called id, or SIZE_MAX. */
size_t mj__customer_find(const mj_model *m, const char *id);
/*
** Index the customers by id, for mj__customer_find: MJ_OK or MJ_ENOMEM.
** When two share an id, *dup is the later one's index + 1 and *first the
** earlier one's index (the first such pair in order), and the index is
** left unbuilt; else *dup is 0.
*/
int mj__customer_index(mj_model *m, size_t *first, size_t *dup);

/* ---- message.c ------------------------------------------------------- */

/* The messages a playbook may declare, NULL-terminated. */
extern const char *const mj__message_ids[];
/* The playbook's `message "id"`, else mejora's own (en, es); NULL for an
** id not in mj__message_ids. */
const mj_message_decl *mj__message_get(const mj_model *m, const char *id);
/* Is name a placeholder a message may use ("customer.name", "link")? */
int mj__message_placeholder(const char *name);
/*
** The first {placeholder} of text that is not one (copied to bad, size
** n), or 0 when every one is known. A '{' not followed by a name and '}'
** is plain text.
*/
int mj__message_unknown(const char *text, char *bad, size_t n);
/*
** text with each {placeholder} replaced by value(ud, name) (NULL: empty),
** malloc'd; NULL when out of memory.
*/
char *mj__message_fill(const char *text,
                       const char *(*value)(void *ud, const char *name),
                       void *ud);
/* Is s a list of channel names ("email,sms"; ',', ';' or blanks between
** names of letters, digits, '-' and '_')? */
int mj__channel_list_ok(const char *s);
/* The list s as "email,sms" into out (room for strlen(s) + 1). */
void mj__channel_list(const char *s, char *out);
/* Does customer c consent to be written to on channel? */
int mj__customer_consents(const mj_customer *c, const char *channel);

/* ---- metric_ref.c / rules.c ------------------------------------------ */

/* Is name a scorer beyond the ones the playbook and mejora name (a
** plugin of its own)? ud is what the caller gave mj__metric_check or
** mj__rules_compile (metric_ref.c). */
typedef int (*mj_scorer_known_fn)(void *ud, const char *name);

/* ---- figures of one cycle (figset.c) ---------------------------------- */

typedef struct mj_figset {
  mj_arena arena;
  mj_result_rec *items;
  size_t n, cap;
} mj_figset;

/* Copy a figure in (strings included). */
int mj__figset_add(mj_figset *fs, const mj_result_rec *r);

/* What a figure is of: each key NULL when it has none, segment NULL for
** "all". */
typedef struct mj_figkey {
  int64_t cycle;
  const char *scorer, *questionnaire, *question, *requirement, *segment;
} mj_figkey;
/*
** Add the figure of k's metric from n answers: value, its interval
** lo..hi (NaN: none), sd (0: none) and label (NULL: none); its delta and
** p_change are NaN until mj__figset_compare compares it.
*/
int mj__figset_put(mj_figset *fs, const mj_figkey *k, const char *metric,
                   uint64_t n, double value, double lo, double hi, double sd,
                   const char *label);
/* The figure matching every non-NULL key (metric is required). */
const mj_result_rec *mj__figset_find(const mj_figset *fs, const char *scorer,
                                     const char *metric,
                                     const char *questionnaire,
                                     const char *question,
                                     const char *requirement,
                                     const char *segment);
void mj__figset_free(mj_figset *fs);

/* ---- metric_ref.c ------------------------------------------------------ */

/*
** A reference to one figure of a cycle, the same in plan verification,
** triggers, standards and promises: "SCORER.METRIC[:SUBJECT][@SEGMENT]",
** SUBJECT a requirement id, QUESTIONNAIRE/QUESTION, a question id, or for
** complaints.count/share/cumulative a complaint category. Short forms:
** mean:R1 and t2b:R1 (csat), nps[:SEGMENT] (nps.nps), complaints:CATEGORY
** (complaints.count), audit:CRITERION (audit.compliance), standard:S1
** (standard.met); any may end in @SEGMENT except nps:SEGMENT.
*/
typedef struct mj_metric_ref {
  char scorer[64], metric[64], subject[128], segment[64];
} mj_metric_ref;
/* 1 when spec is a reference (filled into *m), 0 when it is not. */
int mj__metric_parse(const char *spec, mj_metric_ref *m);
/* The short form closest to a spec that did not parse ("maen:R1" ->
** "mean"), or NULL. */
const char *mj__metric_suggest(const char *spec);
/* The canonical text, "csat.mean:R1@vip". */
void mj__metric_format(const mj_metric_ref *m, char *buf, size_t n);
/* The figure of fs it names, or NULL. */
const mj_result_rec *mj__metric_find(const mj_figset *fs, const mj_model *model,
                                     const mj_metric_ref *m);
/* Does it name things the playbook declares? MJ_EREF with the reason and a
** "did you mean" in why (scorer, requirement, questionnaire/question,
** complaint category, segment). known may be NULL (no scorer beyond the
** playbook's and mejora's own). */
int mj__metric_check(const mj_model *m, const mj_metric_ref *r,
                     mj_scorer_known_fn known, void *ud, char *why, size_t n);

/* ---- rules.c ----------------------------------------------------------- */

/*
** Declarative triggers (`when = "mean:R1 < target"`): compile every
** plan's when_text of m after linking (MJ_EVALIDATE / MJ_EREF naming the
** playbook's file:line and the bad token), and evaluate one against the
** figures of a cycle declared as `cycle` (its period turns counts into
** rates; NULL: rates cannot be judged). A clause without its figure is
** false; why then says which figure was missing ("" when none was).
** mj__trigger_eval calls mj__rule_eval for such plans. known (may be
** NULL) accepts scorers the playbook does not name, as in mj__metric_check.
*/
int mj__rules_compile(mj_engine *e, mj_model *m, mj_scorer_known_fn known,
                      void *ud);
int mj__rule_eval(mj_engine *e, const mj_plan *p, const mj_figset *fs,
                  const mj_cycle_decl *cycle, int *fired, char **evidence,
                  char *why, size_t whylen);
/* The figures a trigger read, in order, without repeats: its evidence. */
typedef struct mj_evidence {
  const mj_result_rec **read;
  size_t n, cap;
} mj_evidence;
/* Add r unless it is there already: MJ_OK or MJ_ENOMEM. */
int mj__evidence_add(mj_evidence *ev, const mj_result_rec *r);
/* The figures as a JSON array (free() it), NULL when out of memory. */
char *mj__evidence_json(const mj_evidence *ev);

/* ---- import_columns.c ------------------------------------------------- */

/* Columns every response file may carry besides the questions, indices
** into mj__import_fixed; the first two must, unless a token column stands
** for them. */
enum {
  MJ__COL_ID,
  MJ__COL_CUSTOMER,
  MJ__COL_SEGMENT,
  MJ__COL_SUBMITTED,
  MJ__COL_WAVE,
  MJ__COL_TOKEN,
  MJ__COL_CHANNEL,
  MJ__COL_PILOT,
  MJ__N_FIXED
};
extern const char *const mj__import_fixed[MJ__N_FIXED];
/* "a, b, c" into buf: qn's question ids, for messages. */
void mj__questionnaire_ids(const mj_questionnaire *qn, char *buf, size_t n);
/* Check an import's column renames against qn: MJ_OK, or MJ_EINVAL with
** the reason (no location) in why. */
int mj__import_check_columns(const mj_questionnaire *qn,
                             const mj_import_column *cols, size_t n,
                             char *why, size_t whylen);

/* ---- answer.c ---------------------------------------------------------- */

/*
** Parse one answer's text against its question: "" is skipped, "NA"/"N/A"
** (any case) or "no experience" is N/A (if allowed), otherwise a value of
** the question's type and range. On a bad value returns MJ_EVALIDATE and
** writes the reason (no location) to why. out->text borrows either text
** (open text, multi, "other:...") or the model (choice codes, yes/no).
** A blank required answer is refused here only when the question has no
** ask_if; otherwise mj__answer_check_row decides.
*/
int mj__answer_parse(const mj_question *q, const char *text, size_t len,
                     mj_answer_rec *out, char *why, size_t whylen);

/* Offset of the first byte of s[0..n) that breaks UTF-8 (overlong forms,
** surrogates and code points past U+10FFFF included), or -1 when none. */
long mj__utf8_bad_at(const unsigned char *s, size_t n);

/*
** Compile the condition src of question self of qn (an ask_if, or with
** allow_self a constraint's expr, where '.' is the question's own answer).
** The language: comparisons (== != < <= > >=) of earlier questions' ids,
** numbers and 'strings'; `id has 'code'` for multi questions;
** answered(id), na(id); and, or, not, parentheses. A comparison with a
** skipped or N/A answer is false. Dates compare with 'YYYY-MM-DD'.
** Nodes live in arena a. On error returns MJ_EVALIDATE and writes the
** reason, with its column in src, to why.
*/
int mj__cond_compile(mj_arena *a, const mj_questionnaire *qn, size_t self,
                     int allow_self, const char *src, const mj_cond **out,
                     char *why, size_t whylen);

/*
** Whether question k of qn is asked, given the parsed answers of its
** questions before k (answers[i] is question i's): 1 without ask_if.
*/
int mj__answer_asked(const mj_questionnaire *qn, const mj_answer_rec *answers,
                     size_t k);

/*
** Whether condition c (compiled against qn with self qn->n_questions, so
** that it may name every question) holds for a whole response's answers,
** answers[i] being question i's.
*/
int mj__cond_holds(const mj_cond *c, const mj_questionnaire *qn,
                   const mj_answer_rec *answers);

/*
** The checks that need a whole response, after mj__answer_parse filled
** answers[0..qn->n_questions) in question order: an answer given to a
** question whose ask_if is false, a required question left blank when
** asked, a constraint's expr, and each points group summing to its
** total. On the first failure returns MJ_EVALIDATE, sets *bad to the
** index of the question to blame and writes a reason naming the
** questions to why. answers[i].question need not be set.
*/
int mj__answer_check_row(const mj_questionnaire *qn,
                         const mj_answer_rec *answers, size_t *bad, char *why,
                         size_t whylen);

/* ---- cycle_order.c ----------------------------------------------------- */

/*
** The cycle a run without a name means at time now: the latest declared
** (in playbook order) whose period has started, a cycle without a period
** counting as started; else the last declared. NULL when none is.
*/
const mj_cycle_decl *mj__cycle_current(const mj_model *m, int64_t now);
/* The playbook's place (0, 1, ...) of the cycle called name, or -1. */
long mj__cycle_index(const mj_model *m, const char *name);
/*
** The cycle (its name) a response belongs to, the first rule that
** applies: its own wave; the declared cycle whose import stores it; the
** first declared cycle whose period holds submitted_at; the cycle
** mj__cycle_current names at the engine's clock. NULL when the playbook
** declares no cycle (its one "default" cycle takes every response).
*/
const char *mj__response_cycle(const mj_engine *e, const char *wave,
                               int64_t submitted_at);

#endif
