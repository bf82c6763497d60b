/*
** util: what any layer of the core may use, knowing nothing of the engine:
** arenas, hashes, source positions, dates, paths, CSV and JSON output, "did
** you mean", yes/no words and a relay of batches to a second thread. It
** uses only core/shared and the public headers; core/README.md lists the
** layers.
*/
#ifndef MJ_UTIL_H
#define MJ_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mejora.h"
#include "mejora/plugin.h"

#include "arena.h"
#include "suggest.h"
#include "yesno.h"

/*
** FNV-1a, for the core's hash tables, and for the questionnaire
** fingerprints import.c stores: its start and its steps never change.
*/
#define MJ__HASH_START 1469598103934665603u

static inline uint64_t mj__hash_bytes(uint64_t h, const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211u;
  return h;
}

/* splitmix64 (Steele, Lea and Flood 2014): the next of a sequence from
** *x, well mixed; seeds random generators and mixes hashes. Its steps
** never change: seeded samples and interviews draw the same from them. */
static inline uint64_t mj__splitmix64(uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* s, then a mark that ends it, so fields chain ("ab","c" is not "a","bc");
** NULL hashes apart from "". */
static inline uint64_t mj__hash_field(uint64_t h, const char *s)
{
  for (; s && *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211u;
  return (h ^ (s ? 0xfeu : 0xffu)) * 1099511628211u;
}

/* Where a declaration was written: "playbook.lua", 12. */
typedef struct mj_pos {
  const char *file;
  int line;
} mj_pos;

/* ---- paths.c ---------------------------------------------------------- */

/*
** Check the file name (relative to the current folder) before it is
** opened for mode (MJ_PATH_READ: an existing regular file; MJ_PATH_WRITE:
** a regular file or none yet, in an existing folder) and set *out to its
** real path, malloc'd. With jail (a folder) the file must be inside it
** once symbolic links and ".." are resolved. MJ_EVALIDATE outside the
** jail, MJ_EINVAL for a FIFO, device or folder, MJ_EIO when it cannot be
** found, MJ_ENOMEM; why then says what and what to do.
*/
int mj__path_resolve(const char *name, unsigned mode, const char *jail,
                     char **out, char *why, size_t whylen);
/* Create (or empty) the file name, checked as mj__path_resolve does for
** MJ_PATH_WRITE, and open it for writing. NULL with *code and why set. */
FILE *mj__file_create(const char *name, const char *jail, int *code,
                      char *why, size_t whylen);
/* Resolve a playbook-relative path; caller frees. NULL on ENOMEM. */
char *mj__path_join(const char *dir, const char *path);

/* ---- hugepages.c ------------------------------------------------------- */

/* Ask that the n bytes at p (a large array, filled soon) be backed by huge
** pages where the system has them; a hint, nothing to undo. */
void mj__huge_pages(void *p, size_t n);

/* ---- spill.c ----------------------------------------------------------- */

/*
** Bytes appended in pieces and read back by where each went (a place of
** 48 bits the put returns): in memory up to mem_max bytes, then in an
** unlinked file in TMPDIR. Pieces of MJ__SPILL_PIECE bytes or more, and
** everything when no file can be made, stay in memory. Puts come from one
** thread; once flushed, any number read at once, each with its window.
*/
enum { MJ__SPILL_PIECE = 8192, MJ__SPILL_WINDOW = 16384 };

typedef struct mj_spill {
  char *mem;
  size_t mem_len, mem_cap, mem_max;
  int fd, has_fd, no_file;
  uint64_t file_len; /* written to fd */
  char *pend;        /* not yet written */
  size_t pend_len;
} mj_spill;

/* The bytes a reader read from the file last; zeroed before the first. A
** read that follows the one before in the file fills the whole window. */
typedef struct mj_spill_window {
  uint64_t from;
  size_t n;
  char s[MJ__SPILL_WINDOW];
} mj_spill_window;

void mj__spill_init(mj_spill *s, size_t mem_max);
/* Append the n bytes at p; their place in *at. MJ_OK, MJ_ENOMEM, MJ_EIO
** (the file could not be written) or MJ_ELIMIT (16 GiB). */
int mj__spill_put(mj_spill *s, const void *p, size_t n, uint64_t *at);
/* Write what puts left pending, before reads from other threads. */
int mj__spill_flush(mj_spill *s);
/* The bytes put at at: in memory, or in w, valid until w's next read or
** the next put; NULL when the file could not be read. */
const char *mj__spill_get(const mj_spill *s, uint64_t at, mj_spill_window *w);
void mj__spill_free(mj_spill *s);

/* ---- csv_out.c --------------------------------------------------------- */

/* One CSV field (RFC 4180: quoted when it must be), then "," or, for the
** last, CRLF (csv_out.c). */
void mj__csv_field(FILE *f, const char *s, int last);
/* The same for text a person may open in a spreadsheet: text that starts
** with =, +, -, @, tab or CR (after any apostrophes) gets an apostrophe
** in front, so no spreadsheet runs it as a formula; plain numbers such as
** -1 are written as they are. */
void mj__csv_cell(FILE *f, const char *s, int last);
/* 1 when the cell s read from a CSV file carries that apostrophe (an
** apostrophe, maybe more, then a formula character), else 0: the
** original text starts that many bytes on. */
size_t mj__csv_mark_len(const char *s);

/* ---- dates.c ----------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (H. Hinnant). */
int64_t mj__days_from_civil(int64_t y, unsigned m, unsigned d);
/* ISO 8601 date or date-time to seconds since the epoch: "2024-05-31",
** "2024-05-31T14:05", "2024-05-31 14:05:09.5+02:00", "...Z"; a time
** without an offset is UTC. 0 when s is not such a date. */
int mj__parse_time(const char *s, int64_t *out);
/* "2026-11": the month of time t (seconds since the epoch) in UTC, the
** default wave of a complaint or visit. */
void mj__utc_month(int64_t t, char *buf, size_t n);

/* ---- tzif.c ----------------------------------------------------------- */

/* Where the system keeps its zone files (Debian's tzdata). */
#ifndef MJ_ZONEINFO_DIR
#define MJ_ZONEINFO_DIR "/usr/share/zoneinfo"
#endif

/* A time zone read from its TZif file (RFC 8536), for conversions that
** need no process-wide TZ. */
typedef struct mj_tz mj_tz;
/*
** Read zone name ("Europe/Madrid") from dir (NULL: MJ_ZONEINFO_DIR) into
** *out, freed with mj__tz_free. MJ_EINVAL for a name that is not a zone
** name or a file that is not TZif, MJ_ENOTFOUND for no such zone, MJ_EIO,
** MJ_ENOMEM; why (n bytes) says which in a sentence.
*/
int mj__tz_open(const char *dir, const char *name, mj_tz **out, char *why,
                size_t n);
void mj__tz_free(mj_tz *z);
/* The zone's offset from UTC at t, in seconds (east positive). */
int32_t mj__tz_offset(const mj_tz *z, int64_t t);
/*
** The instant at which the zone's clocks show local (seconds since the
** epoch, read as a wall clock): the first such instant when the clocks
** went back over it, the instant they jumped past it when they went
** forward over it.
*/
int64_t mj__tz_utc(const mj_tz *z, int64_t local);

/* ---- json.c ------------------------------------------------------------ */

typedef struct json_t json_t; /* jansson's */
/* null for NaN/inf, for NULL, for a time <= 0; times as ISO 8601 UTC. */
json_t *mj__json_num(double v);
json_t *mj__json_str(const char *s);
json_t *mj__json_time(int64_t t);
/* Stored JSON text as a value (null when absent or unparsable). */
json_t *mj__json_embedded(const char *text);
/* In an object, or each object of an array: integer times (keys "at",
** "now", "..._at") as ISO 8601 text: stores written by earlier versions
** keep them as seconds since the epoch. */
void mj__json_iso_times(json_t *v);
/* A stored plan as the JSON object of the results format. */
json_t *mj__plan_json(const mj_plan_rec *p);

/* ---- relay.c ----------------------------------------------------------- */

/*
** A relay of batches to a second thread, double-buffered: the caller
** fills one of two batches of its own while the relay's thread consumes
** the other, so the work takes about the longer of the two, not their
** sum. consume(ud, batch) runs on the thread, one batch at a time, in the
** order they were handed over, and readies the batch to be filled again;
** it returns MJ_OK or a failure, after which no batch is handed over. What
** consume writes beside the batch is the caller's to read once a pass or
** the finish has returned that failure, or after the finish.
*/
typedef struct mj_relay mj_relay;
typedef int (*mj_relay_fn)(void *ud, void *batch);
/*
** Work for the thread's waits (optional): while no batch is waiting and
** *more was left 1 by the call before (it starts at 1), idle(ud, &more)
** runs on the thread, a small piece at a time, since a batch handed over
** meanwhile waits for the piece's end. A failure counts as consume's. The
** finish does not wait for what is left: that is the caller's to do.
*/
typedef int (*mj_relay_idle_fn)(void *ud, int *more);
/* Start the thread, first being the batch to fill first; idle may be
** NULL. MJ_ENOMEM when it cannot start (nothing to finish then). */
int mj__relay_start(void *first, void *second, mj_relay_fn consume,
                    mj_relay_idle_fn idle, void *ud, mj_relay **out);
/* The batch the caller fills now: the caller's alone until the next
** pass. */
void *mj__relay_filling(const mj_relay *r);
/* Hand the filling batch over once the thread has consumed the last one;
** the other becomes the one to fill. MJ_OK, or the first failure of
** consume, when nothing is handed over. */
int mj__relay_pass(mj_relay *r);
/* Let the thread consume what it was handed, join it and free r: MJ_OK or
** the first failure of consume. The filling batch is not handed over. */
int mj__relay_finish(mj_relay *r);

#endif
