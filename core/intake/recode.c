/*
** The text of a data file as UTF-8, between a collector and the sink that
** stores it: cells in the encoding the file was declared in are converted
** with iconv, and a cell of an undeclared non-UTF-8 file stops the whole
** file with one message, since storing its ASCII rows and rejecting the
** accented ones leaves half a file behind.
*/
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "intake.h"

static int error_at(mj_error *err, int code, const char *file, int line,
                    int col, const char *fmt, ...) MJ__PRINTF(6, 7);

static int error_at(mj_error *err, int code, const char *file, int line,
                    int col, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int rc = mj__error_v(err, code, file, line, col, fmt, ap);
  va_end(ap);
  return rc;
}

int mj__recoder_init(mj_recoder *rc, const char *encoding, const char *path,
                     const mj_sink *inner, char *why, size_t whylen)
{
  memset(rc, 0, sizeof *rc);
  rc->inner = *inner;
  rc->path = path;
  rc->encoding = encoding;
  rc->cd = (iconv_t)-1;
  if (encoding && strcasecmp(encoding, "utf-8") != 0 &&
      strcasecmp(encoding, "utf8") != 0) {
    rc->cd = iconv_open("UTF-8", encoding);
    if (rc->cd == (iconv_t)-1) {
      snprintf(why, whylen,
               "unknown encoding '%s' (write, e.g., 'windows-1252', "
               "'windows-1250', 'windows-1251', 'iso-8859-1' or 'utf-8')",
               encoding);
      return MJ_EINVAL;
    }
  }
  rc->sink = (mj_sink){rc, mj__recoder_header, mj__recoder_row};
  return MJ_OK;
}

void mj__recoder_free(mj_recoder *rc)
{
  if (rc->cd != (iconv_t)-1)
    iconv_close(rc->cd);
  free(rc->buf);
  free(rc->offs);
  free(rc->cells);
  free(rc->lens);
  memset(rc, 0, sizeof *rc);
  rc->cd = (iconv_t)-1;
}

/* The bytes around offset at of s[0..n) as \xHH escapes and text. */
static void show_bytes(const char *s, size_t n, size_t at, char *out,
                       size_t len)
{
  size_t from = at > 8 ? at - 8 : 0, to = at + 8 < n ? at + 8 : n, used = 0;
  out[0] = '\0';
  for (size_t i = from; i < to && used + 5 < len; i++) {
    unsigned char c = (unsigned char)s[i];
    int k = c >= 0x20 && c < 0x7f
                ? snprintf(out + used, len - used, "%c", c)
                : snprintf(out + used, len - used, "\\x%02X", c);
    if (k > 0)
      used += (size_t)k;
  }
}

/* Stop the file at the bad byte of row's cell col (both 1-based). */
static int bad_text(mj_recoder *rc, uint64_t row, size_t col, const char *s,
                    size_t n, size_t at, mj_error *err)
{
  char bytes[80];
  show_bytes(s, n, at, bytes, sizeof bytes);
  if (rc->cd != (iconv_t)-1)
    return error_at(err, MJ_EDATA, rc->path, (int)row, (int)col,
                        "byte 0x%02X in \"%s\" is not %s text: the file is "
                        "in another encoding; say which (encoding = "
                        "'windows-1252', 'windows-1250', 'windows-1251', "
                        "'utf-8', ...); nothing was imported",
                        (unsigned char)s[at], bytes, rc->encoding);
  return error_at(err, MJ_EDATA, rc->path, (int)row, (int)col,
                      "byte 0x%02X in \"%s\" is not UTF-8: the file was "
                      "saved in another encoding; use encoding = "
                      "'windows-1252' (Western Europe; 'windows-1250' for "
                      "Central Europe, 'windows-1251' for Cyrillic) or save "
                      "it as UTF-8; nothing was imported",
                      (unsigned char)s[at], bytes);
}

