/*
** An e-mail of one event: its addresses and its MIME text.
**
** The message is multipart/alternative: a text/plain part, then a
** text/html part with every text HTML-escaped, both UTF-8 in base64 so
** no line is too long and no byte is mangled on the way. A header text
** that is not plain printable ASCII (a subject or a display name in
** Spanish, say, or one carrying a line break) becomes RFC 2047
** encoded-words, so nothing a playbook or a data file says can add a
** header. Date is the event's time and Message-ID its stable key, so the
** same event always makes the same message and a receiver or an outbox
** can tell a second delivery.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "message.h"
#include "notify.h"

/* ---- a growing buffer ---------------------------------------------------- */

typedef struct buf {
  char *p;
  size_t n, cap;
  int oom;
} buf;

static void put_n(buf *b, const char *s, size_t n)
{
  if (b->oom)
    return;
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->n + n + 1)
      cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
      b->oom = 1;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

static void put(buf *b, const char *s)
{
  put_n(b, s, strlen(s));
}

static void putf(buf *b, const char *fmt, ...) MJ__PRINTF(2, 3);
static void putf(buf *b, const char *fmt, ...)
{
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (k < 0 || (size_t)k >= sizeof tmp)
    b->oom = 1;
  else
    put_n(b, tmp, (size_t)k);
}

/* ---- addresses ---------------------------------------------------------- */

static int addr_char(unsigned char c)
{
  return c > 0x20 && c < 0x7f && !strchr("<>()[]\\,;:\"", c);
}

static int bad(char *why, size_t len, const char *what)
{
  snprintf(why, len, "%s", what);
  return 0;
}

int mj__mail_addr_parse(const char *s, size_t n, mj_mail_addr *a,
                        char *why, size_t why_len)
{
  a->name[0] = a->addr[0] = '\0';
  while (n && (*s == ' ' || *s == '\t'))
    s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  const char *lt = memchr(s, '<', n);
  const char *addr = s;
  size_t alen = n;
  if (lt) {
    if (s[n - 1] != '>')
      return bad(why, why_len, "text after the address's closing '>'");
    addr = lt + 1;
    alen = (size_t)(s + n - 1 - addr);
    const char *name = s;
    size_t nlen = (size_t)(lt - s);
    while (nlen && (name[nlen - 1] == ' ' || name[nlen - 1] == '\t'))
      nlen--;
    if (nlen >= 2 && name[0] == '"' && name[nlen - 1] == '"')
      name++, nlen -= 2;
    if (nlen >= sizeof a->name)
      return bad(why, why_len, "display name too long");
    for (size_t i = 0; i < nlen; i++)
      if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
        return bad(why, why_len, "control character in the display name");
    memcpy(a->name, name, nlen);
    a->name[nlen] = '\0';
  }
  if (alen == 0)
    return bad(why, why_len, "no address");
  if (alen >= sizeof a->addr)
    return bad(why, why_len, "address too long");
  const char *at = NULL;
  for (size_t i = 0; i < alen; i++) {
    if (addr[i] == '@') {
      if (at)
        return bad(why, why_len, "more than one '@'");
      at = addr + i;
    } else if (!addr_char((unsigned char)addr[i])) {
      return bad(why, why_len,
                 "a space, control, special or non-ASCII character in the "
                 "address");
    }
  }
  if (!at || at == addr || at == addr + alen - 1)
    return bad(why, why_len, "not of the form local@domain");
  const char *dom = at + 1;
  size_t dlen = (size_t)(addr + alen - dom);
  if (dom[0] == '.' || dom[dlen - 1] == '.' || memchr(dom, '.', dlen) == NULL)
    return bad(why, why_len, "the domain is not a full domain name");
  for (size_t i = 0; i + 1 < dlen; i++)
    if (dom[i] == '.' && dom[i + 1] == '.')
      return bad(why, why_len, "an empty label in the domain");
  memcpy(a->addr, addr, alen);
  a->addr[alen] = '\0';
  return 1;
}

/* ---- encodings ---------------------------------------------------------- */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* n bytes of s in base64, on one line. */
static void put_b64(buf *b, const unsigned char *s, size_t n)
{
  char out[4];
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)s[i] << 16;
    if (i + 1 < n)
      v |= (unsigned)s[i + 1] << 8;
    if (i + 2 < n)
      v |= s[i + 2];
    out[0] = b64[(v >> 18) & 63];
    out[1] = b64[(v >> 12) & 63];
    out[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
    out[3] = i + 2 < n ? b64[v & 63] : '=';
    put_n(b, out, 4);
  }
}

