/*
** The web collector's pages: a questionnaire as one accessible HTML form
** that works without a script, its stylesheet and its script (served
** from the same origin, so the policy needs no inline code).
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page.h"

/* ---- text ------------------------------------------------------------------ */

void web_put(buf *b, const char *s, size_t n)
{
  if (!b->ok)
    return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1)
      cap *= 2;
    char *p = realloc(b->s, cap);
    if (!p) {
      b->ok = 0;
      return;
    }
    b->s = p;
    b->cap = cap;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void web_puts(buf *b, const char *s)
{
  web_put(b, s, strlen(s));
}

void web_printf(buf *b, const char *fmt, ...)
{
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0)
    web_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void web_html(buf *b, const char *s)
{
  for (const char *p = s ? s : ""; *p; p++) {
    const char *r = *p == '&'    ? "&amp;"
                    : *p == '<'  ? "&lt;"
                    : *p == '>'  ? "&gt;"
                    : *p == '"'  ? "&quot;"
                    : *p == '\'' ? "&#39;"
                                 : NULL;
    if (r)
      web_puts(b, r);
    else
      web_put(b, p, 1);
  }
}

void web_json(buf *b, const char *s)
{
  web_put(b, "\"", 1);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\') {
      web_put(b, "\\", 1);
      web_put(b, (const char *)p, 1);
    } else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&') {
      web_printf(b, "\\u%04x", *p);
    } else {
      web_put(b, (const char *)p, 1);
    }
  }
  web_put(b, "\"", 1);
}

/* ---- words ----------------------------------------------------------------- */

static const char *const words_en[N_WORDS] = {
    [W_VOLUNTARY] = "Answering is voluntary: you may leave out any question "
                    "not marked as required.",
    [W_MINUTES] = "It takes about %d minutes.",
    [W_REQUIRED] = "(required)",
    [W_SEND] = "Send my answers",
    [W_PROBLEM] = "Some answers need your attention",
    [W_NA] = "No experience",
    [W_OTHER] = "Other",
    [W_YES] = "Yes",
    [W_NO] = "No",
    [W_COND] = "Answer only if it applies to you.",
    [W_THANKS] = "Thank you! Your answers are saved.",
    [W_USED] = "This link has already been used to answer. Thank you!",
    [W_EXPIRED] = "This link has expired, and can no longer be used to "
                  "answer.",
    [W_NOTFOUND] = "This link is not valid. Please check the address in "
                   "your invitation.",
    [W_FORBIDDEN] = "Your session has expired. Please open the link again; "
                    "nothing was saved.",
    [W_TOOLARGE] = "Your answers are too long to be saved.",
    [W_TOOMANY] = "Too many requests. Please wait a minute and try again.",
    [W_ERROR] = "Something went wrong on our side; your answers were not "
                "saved. Please try again later.",
    [W_SURVEY] = "Survey",
    [W_CHOOSE] = "Choose",
    [W_UNSUB] = "Unsubscribe",
    [W_UNSUB_ASK] = "Do you want to stop receiving our messages? We will "
                    "send you no more.",
    [W_UNSUB_DONE] = "You are unsubscribed: we will send you no more "
                     "messages.",
};

static const char *const words_es[N_WORDS] = {
    [W_VOLUNTARY] = "Responder es voluntario: puede dejar sin responder "
                    "cualquier pregunta no marcada como obligatoria.",
    [W_MINUTES] = "Le llevará unos %d minutos.",
    [W_REQUIRED] = "(obligatoria)",
    [W_SEND] = "Enviar mis respuestas",
    [W_PROBLEM] = "Algunas respuestas necesitan su atención",
    [W_NA] = "Sin experiencia",
    [W_OTHER] = "Otra",
    [W_YES] = "Sí",
    [W_NO] = "No",
    [W_COND] = "Responda solo si le corresponde.",
    [W_THANKS] = "¡Gracias! Sus respuestas se han guardado.",
    [W_USED] = "Este enlace ya se usó para responder. ¡Gracias!",
    [W_EXPIRED] = "Este enlace ha caducado y ya no sirve para responder.",
    [W_NOTFOUND] = "Este enlace no es válido. Revise la dirección de su "
                   "invitación.",
    [W_FORBIDDEN] = "Su sesión ha caducado. Abra el enlace de nuevo; no se "
                    "guardó nada.",
    [W_TOOLARGE] = "Sus respuestas son demasiado largas para guardarlas.",
    [W_TOOMANY] = "Demasiadas peticiones. Espere un minuto y vuelva a "
                  "intentarlo.",
    [W_ERROR] = "Algo falló por nuestra parte; sus respuestas no se "
                "guardaron. Inténtelo más tarde.",
    [W_SURVEY] = "Encuesta",
    [W_CHOOSE] = "Elija",
    [W_UNSUB] = "Darse de baja",
    [W_UNSUB_ASK] = "¿Quiere dejar de recibir nuestros mensajes? No le "
                    "enviaremos más.",
    [W_UNSUB_DONE] = "Se ha dado de baja: no le enviaremos más mensajes.",
};

