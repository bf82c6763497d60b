/*
** The model's customers: every field of every customer comes back as it
** went in, whether its rest stayed in memory or went to the temporary
** file, read in order through one buffer or at random through several,
** and when no temporary file can be made at all.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "tap.h"

/* Enough customers that their rests pass the 1 MiB kept in memory. */
enum { N = 40000, LONG_NAME = 9000, BIG_NAME = 7000 };

static char *big_name(size_t n, char fill)
{
  char *s = malloc(n + 1);
  memset(s, fill, n);
  s[n] = '\0';
  return s;
}

/* Customer i as added: its strings in the buffers given. */
static mj_customer make(size_t i, char id[32], char name[32], char email[32],
                        const char *lng, const char *big)
{
  static const char *const langs[] = {"en", "es", NULL};
  snprintf(id, 32, i % 7 ? "K%06zu" : "customer-with-long-id-%zu", i);
  snprintf(name, 32, "Name %zu", i);
  snprintf(email, 32, "e%zu@example.org", i);
  mj_customer c = {
      .id = id,
      .segment = i % 3 ? "retail" : "business",
      .name = i == 17 ? lng : i == 18 ? big : i % 5 ? name : NULL,
      .lang = langs[i % 3],
      .channel = i % 2 ? "email" : "sms",
      .email = i % 3 ? email : NULL,
      .consent = i % 4 != 0,
      .consent_channels = i % 11 == 0 ? "sms; email" : NULL,
      .since = i % 2 ? (int64_t)i * 86400 : 0,
      .until = i % 9 == 0 ? (int64_t)i * 86400 + 1 : 0,
      .pos = {i % 2 ? "a.csv" : "b.csv", (int)i + 2},
      .tz = i % 13 == 0 ? "Europe/Madrid" : NULL,
  };
  return c;
}

static int same_str(const char *a, const char *b)
{
  return a == b || (a && b && strcmp(a, b) == 0);
}

/* How many customers differ from what make gave, read through b when in
** order, else through a fresh buffer each. */
static size_t differ(const mj_model *m, const char *lng, const char *big,
                     int in_order)
{
  size_t bad = 0;
  mj_customer_buf *b = malloc(sizeof *b);
  mj__customer_buf_init(b);
  for (size_t k = 0; k < N; k++) {
    size_t i = in_order ? k : (k * 7919) % N;
    if (!in_order)
      mj__customer_buf_init(b);
    char id[32], name[32], email[32];
    mj_customer want = make(i, id, name, email, lng, big), got;
    if (mj__customer_at(m, i, &got, b) != MJ_OK) {
      bad++;
      continue;
    }
    int ok_all =
        same_str(want.id, got.id) && same_str(want.segment, got.segment) &&
        same_str(want.name, got.name) && same_str(want.lang, got.lang) &&
        same_str(want.channel, got.channel) &&
        same_str(want.email, got.email) && want.consent == got.consent &&
        same_str(want.consent_channels ? "sms,email" : NULL,
                 got.consent_channels) &&
        want.since == got.since && want.until == got.until &&
        same_str(want.pos.file, got.pos.file) &&
        want.pos.line == got.pos.line && same_str(want.tz, got.tz);
    if (!ok_all && bad++ < 3)
      diag("customer %zu ('%s') differs", i, want.id);
  }
  free(b);
  return bad;
}

static mj_model *fill(const char *lng, const char *big)
{
  mj_model *m = calloc(1, sizeof *m);
  for (size_t i = 0; i < N; i++) {
    char id[32], name[32], email[32];
    mj_customer c = make(i, id, name, email, lng, big);
    if (mj__customer_add(m, &c) != MJ_OK)
      return m;
  }
  mj__customer_fit(m);
  return m;
}

static void drop(mj_model *m)
{
  mj__customer_free(m);
  mj__arena_free(&m->arena);
  free(m);
}

int main(void)
{
  plan(14);
  char *lng = big_name(LONG_NAME, 'x'), *big = big_name(BIG_NAME, 'y');

  mj_model *m = fill(lng, big);
  is_int(N, (int)m->n_customers, "all customers added");
  ok(m->customers.rest.has_fd, "past 1 MiB the rests went to a file");
  ok(m->customers.rest.mem_len >= LONG_NAME,
     "a rest longer than a file piece stayed in memory");
  is_int(0, (int)differ(m, lng, big, 1), "read in order: all fields equal");
  is_int(0, (int)differ(m, lng, big, 0), "read at random: all fields equal");

  /* Two views at once keep their own strings. */
  mj_customer_buf *b1 = malloc(sizeof *b1), *b2 = malloc(sizeof *b2);
  mj__customer_buf_init(b1);
  mj__customer_buf_init(b2);
  mj_customer u1, u2;
  mj__customer_at(m, N - 1, &u1, b1);
  mj__customer_at(m, 1, &u2, b2);
  char want[32];
  snprintf(want, sizeof want, "Name %d", N - 1);
  is_string(want, u1.name, "a view outlives another buffer's read");
  is_string("Name 1", u2.name, "and the other view is its own");
  is_string(big, (mj__customer_at(m, 18, &u1, b1), u1.name),
            "a 7000-byte name comes back from the file whole");

  size_t first, dup;
  ok(mj__customer_index(m, &first, &dup) == MJ_OK && !dup, "indexed");
  mj__customer_buf_init(b1);
  const mj_customer *c = mj__model_customer(m, "K039997", &u1, b1);
  ok(c && same_str(c->email, "e39997@example.org") &&
         c->since == 39997 * 86400LL,
     "found by id, with its e-mail and date");
  is_string("es", mj__customer_lang(m, 1), "the language is kept with the id");
  drop(m);

  /* No temporary file: everything in memory, the same customers. */
  setenv("TMPDIR", "/nonexistent/mejora-test", 1);
  m = fill(lng, big);
  ok(!m->customers.rest.has_fd && m->customers.rest.no_file,
     "without a temporary folder the rests stay in memory");
  is_int(0, (int)differ(m, lng, big, 1), "and read back equal in order");
  is_int(0, (int)differ(m, lng, big, 0), "and at random");
  drop(m);
  free(b1);
  free(b2);
  free(lng);
  free(big);
  return tap_done();
}
