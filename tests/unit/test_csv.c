/*
** The csv collector through the mock host: quoting, embedded newlines,
** CRLF, BOM, physical line numbers, and malformed files refused with the
** line they went wrong on.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_host.h"
#include "plugin_static.h"
#include "tap.h"

/* What the sink saw: "H:a|b\n" for the header, "2:x|y\n" for rows. */
typedef struct seen {
  char text[8192];
  int fail_at; /* row number whose delivery fails, 0: none */
  uint64_t rows;
  size_t last_len;   /* lens[0] of the last row */
  uint64_t last_row; /* its row number */
} seen;

static void append(seen *s, const char *prefix, const char *const *cells,
                   size_t n)
{
  size_t used = strlen(s->text);
  used +=
      (size_t)snprintf(s->text + used, sizeof s->text - used, "%s:", prefix);
  for (size_t i = 0; i < n && used < sizeof s->text; i++)
    used += (size_t)snprintf(s->text + used, sizeof s->text - used, "%s%s",
                             i ? "|" : "", cells[i]);
  if (used + 1 < sizeof s->text)
    strcat(s->text, "\n");
}

static int on_header(void *ud, const char *const *names, size_t n,
                     mj_error *err)
{
  (void)err;
  append(ud, "H", names, n);
  return MJ_OK;
}

static int on_row(void *ud, uint64_t row, const char *const *cells,
                  const size_t *lens, size_t n, mj_error *err)
{
  seen *s = ud;
  s->rows++;
  s->last_len = n ? lens[0] : 0;
  s->last_row = row;
  if (s->fail_at && (uint64_t)s->fail_at == row)
    return mock_host()->error(err, MJ_EDATA, "sink refused row %llu",
                              (unsigned long long)row);
  char prefix[32];
  snprintf(prefix, sizeof prefix, "%llu", (unsigned long long)row);
  if (strlen(s->text) < 4096)
    append(s, prefix, cells, n);
  return MJ_OK;
}

/* The big mixed file's rows, checked as they come: every field and the
** physical line each record starts on. Record i is "r<i>,<i>,,end", or
** when i % 7 == 0 "r<i>,\"x,<LF> y\"", which spans two lines. */
typedef struct mixed {
  uint64_t rows, bad;
} mixed;

static int on_mixed_header(void *ud, const char *const *names, size_t n,
                           mj_error *err)
{
  (void)ud, (void)names, (void)n, (void)err;
  return MJ_OK;
}

static int on_mixed_row(void *ud, uint64_t row, const char *const *cells,
                        const size_t *lens, size_t n, mj_error *err)
{
  mixed *m = ud;
  (void)err;
  int i = atoi(cells[0] + 1);
  char num[16];
  snprintf(num, sizeof num, "%d", i);
  int good = (uint64_t)i == m->rows &&
             row == (uint64_t)(2 + i + (i + 6) / 7) &&
             (i % 7 == 0 ? n == 2 && strcmp(cells[1], "x,\n y") == 0
                         : n == 4 && strcmp(cells[1], num) == 0 &&
                               lens[2] == 0 && cells[2][0] == '\0' &&
                               strcmp(cells[3], "end") == 0 && lens[3] == 3);
  m->bad += !good;
  m->rows++;
  return MJ_OK;
}

static const mj_collector_ops *ops;
static void *inst;
static char *dir;

/* Write text to a file in the test folder and collect it. */
static int collect(const char *name, const char *text, seen *s, mj_error *err)
{
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  tap_write(path, text);
  memset(err, 0, sizeof *err);
  mj_sink sink = {s, on_header, on_row};
  return ops->collect(inst, path, &sink, err);
}