const char *web_word_in(const char *lang, web_word w)
{
  if (lang && lang[0] == 'e' && lang[1] == 's' &&
      (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_'))
    return words_es[w];
  return words_en[w];
}

/* ---- the form -------------------------------------------------------------- */

static int is_kind(const mj_form_question *q, const char *type)
{
  return strcmp(q->type, type) == 0;
}

static int is_points_scale(const mj_form_question *q)
{
  return strncmp(q->type, "scale", 5) == 0 || is_kind(q, "nps") ||
         is_kind(q, "ces");
}

/* Whether the last answer (a cell: codes joined by ';') holds code. */
static int holds(const char *value, const char *code)
{
  size_t n = strlen(code);
  for (const char *p = value; p && *p;) {
    const char *end = strchr(p, ';');
    size_t k = end ? (size_t)(end - p) : strlen(p);
    if (k == n && strncmp(p, code, n) == 0)
      return 1;
    p = end ? end + 1 : NULL;
  }
  return 0;
}

/* The "other:TEXT" part of the last answer, or "". */
static const char *other_text(const char *value, size_t *n)
{
  const char *p = value ? strstr(value, "other:") : NULL;
  if (!p || (p != value && p[-1] != ';')) {
    *n = 0;
    return "";
  }
  p += 6;
  const char *end = strchr(p, ';');
  *n = end ? (size_t)(end - p) : strlen(p);
  return p;
}

static void attr_described(buf *b, const mj_form_question *q)
{
  if (q->error)
    web_printf(b, " aria-invalid=\"true\"");
  web_puts(b, " aria-describedby=\"e-");
  web_html(b, q->id);
  web_puts(b, "\"");
}

static void radio(buf *b, const mj_form_question *q, const char *value,
                  const char *label, const char *cls, int first)
{
  web_printf(b, "<label class=\"%s\"><input type=\"%s\" name=\"q-", cls,
             is_kind(q, "multi") ? "checkbox" : "radio");
  web_html(b, q->id);
  web_puts(b, "\" value=\"");
  web_html(b, value);
  web_puts(b, "\"");
  if (first) {
    web_puts(b, " id=\"i-");
    web_html(b, q->id);
    web_puts(b, "\"");
  }
  if (q->value && (is_kind(q, "multi") ? holds(q->value, value)
                                       : strcmp(q->value, value) == 0))
    web_puts(b, " checked");
  web_puts(b, "><span>");
  web_html(b, label);
  web_puts(b, "</span></label>");
}

static void question(buf *b, const mj_form_question *q, const char *lang)
{
  int group = is_points_scale(q) || is_kind(q, "choice") ||
              is_kind(q, "multi") || is_kind(q, "yesno");
  web_puts(b, group ? "<fieldset class=\"q\"" : "<div class=\"q\"");
  web_puts(b, " id=\"q-");
  web_html(b, q->id);
  web_puts(b, "\" data-id=\"");
  web_html(b, q->id);
  web_puts(b, "\"");
  if (q->conditional)
    web_puts(b, " data-cond=\"1\"");
  web_puts(b, ">");
  web_puts(b, group ? "<legend>" : "<label class=\"text\" for=\"i-");
  if (!group) {
    web_html(b, q->id);
    web_puts(b, "\">");
  }
  web_html(b, q->text);
  if (q->required) {
    web_puts(b, " <span class=\"req\">");
    web_html(b, web_word_in(lang, W_REQUIRED));
    web_puts(b, "</span>");
  }
  web_puts(b, group ? "</legend>" : "</label>");
  if (q->conditional) {
    web_puts(b, "<p class=\"cond\">");
    web_html(b, web_word_in(lang, W_COND));
    web_puts(b, "</p>");
  }
  /* The error first, so it is read before the controls. */
  web_puts(b, "<p class=\"err\" id=\"e-");
  web_html(b, q->id);
  web_puts(b, "\">");
  web_html(b, q->error ? q->error : "");
  web_puts(b, "</p>");

  if (is_points_scale(q)) {
    /* Bare points fit a phone's width as a row of buttons; points with
    ** words are a list, one a line. */
    int words = 0;
    for (int v = q->min; q->labels && v <= q->max; v++)
      words |= q->labels[v - q->min] && *q->labels[v - q->min];
    web_puts(b, words ? "<div class=\"opts\"" : "<div class=\"scale\"");
    attr_described(b, q);
    web_puts(b, ">");
    for (int v = q->min; v <= q->max; v++) {
      char num[16], lab[600];
      snprintf(num, sizeof num, "%d", v);
      const char *l = q->labels ? q->labels[v - q->min] : NULL;
      if (l && *l)
        snprintf(lab, sizeof lab, "%d %s", v, l);
      else
        snprintf(lab, sizeof lab, "%d", v);
      radio(b, q, num, lab, words ? "opt" : "pt", v == q->min);
    }
    web_puts(b, "</div>");
    if (q->allow_na)
      radio(b, q, "NA", web_word_in(lang, W_NA), "opt na", 0);
  } else if (is_kind(q, "choice") || is_kind(q, "multi")) {
    web_puts(b, "<div class=\"opts\"");
    attr_described(b, q);
    web_puts(b, ">");
    for (size_t i = 0; i < q->n_options; i++)
      radio(b, q, q->options[i].code, q->options[i].label, "opt", i == 0);
    if (q->other) {
      size_t n;
      const char *t = other_text(q->value, &n);
      radio(b, q, "other", web_word_in(lang, W_OTHER), "opt", 0);
      web_puts(b, "<input class=\"other\" type=\"text\" name=\"o-");
      web_html(b, q->id);
      web_puts(b, "\" aria-label=\"");
      web_html(b, web_word_in(lang, W_OTHER));
      web_puts(b, "\" value=\"");
      char *copy = strndup(t, n);
      web_html(b, copy ? copy : "");
      free(copy);
      web_puts(b, "\">");
    }
    if (q->allow_na)
      radio(b, q, "NA", web_word_in(lang, W_NA), "opt na", 0);
    web_puts(b, "</div>");
  } else if (is_kind(q, "yesno")) {
    web_puts(b, "<div class=\"opts\"");
    attr_described(b, q);
    web_puts(b, ">");
    radio(b, q, "yes", web_word_in(lang, W_YES), "opt", 1);
    radio(b, q, "no", web_word_in(lang, W_NO), "opt", 0);
    if (q->allow_na)
      radio(b, q, "NA", web_word_in(lang, W_NA), "opt na", 0);
    web_puts(b, "</div>");
  } else {
    int text = is_kind(q, "text");
    web_puts(b, text ? "<textarea rows=\"4\"" : "<input");
    web_puts(b, " id=\"i-");
    web_html(b, q->id);
    web_puts(b, "\" name=\"q-");
    web_html(b, q->id);
    web_puts(b, "\"");
    attr_described(b, q);
    if (text) {
      web_printf(b, " maxlength=\"%d\">", q->max_len);
      web_html(b, q->value);
      web_puts(b, "</textarea>");
    } else {
      if (is_kind(q, "date"))
        web_puts(b, " type=\"date\"");
      else
        web_puts(b, " type=\"text\" inputmode=\"decimal\"");
      web_puts(b, " value=\"");
      web_html(b, q->value);
      web_puts(b, "\">");
    }
    if (q->allow_na) {
      web_puts(b, "<label class=\"opt na\"><input type=\"checkbox\" "
                  "name=\"n-");
      web_html(b, q->id);
      web_puts(b, "\" value=\"NA\"");
      if (q->value && strcmp(q->value, "NA") == 0)
        web_puts(b, " checked");
      web_puts(b, "><span>");
      web_html(b, web_word_in(lang, W_NA));
      web_puts(b, "</span></label>");
    }
  }
  web_puts(b, group ? "</fieldset>" : "</div>");
}

static void head(buf *b, const char *lang, const char *title)
{
  web_puts(b, "<!doctype html>\n<html lang=\"");
  web_html(b, lang ? lang : "en");
  web_puts(b, "\"><head><meta charset=\"utf-8\">"
              "<meta name=\"viewport\" content=\"width=device-width, "
              "initial-scale=1\"><title>");
  web_html(b, title);
  web_puts(b, "</title><link rel=\"stylesheet\" href=\"/s/form.css\">"
              "<script src=\"/s/form.js\" defer></script></head>\n");
}

void web_form_page(buf *b, const mj_form *f, const char *action,
                   const char *csrf, const char *rid, int errors)
{
  head(b, f->lang, f->title);
  web_puts(b, "<body data-draft=\"");
  web_html(b, action);
  web_puts(b, "\"><main><h1>");
  web_html(b, f->title);
  web_puts(b, "</h1>");
  if (f->intro) {
    web_puts(b, "<p class=\"intro\">");
    web_html(b, f->intro);
    web_puts(b, "</p>");
  }
  web_puts(b, "<p class=\"meta\">");
  web_html(b, web_word_in(f->lang, W_VOLUNTARY));
  if (f->minutes > 0) {
    char m[200];
    snprintf(m, sizeof m, web_word_in(f->lang, W_MINUTES), f->minutes);
    web_puts(b, " ");
    web_html(b, m);
  }
  web_puts(b, "</p>");
  if (errors) {
    web_puts(b, "<div class=\"summary\" id=\"summary\" role=\"alert\" "
                "tabindex=\"-1\"><h2>");
    web_html(b, web_word_in(f->lang, W_PROBLEM));
    web_puts(b, "</h2><ul>");
    for (size_t i = 0; i < f->n_questions; i++) {
      const mj_form_question *q = &f->questions[i];
      if (!q->error)
        continue;
      web_puts(b, "<li><a href=\"#i-");
      web_html(b, q->id);
      web_puts(b, "\">");
      web_html(b, q->text);
      web_puts(b, ": ");
      web_html(b, q->error);
      web_puts(b, "</a></li>");
    }
    web_puts(b, "</ul></div>");
  }
  web_puts(b, "<form method=\"post\" novalidate action=\"");
  web_html(b, action);
  web_puts(b, "\" data-check=\"");
  web_html(b, action);
  web_puts(b, "/check\"><input type=\"hidden\" name=\"csrf\" value=\"");
  web_html(b, csrf);
  web_puts(b, "\">");
  if (rid) {
    web_puts(b, "<input type=\"hidden\" name=\"rid\" value=\"");
    web_html(b, rid);
    web_puts(b, "\">");
  }
  const char *section = NULL;
  for (size_t i = 0; i < f->n_questions; i++) {
    const mj_form_question *q = &f->questions[i];
    if (q->section && (!section || strcmp(section, q->section) != 0)) {
      section = q->section;
      web_puts(b, "<h2 class=\"section\">");
      web_html(b, section);
      web_puts(b, "</h2>");
    }
    question(b, q, f->lang);
  }
  web_puts(b, "<button type=\"submit\">");
  web_html(b, web_word_in(f->lang, W_SEND));
  web_puts(b, "</button></form></main></body></html>\n");
}

void web_note_page(buf *b, const char *lang, web_word title, web_word text,
                   const char *draft)
{
  head(b, lang, web_word_in(lang, W_SURVEY));
  web_puts(b, "<body");
  if (draft) {
    /* The script forgets the draft of a form that was saved. */
    web_puts(b, " data-done=\"");
    web_html(b, draft);
    web_puts(b, "\"");
  }
  web_puts(b, "><main><h1>");
  web_html(b, web_word_in(lang, title));
  web_puts(b, "</h1><p class=\"note\" role=\"status\">");
  web_html(b, web_word_in(lang, text));
  web_puts(b, "</p></main></body></html>\n");
}

void web_unsub_page(buf *b, const char *lang, const char *action,
                    const char *csrf)
{
  head(b, lang, web_word_in(lang, W_UNSUB));
  web_puts(b, "<body><main><h1>");
  web_html(b, web_word_in(lang, W_UNSUB));
  web_puts(b, "</h1><p class=\"intro\">");
  web_html(b, web_word_in(lang, W_UNSUB_ASK));
  web_puts(b, "</p><form method=\"post\" action=\"");
  web_html(b, action);
  web_puts(b, "\"><input type=\"hidden\" name=\"csrf\" value=\"");
  web_html(b, csrf);
  web_puts(b, "\"><button type=\"submit\">");
  web_html(b, web_word_in(lang, W_UNSUB));
  web_puts(b, "</button></form></main></body></html>\n");
}

void web_check_json(buf *b, const mj_form *f)
{
  web_puts(b, "{\"asked\":{");
  for (size_t i = 0; i < f->n_questions; i++) {
    web_puts(b, i ? "," : "");
    web_json(b, f->questions[i].id);
    web_puts(b, f->questions[i].asked ? ":true" : ":false");
  }
  web_puts(b, "},\"errors\":{");
  int first = 1;
  for (size_t i = 0; i < f->n_questions; i++) {
    if (!f->questions[i].error)
      continue;
    web_puts(b, first ? "" : ",");
    first = 0;
    web_json(b, f->questions[i].id);
    web_puts(b, ":");
    web_json(b, f->questions[i].error);
  }
  web_puts(b, "}}");
}

/* ---- static files ---------------------------------------------------------- */

/* Mobile first: one column, large targets; wider screens only widen. */
static const char form_css[] =
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:17px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,"
    "sans-serif;color:#1b1b1b;background:#f6f6f4}\n"
    "main{max-width:40rem;margin:0 auto;padding:1rem}\n"
    "h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}\n"
    "h2{font-size:1.15rem}\n"
    ".intro{margin:0 0 .5rem}.meta{color:#444;font-size:.95rem}\n"
    ".q{border:0;margin:0 0 1rem;padding:1rem;background:#fff;"
    "border-radius:.5rem;box-shadow:0 1px 2px rgba(0,0,0,.12)}\n"
    ".q[hidden]{display:none}\n"
    "fieldset{min-width:0}legend{float:left}legend~*{clear:both}\n"
    "legend,label.text{display:block;width:100%;font-weight:600;padding:0;"
    "margin-bottom:.5rem}\n"
    ".req{font-weight:400;color:#555;font-size:.9rem}\n"
    ".cond{color:#555;font-size:.9rem;margin:.25rem 0}\n"
    ".err{color:#b00020;font-weight:600;margin:.25rem 0}.err:empty{display:"
    "none}\n"
    "[aria-invalid=true]{outline:2px solid #b00020;outline-offset:2px}\n"
    ".scale{display:flex;flex-wrap:wrap;gap:.4rem}\n"
    ".scale .pt{flex:1 0 2.75rem}\n"
    ".opt,.pt{display:flex;align-items:center;gap:.5rem;min-height:2.75rem;"
    "padding:.4rem .6rem;border:1px solid #8a8a8a;border-radius:.4rem;"
    "margin:.3rem 0;background:#fff;cursor:pointer}\n"
    ".pt{justify-content:center;text-align:center;margin:0}\n"
    ".opt input,.pt input{width:1.25rem;height:1.25rem;margin:0}\n"
    "input[type=text],input[type=date],textarea{width:100%;font:inherit;"
    "padding:.6rem;border:1px solid #8a8a8a;border-radius:.4rem}\n"
    "input.other{margin:.3rem 0}\n"
    ":focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}\n"
    "button{font:inherit;font-weight:600;width:100%;min-height:3rem;"
    "border:0;border-radius:.5rem;background:#1a5fb4;color:#fff;"
    "cursor:pointer}\n"
    ".summary{border:3px solid #b00020;background:#fff;padding:.5rem 1rem;"
    "margin:0 0 1rem;border-radius:.5rem}\n"
    ".summary a{color:#b00020}\n"
    "@media (min-width:40rem){main{padding:2rem 1rem}button{width:auto;"
    "padding:0 2rem}.scale .pt{flex:1 0 0}}\n";

/*
** Progressive enhancement: questions whose condition is false are hidden
** as earlier answers change, and answers are checked as they are given,
** both by the server's own rules (POST ACTION/check), so the script
** repeats none of them. A draft of the answers stays in the browser
** until the form is saved.
*/
static const char form_js[] =
    "'use strict';\n"
    "(function () {\n"
    "  var body = document.body, done = body.getAttribute('data-done');\n"
    "  function key(p) { return 'mejora-draft:' + p; }\n"
    "  if (done) { try { localStorage.removeItem(key(done)); } catch (e) {}"
    " return; }\n"
    "  var f = document.querySelector('form[data-check]');\n"
    "  if (!f) return;\n"
    "  var draft = key(body.getAttribute('data-draft'));\n"
    "  var touched = {}, timer = null, seq = 0;\n"
    "  var summary = document.getElementById('summary');\n"
    "  if (summary) summary.focus();\n"
    "  function qid(el) { var q = el.closest('.q');"
    " return q ? q.getAttribute('data-id') : null; }\n"
    "  function restore() {\n"
    "    if (summary) return;\n"
    "    var saved; try { saved = JSON.parse(localStorage.getItem(draft) ||"
    " 'null'); } catch (e) { saved = null; }\n"
    "    if (!saved) return;\n"
    "    Array.prototype.forEach.call(f.elements, function (el) {\n"
    "      if (!el.name || el.type === 'hidden' || !(el.name in saved))"
    " return;\n"
    "      var v = saved[el.name];\n"
    "      if (el.type === 'radio' || el.type === 'checkbox')"
    " el.checked = v.indexOf(el.value) >= 0;\n"
    "      else el.value = v[0] || '';\n"
    "    });\n"
    "  }\n"
    "  function save() {\n"
    "    var o = {};\n"
    "    Array.prototype.forEach.call(f.elements, function (el) {\n"
    "      if (!el.name || el.type === 'hidden') return;\n"
    "      o[el.name] = o[el.name] || [];\n"
    "      if ((el.type !== 'radio' && el.type !== 'checkbox') || el.checked)"
    " o[el.name].push(el.value);\n"
    "    });\n"
    "    try { localStorage.setItem(draft, JSON.stringify(o)); } catch (e) {}\n"
    "  }\n"
    "  function apply(r) {\n"
    "    Array.prototype.forEach.call(f.querySelectorAll('.q'),"
    " function (q) {\n"
    "      var id = q.getAttribute('data-id');\n"
    "      q.hidden = !r.asked[id];\n"
    "      var c = q.querySelector('.cond'); if (c) c.hidden = true;\n"
    "      var e = document.getElementById('e-' + id);\n"
    "      var msg = (touched[id] && r.errors[id]) || '';\n"
    "      if (!touched[id] && e.textContent) return;\n"
    "      e.textContent = msg;\n"
    "      e.setAttribute('role', msg ? 'alert' : 'none');\n"
    "      Array.prototype.forEach.call(q.querySelectorAll("
    "'[aria-describedby]'), function (el) {\n"
    "        if (msg) el.setAttribute('aria-invalid', 'true');"
    " else el.removeAttribute('aria-invalid');\n"
    "      });\n"
    "    });\n"
    "  }\n"
    "  function check() {\n"
    "    var mine = ++seq;\n"
    "    var x = new XMLHttpRequest();\n"
    "    x.open('POST', f.getAttribute('data-check'));\n"
    "    x.setRequestHeader('Content-Type',"
    " 'application/x-www-form-urlencoded');\n"
    "    x.onload = function () {\n"
    "      if (mine !== seq || x.status !== 200) return;\n"
    "      try { apply(JSON.parse(x.responseText)); } catch (e) {}\n"
    "    };\n"
    "    x.send(new URLSearchParams(new FormData(f)).toString());\n"
    "  }\n"
    "  function changed(ev) {\n"
    "    var id = qid(ev.target); if (id) touched[id] = true;\n"
    "    save();\n"
    "    clearTimeout(timer); timer = setTimeout(check, 250);\n"
    "  }\n"
    "  f.addEventListener('input', changed);\n"
    "  f.addEventListener('change', changed);\n"
    "  Array.prototype.forEach.call(f.querySelectorAll('.q[data-cond]'),"
    " function (q) { q.hidden = true; });\n"
    "  restore();\n"
    "  check();\n"
    "})();\n";

const char *web_static(const char *name, const char **type)
{
  if (strcmp(name, "form.css") == 0) {
    *type = "text/css; charset=utf-8";
    return form_css;
  }
  if (strcmp(name, "form.js") == 0) {
    *type = "text/javascript; charset=utf-8";
    return form_js;
  }
  return NULL;
}
