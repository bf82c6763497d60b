/*
** Messages to customers: the texts of `message "invitation"` and
** `message "reminder"` (or mejora's own), their {placeholders}, and
** whether a customer consents to a channel.
*/
#include <stdlib.h>
#include <string.h>

#include "model.h"

const char *const mj__message_ids[] = {"invitation", "reminder", NULL};

static const char *const placeholders[] = {
    "customer.id",    "customer.name",  "customer.segment",
    "customer.lang",  "customer.channel", "customer.email",
    "link",           "unsubscribe",    "questionnaire",
    "token",          NULL};

/*
** mejora's own texts, for a playbook that declares none. Plain words a
** service team can send as they are; the notifier adds the unsubscribe
** link to every customer e-mail.
*/
static mj_text inv_subject[] = {
    {"en", "How did we do? Two minutes of your time"},
    {"es", "¿Qué tal le atendimos? Dos minutos de su tiempo"}};
static mj_text inv_text[] = {
    {"en", "Hello {customer.name},\n\nWe would like to know how we served "
           "you. Answering takes two minutes and is voluntary; this link is "
           "yours alone:\n\n{link}\n\nThank you."},
    {"es", "Hola, {customer.name}:\n\nNos gustaría saber cómo le "
           "atendimos. Responder lleva dos minutos y es voluntario; este "
           "enlace es solo suyo:\n\n{link}\n\nGracias."}};
static mj_text rem_subject[] = {
    {"en", "A reminder: how did we do?"},
    {"es", "Recordatorio: ¿qué tal le atendimos?"}};
static mj_text rem_text[] = {
    {"en", "Hello {customer.name},\n\nA few days ago we asked how we served "
           "you. If you have two minutes, your answer helps us improve:\n\n"
           "{link}\n\nWe will not write about it again."},
    {"es", "Hola, {customer.name}:\n\nHace unos días le preguntamos cómo le "
           "atendimos. Si tiene dos minutos, su respuesta nos ayuda a "
           "mejorar:\n\n{link}\n\nNo volveremos a escribirle sobre ello."}};

static const mj_message_decl builtin[] = {
    {"invitation", {inv_subject, 2}, {inv_text, 2}, {NULL, 0}, {NULL, 0}},
    {"reminder", {rem_subject, 2}, {rem_text, 2}, {NULL, 0}, {NULL, 0}},
};

const mj_message_decl *mj__message_get(const mj_model *m, const char *id)
{
  for (size_t i = 0; m && i < m->n_messages; i++)
    if (!strcmp(m->messages[i].id, id))
      return &m->messages[i];
  for (size_t i = 0; i < sizeof builtin / sizeof *builtin; i++)
    if (!strcmp(builtin[i].id, id))
      return &builtin[i];
  return NULL;
}

int mj__message_placeholder(const char *name)
{
  for (size_t i = 0; placeholders[i]; i++)
    if (!strcmp(placeholders[i], name))
      return 1;
  return 0;
}

/* The length of the placeholder name at s (after its '{'), up to its
** '}', or 0 when s does not start one. */
static size_t name_len(const char *s)
{
  size_t n = 0;
  while ((s[n] >= 'a' && s[n] <= 'z') || s[n] == '_' || s[n] == '.')
    n++;
  return n > 0 && s[n] == '}' ? n : 0;
}

int mj__message_unknown(const char *text, char *bad, size_t n)
{
  for (const char *p = text ? strchr(text, '{') : NULL; p;
       p = strchr(p + 1, '{')) {
    size_t k = name_len(p + 1);
    if (!k || k >= 64)
      continue;
    char name[64];
    memcpy(name, p + 1, k);
    name[k] = '\0';
    if (!mj__message_placeholder(name)) {
      if (n) {
        size_t c = k < n - 1 ? k : n - 1;
        memcpy(bad, name, c);
        bad[c] = '\0';
      }
      return 1;
    }
  }
  return 0;
}

char *mj__message_fill(const char *text,
                       const char *(*value)(void *ud, const char *name),
                       void *ud)
{
  size_t cap = strlen(text) + 64, len = 0;
  char *out = malloc(cap);
  for (const char *p = text; out && *p;) {
    /* One byte as written, or a known placeholder's value. */
    const char *piece = p;
    size_t plen = 1, skip = 1, k = *p == '{' ? name_len(p + 1) : 0;
    char name[64];
    if (k && k < sizeof name) {
      memcpy(name, p + 1, k);
      name[k] = '\0';
      if (mj__message_placeholder(name)) {
        piece = value(ud, name);
        plen = piece ? strlen(piece) : 0;
        skip = k + 2;
      }
    }
    if (len + plen + 1 > cap) {
      cap = 2 * (len + plen + 1);
      char *grown = realloc(out, cap);
      if (!grown)
        free(out);
      out = grown;
      if (!out)
        break;
    }
    if (plen)
      memcpy(out + len, piece, plen);
    len += plen;
    p += skip;
  }
  if (out)
    out[len] = '\0';
  return out;
}

static int channel_char(char ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
         (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
}

static int channel_sep(char ch)
{
  return ch == ',' || ch == ';' || ch == ' ' || ch == '\t';
}

int mj__channel_list_ok(const char *s)
{
  int names = 0;
  for (const char *p = s; *p; p++) {
    if (!channel_char(*p) && !channel_sep(*p))
      return 0;
    names += channel_char(*p) && (p == s || !channel_char(p[-1]));
  }
  return names > 0;
}

void mj__channel_list(const char *s, char *out)
{
  size_t n = 0;
  for (const char *p = s; *p; p++) {
    if (!channel_char(*p))
      continue;
    if (n && (p == s || !channel_char(p[-1])))
      out[n++] = ',';
    out[n++] = *p;
  }
  out[n] = '\0';
}

int mj__customer_consents(const mj_customer *c, const char *channel)
{
  if (!c->consent || !channel)
    return 0;
  if (!c->consent_channels)
    return 1;
  size_t n = strlen(channel);
  for (const char *p = c->consent_channels; *p;) {
    size_t k = strcspn(p, ",");
    if (k == n && !strncmp(p, channel, n))
      return 1;
    p += k + (p[k] == ',');
  }
  return 0;
}