/*
** Convert n cells into rc's buffers (rc->cells, rc->lens). Cells of a
** UTF-8 file are checked in place and handed on as they are (*same = 1).
*/
static int convert(mj_recoder *rc, uint64_t row, const char *const *cells,
                   const size_t *lens, size_t n, int *same, mj_error *err)
{
  *same = rc->cd == (iconv_t)-1;
  if (*same && lens && n) {
    /* Cells split in the reader's buffer lie one after another, each
    ** ended by a NUL: when they do, the whole row is checked for a byte
    ** past ASCII eight bytes at a time, not each short cell apart. */
    size_t i = 1;
    while (i < n && cells[i] == cells[i - 1] + lens[i - 1] + 1)
      i++;
    if (i == n) {
      const unsigned char *s = (const unsigned char *)cells[0];
      size_t k = 0, len = (size_t)(cells[n - 1] + lens[n - 1] - cells[0]);
      uint64_t any = 0;
      for (uint64_t w; k + 8 <= len; k += 8) {
        memcpy(&w, s + k, 8);
        any |= w;
      }
      for (; k < len; k++)
        any |= s[k];
      if (!(any & 0x8080808080808080u))
        return MJ_OK;
    }
  }
  if (*same) {
    for (size_t i = 0; i < n; i++) {
      const unsigned char *s = (const unsigned char *)cells[i];
      size_t k = 0, len = lens ? lens[i] : strlen(cells[i]);
      /* ASCII eight bytes at a time, then byte by byte. */
      for (uint64_t w; k + 8 <= len; k += 8) {
        memcpy(&w, s + k, 8);
        if (w & 0x8080808080808080u)
          break;
      }
      while (k < len && s[k] < 0x80)
        k++;
      if (k == len)
        continue;
      long bad = mj__utf8_bad_at(s + k, len - k);
      if (bad >= 0)
        return bad_text(rc, row, i + 1, cells[i], len, k + (size_t)bad, err);
    }
    return MJ_OK;
  }
  size_t need = 0;
  for (size_t i = 0; i < n; i++)
    need += 4 * (lens ? lens[i] : strlen(cells[i])) + 1;
  if (need > rc->cap) {
    char *b = realloc(rc->buf, need);
    if (!b)
      return mj__error(err, MJ_ENOMEM, "out of memory");
    rc->buf = b;
    rc->cap = need;
  }
  if (n + 1 > rc->ncap) {
    size_t *o = realloc(rc->offs, (n + 1) * sizeof *o);
    if (o)
      rc->offs = o;
    const char **c = o ? realloc(rc->cells, (n + 1) * sizeof *c) : NULL;
    if (c)
      rc->cells = c;
    size_t *l = c ? realloc(rc->lens, (n + 1) * sizeof *l) : NULL;
    if (!l)
      return mj__error(err, MJ_ENOMEM, "out of memory");
    rc->lens = l;
    rc->ncap = n + 1;
  }
  size_t used = 0;
  for (size_t i = 0; i < n; i++) {
    size_t len = lens ? lens[i] : strlen(cells[i]);
    char *in = (char *)cells[i], *out = rc->buf + used;
    size_t inleft = len, outleft = rc->cap - used - 1;
    iconv(rc->cd, NULL, NULL, NULL, NULL);
    if (iconv(rc->cd, &in, &inleft, &out, &outleft) == (size_t)-1)
      return errno == E2BIG
                 ? mj__error(err, MJ_ENOMEM, "out of memory")
                 : bad_text(rc, row, i + 1, cells[i], len,
                            (size_t)(in - cells[i]), err);
    *out = '\0';
    rc->offs[i] = used;
    rc->lens[i] = (size_t)(out - (rc->buf + used));
    used += rc->lens[i] + 1;
  }
  for (size_t i = 0; i < n; i++)
    rc->cells[i] = rc->buf + rc->offs[i];
  rc->cells[n] = NULL;
  return MJ_OK;
}

int mj__recoder_header(void *ud, const char *const *names, size_t n,
                       mj_error *err)
{
  mj_recoder *rc = ud;
  int same, r = convert(rc, 1, names, NULL, n, &same, err);
  if (r != MJ_OK)
    return r;
  return rc->inner.header(rc->inner.ud, same ? names : rc->cells, n, err);
}

int mj__recoder_row(void *ud, uint64_t row, const char *const *cells,
                    const size_t *lens, size_t n, mj_error *err)
{
  mj_recoder *rc = ud;
  int same, r = convert(rc, row, cells, lens, n, &same, err);
  if (r != MJ_OK)
    return r;
  return rc->inner.row(rc->inner.ud, row, same ? cells : rc->cells,
                       same ? lens : rc->lens, n, err);
}

int mj__header_is(const char *header, const char *ours)
{
  while (*header == ' ' || *header == '\t')
    header++;
  size_t n = strlen(ours);
  if (strncasecmp(header, ours, n) != 0)
    return 0;
  for (header += n; *header == ' ' || *header == '\t'; header++)
    ;
  return *header == '\0';
}

const char *mj__header_sep(const char *only, char sep)
{
  static const char *const seps[] = {";", "\\t", "|", ","};
  static const char chars[] = ";\t|,";
  for (size_t i = 0; chars[i]; i++)
    if (chars[i] != sep && strchr(only, chars[i]))
      return seps[i];
  return NULL;
}