/* A body part in base64, 76 characters a line (57 bytes). */
static void put_b64_body(buf *b, const char *s, size_t n)
{
  for (size_t i = 0; i < n; i += 57) {
    put_b64(b, (const unsigned char *)s + i, n - i < 57 ? n - i : 57);
    put(b, "\r\n");
  }
}

/* Does s read as itself in a header: printable ASCII, no "=?"? */
static int header_safe(const char *s)
{
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p > 0x7e || (p[0] == '=' && p[1] == '?'))
      return 0;
  return 1;
}

/*
** s as RFC 2047 encoded-words, each of at most 45 bytes of UTF-8 (60 of
** base64, 72 with its markers), split between characters, folded onto
** new lines.
*/
static void put_encoded_words(buf *b, const char *s)
{
  size_t n = strlen(s);
  for (size_t i = 0; i < n;) {
    size_t k = n - i < 45 ? n - i : 45;
    /* Never end inside a character: back off its continuation bytes. */
    while (k > 1 && i + k < n && ((unsigned char)s[i + k] & 0xc0) == 0x80)
      k--;
    if (i)
      put(b, "\r\n ");
    put(b, "=?UTF-8?B?");
    put_b64(b, (const unsigned char *)s + i, k);
    put(b, "?=");
    i += k;
  }
}

/* A header's unstructured text (Subject). */
static void put_text_header(buf *b, const char *s)
{
  if (header_safe(s))
    put(b, s);
  else
    put_encoded_words(b, s);
}

/* An address with its display name, quoted or encoded as it needs. */
static void put_mailbox(buf *b, const mj_mail_addr *a)
{
  if (!a->name[0]) {
    put(b, a->addr);
    return;
  }
  if (header_safe(a->name)) {
    put(b, "\"");
    for (const char *p = a->name; *p; p++) {
      if (*p == '"' || *p == '\\')
        put(b, "\\");
      put_n(b, p, 1);
    }
    put(b, "\"");
  } else {
    put_encoded_words(b, a->name);
  }
  putf(b, " <%s>", a->addr);
}

/* s with &, <, >, " and ' as entities, line breaks as <br>. */
static void put_html(buf *b, const char *s)
{
  for (; s && *s; s++) {
    switch (*s) {
    case '&': put(b, "&amp;"); break;
    case '<': put(b, "&lt;"); break;
    case '>': put(b, "&gt;"); break;
    case '"': put(b, "&quot;"); break;
    case '\'': put(b, "&#39;"); break;
    case '\n': put(b, "<br>\r\n"); break;
    case '\r': break;
    default: put_n(b, s, 1);
    }
  }
}

int mj__mail_link_safe(const char *s)
{
  if (!s || !(strncmp(s, "https://", 8) == 0 ||
              strncmp(s, "http://", 7) == 0 ||
              strncmp(s, "mailto:", 7) == 0))
    return 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p <= 0x20 || *p >= 0x7f || strchr("<>\"'\\", *p))
      return 0;
  return 1;
}

/* ---- the message -------------------------------------------------------- */

/* Seconds since the epoch as an RFC 5322 date in UTC, in English whatever
** the locale. */
static void put_date(buf *b, int64_t t)
{
  static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
                                     "Thu", "Fri", "Sat"};
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                       "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"};
  time_t tt = (time_t)t;
  struct tm tm;
  if ((int64_t)tt != t || !gmtime_r(&tt, &tm)) {
    tt = 0;
    gmtime_r(&tt, &tm);
  }
  putf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
       tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
       tm.tm_min, tm.tm_sec);
}

/* Meta shown in the body: all but the unsubscribe link, said apart, and
** the HTML body of a customer message. */
static int shown(const mj_meta *m)
{
  return m->key && strcmp(m->key, "unsubscribe") != 0 &&
         strcmp(m->key, "html") != 0;
}

/*
** A message to a customer (an invitation, a reminder: kind "customer.*")
** is the playbook's text alone: the event's kind and meta are for the
** service's own people, not for the customer reading it.
*/
static int to_customer(const mj_event *ev)
{
  return ev->kind && strncmp(ev->kind, "customer.", 9) == 0;
}