int main(void)
{
  plan(38);
  const mj_plugin_desc *d = mj_plugin_csv_entry();
  ops = mock_ops(d, MJ_KIND_COLLECTOR);
  is_string("csv", d->name, "the plugin is called csv");
  mj_error err;
  memset(&err, 0, sizeof err);
  is_int(MJ_OK, ops->create(mock_host(), NULL, NULL, &inst, &err),
         "created with default options");
  dir = tap_tmpdir("csv");

  seen s = {0};
  int rc = collect("plain.csv", "id,q1,q2\nr1,1,2\nr2,3,4\n", &s, &err);
  is_int(MJ_OK, rc, "plain file read");
  is_string("H:id|q1|q2\n2:r1|1|2\n3:r2|3|4\n", s.text,
            "header then rows numbered by line");

  memset(&s, 0, sizeof s);
  rc = collect("quoted.csv",
               "id,why\nr1,\"slow, and rude\"\nr2,\"said \"\"hi\"\"\"\n", &s,
               &err);
  is_int(MJ_OK, rc, "quoted fields read");
  is_string("H:id|why\n2:r1|slow, and rude\n3:r2|said \"hi\"\n", s.text,
            "embedded comma and doubled quote");

  /* Quoted fields anywhere in a line, empty ones, and lines the collector
  ** splits itself next to lines it leaves to libcsv. */
  memset(&s, 0, sizeof s);
  rc = collect("mixq.csv",
               "\"id\",a,b,c\n\"r1\",\"x, y\",,\"\"\n"
               "r2,\"\",\"z\"\"\",\",\"\nr3,1,\"2\",3\n",
               &s, &err);
  is_string("H:id|a|b|c\n2:r1|x, y||\n3:r2||z\"|,\n4:r3|1|2|3\n", s.text,
            "quoted first, middle, empty and last fields; a doubled quote");
  rc = collect("junk.csv", "id,a\nr1,\"x\"y\nr2,1\n", &s, &err);
  ok(rc == MJ_EDATA && strstr(err.msg, ":2:") != NULL,
     "text after a closing quote is still refused, on its line: %s",
     err.msg);

  memset(&s, 0, sizeof s);
  rc = collect("newline.csv",
               "id,why\nr1,\"first line\nsecond line\"\nr2,x\n\n\nr3,y", &s,
               &err);
  is_int(MJ_OK, rc, "embedded newline read");
  is_string("H:id|why\n2:r1|first line\nsecond line\n4:r2|x\n7:r3|y\n", s.text,
            "records keep the physical line they start on; blank lines "
            "skipped; last line needs no newline");

  memset(&s, 0, sizeof s);
  rc = collect("crlf.csv", "id,q1\r\nr1,5\r\nr2,\"a\r\nb\"\r\nr3,4\r\n", &s,
               &err);
  is_int(MJ_OK, rc, "CRLF file read");
  is_string("H:id|q1\n2:r1|5\n3:r2|a\r\nb\n5:r3|4\n", s.text,
            "CRLF ends records and no cell keeps a CR");
  is_int(2, (long long)s.last_len, "row cell length excludes the NUL");

  memset(&s, 0, sizeof s);
  rc = collect("cr.csv", "id,q1\rr1,5\r\rr2,\"a\rb\"\rr3,4", &s, &err);
  is_string("H:id|q1\n2:r1|5\n4:r2|a\rb\n6:r3|4\n", s.text,
            "lone CR line ends (old Mac files) counted as lines");

  memset(&s, 0, sizeof s);
  rc = collect("mixed.csv", "id,q1,q2\r\nr1,5,\nr2,,6\r\n\r\n,,\nr3,7,8", &s,
               &err);
  is_string("H:id|q1|q2\n2:r1|5|\n3:r2||6\n5:||\n6:r3|7|8\n", s.text,
            "LF and CRLF mixed, empty cells and a blank CRLF line: every "
            "record on its line");

  memset(&s, 0, sizeof s);
  rc = collect("bom.csv", "\xEF\xBB\xBFresponse_id,q1\nr1,2\n", &s, &err);
  is_int(MJ_OK, rc, "file with a BOM read");
  is_string("H:response_id|q1\n2:r1|2\n", s.text,
            "the BOM is not part of the first name");

  memset(&s, 0, sizeof s);
  rc = collect("spaces.csv", "id,why\nr1,  two spaces \n", &s, &err);
  is_string("H:id|why\n2:r1|  two spaces \n", s.text, "spaces kept as data");

  memset(&s, 0, sizeof s);
  rc = collect("unterminated.csv", "id,why\nr1,ok\nr2,\"never closed\nr3,x\n",
               &s, &err);
  is_int(MJ_EDATA, rc, "unterminated quote refused");
  is_int(3, err.line, "error on the line the quote opened");
  is_int(2, err.col, "error in the column of the quoted field");
  contains(err.msg, "unterminated.csv:3:2: ", "message says file:line:col");
  contains(err.msg, "unterminated quoted field", "message says what");

  memset(&s, 0, sizeof s);
  rc = collect("strict.csv", "id,q1\nr1,1\nr2,2\nr3,a\"b\n", &s, &err);
  is_int(MJ_EDATA, rc, "stray quote refused in strict mode");
  is_int(4, err.line, "stray quote reported on its line");
  contains(err.msg, "strict.csv:4:2: malformed CSV", "stray quote message");

  memset(&s, 0, sizeof s);
  rc = collect("empty.csv", "", &s, &err);
  is_int(MJ_EDATA, rc, "empty file refused");
  contains(err.msg, "empty", "empty file message");

  char missing[512];
  snprintf(missing, sizeof missing, "%s/nope.csv", dir);
  mj_sink sink = {&s, on_header, on_row};
  rc = ops->collect(inst, missing, &sink, &err);
  is_int(MJ_EIO, rc, "missing file refused");
  contains(err.msg, "nope.csv", "message names the file");

  memset(&s, 0, sizeof s);
  s.fail_at = 3;
  rc = collect("stop.csv", "id\na\nb\nc\nd\n", &s, &err);
  is_int(MJ_EDATA, rc, "a sink error stops the read");
  ok(s.rows == 2 && strstr(err.msg, "sink refused row 3") != NULL,
     "nothing is read after the sink's error");

  /* Records crossing the 64 KiB read size, one with a long quoted cell. */
  size_t big = 200000;
  char *text = malloc(big + 1000);
  if (!text)
    bail("out of memory");
  size_t n = (size_t)sprintf(text, "id,why\n");
  unsigned rows = 0;
  while (n < 100000)
    n += (size_t)sprintf(text + n, "r%u,plain text %u\n", rows, rows), rows++;
  n += (size_t)sprintf(text + n, "long,\"");
  for (size_t i = 0; i < 70000; i++)
    text[n++] = i % 100 == 99 ? '\n' : 'x';
  n += (size_t)sprintf(text + n, "\"\nlast,1\n");
  memset(&s, 0, sizeof s);
  rc = collect("big.csv", text, &s, &err);
  free(text);
  is_int(MJ_OK, rc, "a file larger than the read buffer");
  is_int(rows + 2, (long long)s.rows, "every record of the big file");
  is_int(4, (long long)s.last_len, "last record seen whole");
  is_int(rows + 703, (long long)s.last_row,
         "line numbers run on across reads and embedded newlines");

  /* Quoted and unquoted lines mixed over many reads (a read is 64 KiB):
  ** unquoted lines are split apart from libcsv, and a record must come out
  ** the same whichever way it went, on the right line. */
  size_t cap = 20000 * 24 + 64, used = 0;
  char *mixed_text = malloc(cap);
  if (!mixed_text)
    bail("out of memory");
  used += (size_t)snprintf(mixed_text, cap, "id,a,b,c\n");
  for (int i = 0; i < 20000; i++)
    used += (size_t)snprintf(mixed_text + used, cap - used,
                             i % 7 == 0 ? "r%d,\"x,\n y\"\n" : "r%d,%d,,end\n",
                             i, i);
  mixed mx = {0, 0};
  char mpath[512];
  snprintf(mpath, sizeof mpath, "%s/mixed.csv", dir);
  tap_write(mpath, mixed_text);
  free(mixed_text);
  mj_sink msink = {&mx, on_mixed_header, on_mixed_row};
  rc = ops->collect(inst, mpath, &msink, &err);
  ok(rc == MJ_OK && mx.rows == 20000 && mx.bad == 0,
     "20000 records over many reads, quoted and not: every field and line "
     "right (%llu rows, %llu wrong)",
     (unsigned long long)mx.rows, (unsigned long long)mx.bad);

  /* Delimiter option, as European spreadsheets export. */
  ops->destroy(inst);
  const char *kv[] = {"delimiter", ";", NULL};
  mj_config *cfg = mock_config(NULL, kv);
  rc = ops->create(mock_host(), NULL, cfg, &inst, &err);
  memset(&s, 0, sizeof s);
  rc = collect("semi.csv", "id;q1\nr1;\"1,5\"\n", &s, &err);
  is_string("H:id|q1\n2:r1|1,5\n", s.text, "semicolon delimiter");
  ops->destroy(inst);
  mock_config_free(cfg);

  tap_rmtree(dir);
  free(dir);
  return tap_done();
}