static void text_part(buf *b, const mj_event *ev, const char *unsub)
{
  put(b, ev->message ? ev->message : "");
  put(b, "\n\n");
  if (!to_customer(ev))
    putf(b, "event: %s\n", ev->kind ? ev->kind : "");
  for (size_t i = 0; !to_customer(ev) && i < ev->n_meta; i++)
    if (shown(&ev->meta[i])) {
      put(b, ev->meta[i].key);
      put(b, ": ");
      put(b, ev->meta[i].value ? ev->meta[i].value : "");
      put(b, "\n");
    }
  if (unsub) {
    put(b, "\nTo receive no more of these messages: ");
    put(b, unsub);
    put(b, "\n");
  }
}

static void html_part(buf *b, const mj_event *ev, const char *unsub)
{
  put(b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
  put_html(b, ev->subject);
  put(b, "</title></head>\n<body>\n");
  /* A customer message's own HTML, written by the playbook with its
  ** values escaped when filled in; else its text, escaped. */
  const char *own = to_customer(ev) ? mj__notify_meta(ev, "html") : NULL;
  if (own) {
    put(b, own);
    put(b, "\n");
  } else {
    put(b, "<p>");
    put_html(b, ev->message);
    put(b, "</p>\n");
  }
  if (!to_customer(ev)) {
    put(b, "<table>\n<tr><th align=\"left\">event</th><td>");
    put_html(b, ev->kind);
    put(b, "</td></tr>\n");
    for (size_t i = 0; i < ev->n_meta; i++)
      if (shown(&ev->meta[i])) {
        put(b, "<tr><th align=\"left\">");
        put_html(b, ev->meta[i].key);
        put(b, "</th><td>");
        put_html(b, ev->meta[i].value);
        put(b, "</td></tr>\n");
      }
    put(b, "</table>\n");
  }
  if (unsub) {
    put(b, "<p><a href=\"");
    put_html(b, unsub);
    put(b, "\">Unsubscribe</a></p>\n");
  }
  put(b, "</body></html>\n");
}

/* A part: its headers and its text in base64. */
static void put_part(buf *b, const char *boundary, const char *type,
                     const buf *text)
{
  putf(b, "--%s\r\n", boundary);
  putf(b, "Content-Type: %s; charset=UTF-8\r\n", type);
  put(b, "Content-Transfer-Encoding: base64\r\n\r\n");
  put_b64_body(b, text->p ? text->p : "", text->n);
}

char *mj__mail_build(const mj_event *ev, const char *key,
                     const mj_mail_addr *from, const mj_mail_addr *to,
                     size_t n)
{
  buf b = {0}, text = {0}, html = {0};
  const char *unsub = mj__notify_meta(ev, "unsubscribe");
  if (!mj__mail_link_safe(unsub))
    unsub = NULL;
  const char *domain = strchr(from->addr, '@') + 1;
  char boundary[80];
  snprintf(boundary, sizeof boundary, "=_mejora_%s", key);

  put_date(&b, ev->time);
  put(&b, "From: ");
  put_mailbox(&b, from);
  put(&b, "\r\nTo: ");
  for (size_t i = 0; i < n; i++) {
    if (i)
      put(&b, ",\r\n ");
    put_mailbox(&b, &to[i]);
  }
  put(&b, "\r\nSubject: ");
  put_text_header(&b, ev->subject && *ev->subject
                          ? ev->subject
                          : (ev->kind ? ev->kind : "mejora"));
  putf(&b, "\r\nMessage-ID: <%s@%s>\r\n", key, domain);
  put(&b, "MIME-Version: 1.0\r\n");
  if (ev->kind && header_safe(ev->kind))
    putf(&b, "X-Mejora-Event: %s\r\n", ev->kind);
  if (unsub) {
    putf(&b, "List-Unsubscribe: <%s>\r\n", unsub);
    /* One-click (RFC 8058) is a POST to an https link. */
    if (strncmp(unsub, "https://", 8) == 0)
      put(&b, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
  }
  putf(&b, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n",
       boundary);
  put(&b, "\r\nThis is a message in MIME format.\r\n\r\n");

  text_part(&text, ev, unsub);
  html_part(&html, ev, unsub);
  put_part(&b, boundary, "text/plain", &text);
  put_part(&b, boundary, "text/html", &html);
  putf(&b, "--%s--\r\n", boundary);

  int oom = b.oom || text.oom || html.oom;
  free(text.p);
  free(html.p);
  if (oom) {
    free(b.p);
    return NULL;
  }
  return b.p;
}
