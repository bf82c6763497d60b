/*
** The report as one HTML page: inline CSS and SVG, no script, in the
** playbook's language. A first page a manager reads in a minute, then a
** section per kind of figure the cycle stored (one with no data is left
** out). Every figure shown carries a <data> element whose data-figure
** names it as the JSON report does, so a program can check the page.
*/
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"

/* ---- words ------------------------------------------------------------- */

enum {
  W_TITLE, W_FINISHED, W_CI_NOTE, W_CI_NOTE_ANY, W_SUMMARY, W_REQS, W_REQ,
  W_MEAN, W_MEAN_ANY, W_NPS_CI, W_NPS_CI_ANY,
  W_TARGET, W_VERDICT, W_MET, W_NOT_MET, W_NO_ANSWERS, W_TOO_FEW, W_KPIS,
  W_NPS, W_CSAT, W_CHANGE, W_SIGNIFICANT, W_NOT_SIGNIFICANT, W_NOT_TESTED,
  W_NO_PREVIOUS, W_PLANS, W_OPEN_PLANS, W_OVERDUE, W_NO_PLAN, W_COMMENTS,
  W_NO_COMMENT, W_TRENDS, W_CYCLE, W_DIST, W_ANSWERS,
  W_SERVQUAL, W_GAP, W_DIMENSION, W_IPA, W_IMPORTANCE, W_PERFORMANCE,
  W_QUADRANT, W_ITEM, W_KANO, W_CATEGORY, W_BETTER, W_WORSE, W_FEATURE,
  W_COMPLAINTS, W_PARETO, W_CAT, W_COUNT, W_SHARE, W_CUMULATIVE, W_STEPS,
  W_STEP, W_HOURS_MEDIAN, W_HOURS_MEAN, W_AUDITS, W_SITE, W_CRITERION,
  W_COMPLIANCE, W_STANDARD, W_INDICATOR, W_GAPS, W_GAP_WHAT, W_ABOUT,
  W_GAPS_SCALE,
  W_DATA, W_STATUS, W_OWNER, W_DUE, W_ACTION, W_PLAN, W_QUESTION,
  W_SEGMENT, W_N, W_MEAN_SHORT, W_WORDS
};

static const char *const words_en[W_WORDS] = {
    [W_TITLE] = "Service improvement report",
    [W_FINISHED] = "Cycle %s, finished %s.",
    [W_CI_NOTE] = "Figures with their %s confidence interval in brackets.",
    [W_CI_NOTE_ANY] = ("Figures with their confidence interval in brackets, "
                       "at each scorer's level: "),
    [W_SUMMARY] = "Summary",
    [W_REQS] = "Requirements against their targets",
    [W_REQ] = "Requirement", [W_MEAN] = "Mean [%s CI]",
    [W_MEAN_ANY] = "Mean [CI]", [W_NPS_CI] = "NPS [%s CI]",
    [W_NPS_CI_ANY] = "NPS [CI]",
    [W_TARGET] = "Target", [W_VERDICT] = "Verdict", [W_MET] = "met",
    [W_NOT_MET] = "not met", [W_NO_ANSWERS] = "no answers",
    [W_TOO_FEW] = "too few", [W_KPIS] = "Loyalty and satisfaction",
    [W_NPS] = "NPS", [W_CSAT] = "CSAT (top two boxes, %)",
    [W_CHANGE] = "Change", [W_SIGNIFICANT] = "significant",
    [W_NOT_SIGNIFICANT] = "not significant", [W_NOT_TESTED] = "not tested",
    [W_NO_PREVIOUS] = "no earlier cycle",
    [W_PLANS] = "Improvement plans", [W_OPEN_PLANS] = "Open plans",
    [W_OVERDUE] = "Overdue actions", [W_NO_PLAN] = "No plan is open.",
    [W_COMMENTS] = "What customers wrote",
    [W_NO_COMMENT] = "No open-text answer in this cycle.",
    [W_TRENDS] = "Trends over the cycles", [W_CYCLE] = "Cycle",
    [W_DIST] = "How customers answered", [W_ANSWERS] = "answers",
    [W_SERVQUAL] = "SERVQUAL gaps per dimension", [W_GAP] = "Gap",
    [W_DIMENSION] = "Dimension",
    [W_IPA] = "Importance-performance analysis",
    [W_IMPORTANCE] = "Importance", [W_PERFORMANCE] = "Performance",
    [W_QUADRANT] = "Quadrant", [W_ITEM] = "Item",
    [W_KANO] = "Kano categories", [W_CATEGORY] = "Category",
    [W_BETTER] = "Better", [W_WORSE] = "Worse", [W_FEATURE] = "Feature",
    [W_COMPLAINTS] = "Complaints", [W_PARETO] = "Complaints by category",
    [W_CAT] = "Category", [W_COUNT] = "Count", [W_SHARE] = "Share %",
    [W_CUMULATIVE] = "Cumulative %", [W_STEPS] = "Hours to each step",
    [W_STEP] = "Step", [W_HOURS_MEDIAN] = "Median hours",
    [W_HOURS_MEAN] = "Mean hours [95% CI]",
    [W_AUDITS] = "Mystery shopping: compliance per site and criterion (%)",
    [W_SITE] = "Site", [W_CRITERION] = "Criterion",
    [W_COMPLIANCE] = "Compliance %", [W_STANDARD] = "Service standard",
    [W_INDICATOR] = "Indicator", [W_GAPS] = "The 5-gap model",
    [W_GAP_WHAT] = "What it compares", [W_ABOUT] = "About",
    [W_GAPS_SCALE] = "Gaps on the answer scale",
    [W_DATA] = "The figures as a table", [W_STATUS] = "Status",
    [W_OWNER] = "Owner", [W_DUE] = "Due", [W_ACTION] = "Action",
    [W_PLAN] = "Plan", [W_QUESTION] = "Question", [W_SEGMENT] = "Segment",
    [W_N] = "n", [W_MEAN_SHORT] = "Mean",
};

static const char *const words_es[W_WORDS] = {
    [W_TITLE] = "Informe de mejora del servicio",
    [W_FINISHED] = "Ciclo %s, cerrado el %s.",
    [W_CI_NOTE] = ("Cifras con su intervalo de confianza del %s entre "
                   "corchetes."),
    [W_CI_NOTE_ANY] = ("Cifras con su intervalo de confianza entre "
                       "corchetes, al nivel de cada cálculo: "),
    [W_SUMMARY] = "Resumen",
    [W_REQS] = "Requisitos frente a su objetivo",
    [W_REQ] = "Requisito", [W_MEAN] = "Media [IC %s]",
    [W_MEAN_ANY] = "Media [IC]", [W_NPS_CI] = "NPS [IC %s]",
    [W_NPS_CI_ANY] = "NPS [IC]",
    [W_TARGET] = "Objetivo", [W_VERDICT] = "Resultado",
    [W_MET] = "cumplido", [W_NOT_MET] = "no cumplido",
    [W_NO_ANSWERS] = "sin respuestas", [W_TOO_FEW] = "muy pocas",
    [W_KPIS] = "Lealtad y satisfacción", [W_NPS] = "NPS",
    [W_CSAT] = "CSAT (dos casillas superiores, %)", [W_CHANGE] = "Cambio",
    [W_SIGNIFICANT] = "significativo",
    [W_NOT_SIGNIFICANT] = "no significativo",
    [W_NOT_TESTED] = "sin contraste", [W_NO_PREVIOUS] = "sin ciclo anterior",
    [W_PLANS] = "Planes de mejora", [W_OPEN_PLANS] = "Planes abiertos",
    [W_OVERDUE] = "Acciones vencidas",
    [W_NO_PLAN] = "No hay ningún plan abierto.",
    [W_COMMENTS] = "Lo que escribieron los clientes",
    [W_NO_COMMENT] = "Ninguna respuesta abierta en este ciclo.",
    [W_TRENDS] = "Evolución por ciclos", [W_CYCLE] = "Ciclo",
    [W_DIST] = "Cómo respondieron los clientes", [W_ANSWERS] = "respuestas",
    [W_SERVQUAL] = "Brechas SERVQUAL por dimensión", [W_GAP] = "Brecha",
    [W_DIMENSION] = "Dimensión",
    [W_IPA] = "Análisis importancia-desempeño",
    [W_IMPORTANCE] = "Importancia", [W_PERFORMANCE] = "Desempeño",
    [W_QUADRANT] = "Cuadrante", [W_ITEM] = "Elemento",
    [W_KANO] = "Categorías de Kano", [W_CATEGORY] = "Categoría",
    [W_BETTER] = "Mejor", [W_WORSE] = "Peor",
    [W_FEATURE] = "Característica", [W_COMPLAINTS] = "Quejas",
    [W_PARETO] = "Quejas por categoría", [W_CAT] = "Categoría",
    [W_COUNT] = "Número", [W_SHARE] = "% del total",
    [W_CUMULATIVE] = "% acumulado", [W_STEPS] = "Horas hasta cada paso",
    [W_STEP] = "Paso", [W_HOURS_MEDIAN] = "Mediana de horas",
    [W_HOURS_MEAN] = "Media de horas [IC 95 %]",
    [W_AUDITS] = "Cliente misterioso: cumplimiento por centro y criterio (%)",
    [W_SITE] = "Centro", [W_CRITERION] = "Criterio",
    [W_COMPLIANCE] = "% de cumplimiento",
    [W_STANDARD] = "Estándar de servicio", [W_INDICATOR] = "Indicador",
    [W_GAPS] = "El modelo de las cinco brechas",
    [W_GAP_WHAT] = "Qué compara", [W_ABOUT] = "Sobre",
    [W_GAPS_SCALE] = "Brechas en la escala de respuesta",
    [W_DATA] = "Las cifras en una tabla", [W_STATUS] = "Estado",
    [W_OWNER] = "Responsable", [W_DUE] = "Vence", [W_ACTION] = "Acción",
    [W_PLAN] = "Plan", [W_QUESTION] = "Pregunta", [W_SEGMENT] = "Segmento",
    [W_N] = "n", [W_MEAN_SHORT] = "Media",
};

typedef struct page {
  FILE *f;
  mj_engine *e;
  const mj_model *m;
  mj_report_data *d;
  const char *lang;          /* "en" or "es" */
  const char *const *w;      /* its words */
  /* The intervals' levels: lv[n_lv] per scorer, level their one level
  ** as text ("95%"), "" when they differ. */
  mj_ci_level lv[MJ_CI_LEVELS];
  size_t n_lv;
  char level[32];
  int charts;                /* charts so far: each gets its own ids */
} page;

/*
** The playbook's language: the first questionnaire's declared one, else
** the one most of its customers speak; English when neither says, or
** for a language the report has no words for.
*/
static const char *report_lang(const mj_model *m)
{
  const char *lang = NULL;
  for (size_t i = 0; m && i < m->n_questionnaires && !lang; i++)
    lang = m->questionnaires[i].lang;
  if (!lang && m) {
    size_t es = 0, other = 0;
    for (size_t i = 0; i < m->n_customers; i++) {
      const char *ul = mj__customer_lang(m, i);
      if (ul && strncmp(ul, "es", 2) == 0)
        es++;
      else if (ul)
        other++;
    }
    lang = es > other ? "es" : "en";
  }
  return lang && strncmp(lang, "es", 2) == 0 ? "es" : "en";
}

static const char *W(const page *p, int k)
{
  return p->w[k] ? p->w[k] : words_en[k];
}

/* A word that states the intervals' level (k), or its variant for
** scorers at different levels (k + 1), which the page's note lists. */
static const char *CI(const page *p, int k, char *buf, size_t n)
{
  if (!p->level[0])
    return W(p, k + 1);
  snprintf(buf, n, W(p, k), p->level);
  return buf;
}

static int same(const char *a, const char *b)
{
  return a == b || (a && b && strcmp(a, b) == 0);
}

static int is_all(const mj_result_rec *r)
{
  return !r->segment || strcmp(r->segment, "all") == 0;
}

/* ---- figures on the page ---------------------------------------------- */

/* A figure's name as the JSON report has its fields, '|' between them. */
static void figure_key(char *buf, size_t n, const mj_result_rec *r)
{
#define F(s) ((s) ? (s) : "")
  snprintf(buf, n, "%lld|%s|%s|%s|%s|%s|%s|%s|%s", (long long)r->cycle,
           F(r->scorer), F(r->metric), F(r->questionnaire), F(r->question),
           F(r->requirement), F(r->segment), F(r->subject), F(r->label));
#undef F
}

static int decimals(const mj_result_rec *r)
{
  if (strcmp(r->metric, "count") == 0 || strcmp(r->metric, "met") == 0)
    return 0;
  return strcmp(r->metric, "mean") == 0 || strcmp(r->metric, "better") == 0 ||
                 strcmp(r->metric, "worse") == 0 ||
                 strcmp(r->metric, "gap") == 0 ||
                 strcmp(r->metric, "performance") == 0 ||
                 strcmp(r->metric, "importance") == 0 ||
                 strncmp(r->metric, "gap", 3) == 0
             ? 2
             : 1;
}

/* A figure below min_n: kept with its n, without a value. */
static int too_few(const page *p, const mj_result_rec *r)
{
  int min_n = p->d->min_n > 0 ? p->d->min_n : 1;
  return isnan(r->value) && (int64_t)r->n < min_n;
}

/*
** One figure: <data value="..." data-figure="KEY">3.48 [3.27, 3.69]</data>,
** the interval when ci and known; "too few" (value "") below min_n.
*/
static void fig(page *p, const mj_result_rec *r, int ci)
{
  char key[600];
  figure_key(key, sizeof key, r);
  if (isnan(r->value)) {
    fputs("<data value=\"\" data-figure=\"", p->f);
    mj__html_text(p->f, key);
    fprintf(p->f, "\" class=\"few\">%s</data>",
            W(p, too_few(p, r) ? W_TOO_FEW : W_NO_ANSWERS));
    return;
  }
  int dp = decimals(r);
  fprintf(p->f, "<data value=\"%.10g\" data-figure=\"", r->value);
  mj__html_text(p->f, key);
  fprintf(p->f, "\">%.*f", dp, r->value);
  if (ci && !isnan(r->ci_low) && !isnan(r->ci_high))
    fprintf(p->f, " <span class=\"ci\">[%.*f, %.*f]</span>", dp, r->ci_low,
            dp, r->ci_high);
  fputs("</data>", p->f);
}

/* A figure shown as words (a verdict): the value stays machine-readable. */
static void fig_as(page *p, const mj_result_rec *r, const char *shown)
{
  char key[600];
  figure_key(key, sizeof key, r);
  fprintf(p->f, "<data value=\"%.10g\" data-figure=\"", r->value);
  mj__html_text(p->f, key);
  fputs("\">", p->f);
  mj__html_text(p->f, shown);
  fputs("</data>", p->f);
}

/* A figure's change since the previous cycle, in words. */
static void change(page *p, const mj_result_rec *r)
{
  if (isnan(r->delta)) {
    fprintf(p->f, "<span class=\"muted\">%s</span>", W(p, W_NO_PREVIOUS));
    return;
  }
  int dp = decimals(r);
  fprintf(p->f, "%s%.*f ", r->delta > 0 ? "+" : r->delta < 0 ? "" : "±", dp,
          r->delta);
  if (!r->test || strcmp(r->test, "none") == 0 || isnan(r->p_change))
    fprintf(p->f, "<span class=\"muted\">(%s)</span>", W(p, W_NOT_TESTED));
  else {
    char pv[32];
    int sig = r->p_change < 0.05;
    fprintf(p->f, "<span class=\"%s\">(%s %s, p = %s)</span>",
            sig ? "sig" : "muted", sig ? "&#9650;" : "&#8776;",
            W(p, sig ? W_SIGNIFICANT : W_NOT_SIGNIFICANT),
            mj__fmt_p(pv, sizeof pv, r->p_change));
  }
}

static void text(page *p, const char *s)
{
  mj__html_text(p->f, s);
}

/* The <details> a chart's data table opens with. */
static void data_open(page *p)
{
  fprintf(p->f, "<details open><summary>%s</summary>\n", W(p, W_DATA));
}

static void chart_id(page *p, char *buf, size_t n)
{
  snprintf(buf, n, "c%d", ++p->charts);
}

/* The requirement a figure is of, in the report's language. */
static const char *req_text(const page *p, const char *id)
{
  const mj_requirement *r = p->m && id ? mj__model_requirement(p->m, id)
                                       : NULL;
  const char *t = r ? mj__i18n_get(&r->text, p->lang) : NULL;
  return t ? t : id;
}

static const char *question_text(const page *p, const char *qn_id,
                                 const char *q_id)
{
  const mj_questionnaire *qn =
      p->m && qn_id ? mj__model_questionnaire(p->m, qn_id) : NULL;
  const mj_question *q = qn && q_id ? mj__model_question(qn, q_id) : NULL;
  const char *t = q ? mj__i18n_pick(&q->text, p->lang, qn->lang) : NULL;
  return t ? t : q_id;
}

/* ---- first page --------------------------------------------------------- */

static void requirements(page *p)
{
  if (!p->m || p->m->n_requirements == 0)
    return;
  FILE *f = p->f;
  char mean[64];
  fprintf(f, "<h3>%s</h3>\n<table class=\"reqs\"><thead><tr><th scope=\"col\">"
             "%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
             "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>"
             "<tbody>\n",
          W(p, W_REQS), W(p, W_REQ), CI(p, W_MEAN, mean, sizeof mean),
          W(p, W_N), W(p, W_TARGET), W(p, W_VERDICT));
  for (size_t i = 0; i < p->m->n_requirements; i++) {
    const mj_requirement *q = &p->m->requirements[i];
    const mj_result_rec *r = mj__figset_find(&p->d->figs, NULL, "mean", NULL,
                                             NULL, q->id, "all");
    fprintf(f, "<tr><th scope=\"row\">");
    text(p, q->id);
    fputs(" <span class=\"muted\">", f);
    text(p, req_text(p, q->id));
    fputs("</span></th><td>", f);
    if (r)
      fig(p, r, 1);
    else
      fputs(W(p, W_NO_ANSWERS), f);
    fprintf(f, "</td><td>%llu</td><td>", r ? (unsigned long long)r->n : 0ULL);
    if (q->has_target)
      fprintf(f, "%.2f", q->target);
    else
      fputs("-", f);
    fputs("</td><td>", f);
    if (!q->has_target || !r || isnan(r->value))
      fputs("-", f);
    else if (r->value >= q->target)
      fprintf(f, "<span class=\"met\">&#10004; %s (+%.2f)</span>", W(p, W_MET),
              r->value - q->target);
    else
      fprintf(f, "<span class=\"notmet\">&#10008; %s (%.2f)</span>",
              W(p, W_NOT_MET), r->value - q->target);
    fputs("</td></tr>\n", f);
  }
  fputs("</tbody></table>\n", f);
}

/* NPS and CSAT as tiles: the figure, its interval and its change. */
static void kpi_tile(page *p, const char *name, const char *about,
                     const mj_result_rec *r)
{
  FILE *f = p->f;
  fputs("<div class=\"tile\"><div class=\"tname\">", f);
  text(p, name);
  fputs("</div><div class=\"tabout\">", f);
  text(p, about);
  fputs("</div><div class=\"tval\">", f);
  fig(p, r, 0);
  fputs("</div><div class=\"tci\">", f);
  if (!isnan(r->ci_low) && !isnan(r->ci_high))
    fprintf(f, "[%.1f, %.1f] &middot; ", r->ci_low, r->ci_high);
  fprintf(f, "n = %llu</div><div class=\"tchange\">%s: ",
          (unsigned long long)r->n, W(p, W_CHANGE));
  change(p, r);
  fputs("</div></div>\n", f);
}

static void kpis(page *p)
{
  const mj_figset *fs = &p->d->figs;
  int any = 0;
  for (size_t i = 0; i < fs->n; i++) {
    const mj_result_rec *r = &fs->items[i];
    int nps = same(r->scorer, "nps") && same(r->metric, "nps");
    int csat = same(r->scorer, "csat") && same(r->metric, "t2b") &&
               r->requirement;
    if (!is_all(r) || (!nps && !csat))
      continue;
    if (!any++)
      fprintf(p->f, "<h3>%s</h3>\n<div class=\"tiles\">\n", W(p, W_KPIS));
    kpi_tile(p, W(p, nps ? W_NPS : W_CSAT),
             nps ? question_text(p, r->questionnaire, r->question)
                 : req_text(p, r->requirement),
             r);
  }
  if (any)
    fputs("</div>\n", p->f);
}

static void plans(page *p)
{
  FILE *f = p->f;
  char now[32];
  time_t t = (time_t)mj__now(p->e);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
  size_t open = 0, overdue = 0, i;
  json_t *pl;
  json_array_foreach(p->d->plans, i, pl)
  {
    const char *st = json_string_value(json_object_get(pl, "status"));
    if (st && strcmp(st, "closed") == 0)
      continue;
    open++;
    size_t j;
    json_t *a;
    json_array_foreach(json_object_get(pl, "actions"), j, a)
    {
      const char *as = json_string_value(json_object_get(a, "status"));
      const char *due = json_string_value(json_object_get(a, "due_at"));
      overdue += (!as || strcmp(as, "done") != 0) && due &&
                 strcmp(due, now) < 0;
    }
  }
  fprintf(f, "<h3>%s</h3>\n<p class=\"counts\"><span><b>%zu</b> %s</span> "
             "<span%s><b>%zu</b> %s</span></p>\n",
          W(p, W_PLANS), open, W(p, W_OPEN_PLANS),
          overdue ? " class=\"notmet\"" : "", overdue, W(p, W_OVERDUE));
  if (!open) {
    fprintf(f, "<p>%s</p>\n", W(p, W_NO_PLAN));
    return;
  }
  fprintf(f, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">"
             "%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
             "</tr></thead><tbody>\n",
          W(p, W_PLAN), W(p, W_STATUS), W(p, W_OWNER), W(p, W_DUE));
  json_array_foreach(p->d->plans, i, pl)
  {
    const char *st = json_string_value(json_object_get(pl, "status"));
    if (st && strcmp(st, "closed") == 0)
      continue;
    const char *due = json_string_value(json_object_get(pl, "due_at"));
    fputs("<tr><th scope=\"row\">", f);
    text(p, json_string_value(json_object_get(pl, "id")));
    fputs("</th><td>", f);
    text(p, st);
    fputs("</td><td class=\"addr\">", f);
    text(p, json_string_value(json_object_get(pl, "owner")));
    fprintf(f, "</td><td>%.10s</td></tr>\n", due ? due : "-");
  }
  fputs("</tbody></table>\n", f);
}

/* The three open-text answers that matter most (comments.c says which). */
static void comments(page *p)
{
  json_t *most = mj__comments_most_json(p->d->comments);
  size_t i;
  json_t *c;
  fprintf(p->f, "<h3>%s</h3>\n", W(p, W_COMMENTS));
  if (json_array_size(most) == 0)
    fprintf(p->f, "<p>%s</p>\n", W(p, W_NO_COMMENT));
  json_array_foreach(most, i, c)
  {
    fputs("<blockquote><p>", p->f);
    text(p, json_string_value(json_object_get(c, "text")));
    fputs("</p><footer>", p->f);
    text(p, json_string_value(json_object_get(c, "about")));
    fputs("</footer></blockquote>\n", p->f);
  }
  json_decref(most);
}

/* ---- trends ------------------------------------------------------------- */

typedef struct trend_cycles {
  int64_t *ids;
  char (*names)[64];
  mj_figset *figs;
  size_t n, cap;
  int64_t upto;
} trend_cycles;

static int on_trend_cycle(void *ud, const mj_cycle_rec *r)
{
  trend_cycles *t = ud;
  if (r->id > t->upto || !r->status || strcmp(r->status, "done") != 0)
    return MJ_OK;
  if (t->n == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 8;
    int64_t *ids = realloc(t->ids, cap * sizeof *ids);
    if (ids)
      t->ids = ids;
    char(*names)[64] = realloc(t->names, cap * sizeof *names);
    if (names)
      t->names = names;
    if (!ids || !names)
      return MJ_ENOMEM;
    t->cap = cap;
  }
  t->ids[t->n] = r->id;
  snprintf(t->names[t->n], sizeof t->names[t->n], "%s",
           r->name ? r->name : "");
  t->n++;
  return MJ_OK;
}

static int on_trend_result(void *ud, const mj_result_rec *r)
{
  mj_figset *fs = ud;
  int keep = is_all(r) && ((same(r->scorer, "nps") &&
                            same(r->metric, "nps")) ||
                           (same(r->scorer, "csat") &&
                            same(r->metric, "mean") && r->requirement));
  return keep ? mj__figset_add(fs, r) : MJ_OK;
}

static void trend_free(trend_cycles *t)
{
  for (size_t i = 0; t->figs && i < t->n; i++)
    mj__figset_free(&t->figs[i]);
  free(t->figs);
  free(t->ids);
  free(t->names);
}

/* Every finished cycle up to the one reported, with its NPS and mean
** figures; nothing (n 0) when the store cannot list its cycles. */
static int trend_load(page *p, trend_cycles *t)
{
  memset(t, 0, sizeof *t);
  t->upto = p->d->cycle.id;
  const mj_storage_ops *S = MJ_STORE_OPS(p->e);
  if (!MJ__HAS_OP(S, scan_cycles))
    return MJ_OK;
  mj_error err = {0};
  int rc = S->scan_cycles(p->e->store->inst, on_trend_cycle, t, &err);
  if (rc == MJ_OK && t->n) {
    t->figs = calloc(t->n, sizeof *t->figs);
    rc = t->figs ? MJ_OK : MJ_ENOMEM;
  }
  for (size_t i = 0; rc == MJ_OK && i < t->n; i++)
    rc = S->scan_results(p->e->store->inst, t->ids[i], on_trend_result,
                         &t->figs[i], &err);
  if (rc == MJ_ENOMEM)
    return mj__seterr(p->e, rc, "out of memory");
  if (rc != MJ_OK)
    return mj__seterr_from(p->e, &err, MJ_ESTORE, "reading cycles: ");
  return MJ_OK;
}

/* One trend chart: a figure over the cycles, its interval as a band. */
static void trend_chart(page *p, const trend_cycles *t, const char *title,
                        const char *metric, const char *questionnaire,
                        const char *question, const char *requirement,
                        int *opened)
{
  const mj_result_rec *at[64];
  double x[64], y[64], lo[64], hi[64];
  size_t n = 0;
  double ymin = INFINITY, ymax = -INFINITY;
  for (size_t i = 0; i < t->n && i < 64; i++) {
    at[i] = mj__figset_find(&t->figs[i], NULL, metric, questionnaire,
                            question, requirement, "all");
    if (at[i] && !isnan(at[i]->value)) {
      x[n] = (double)i;
      y[n] = at[i]->value;
      lo[n] = isnan(at[i]->ci_low) ? y[n] : at[i]->ci_low;
      hi[n] = isnan(at[i]->ci_high) ? y[n] : at[i]->ci_high;
      ymin = fmin(ymin, lo[n]);
      ymax = fmax(ymax, hi[n]);
      n++;
    }
  }
  if (n < 2) /* a trend needs two cycles */
    return;
  if (!(*opened)++)
    fprintf(p->f, "<section>\n<h2>%s</h2>\n", W(p, W_TRENDS));
  size_t nc = t->n < 64 ? t->n : 64;
  int nps = strcmp(metric, "nps") == 0;
  double step = nps ? 20 : 0.5;
  ymin = floor(ymin / step) * step;
  ymax = ceil(ymax / step) * step;
  if (!nps) {
    ymin = fmax(1, ymin);
    ymax = fmax(ymin + step, ymax);
  }
  char id[16], desc[512];
  chart_id(p, id, sizeof id);
  snprintf(desc, sizeof desc, "%s: %.2f (%s) -> %.2f (%s)", title, y[0],
           t->names[(size_t)x[0]], y[n - 1], t->names[(size_t)x[n - 1]]);
  fprintf(p->f, "<figure>\n<figcaption>");
  text(p, title);
  fputs("</figcaption>\n", p->f);
  mj_svg s;
  mj__svg_open(p->f, &s, id, 560, 220, title, desc);
  mj__svg_range(&s, -0.5, (double)nc - 0.5, ymin, ymax);
  mj__svg_axes(&s, step, nps ? "NPS" : W(p, W_MEAN_SHORT));
  mj__svg_band(&s, n, x, lo, hi, 0);
  mj__svg_path(&s, n, x, y, 0);
  for (size_t i = 0; i < n; i++) {
    char v[32];
    mj__svg_point(&s, x[i], y[i], 0);
    snprintf(v, sizeof v, nps ? "%.1f" : "%.2f", y[i]);
    mj__svg_text(&s, mj__svg_x(&s, x[i]) + 7, mj__svg_y(&s, y[i]) - 6,
                 "start", "val", v);
  }
  for (size_t i = 0; i < nc; i++)
    mj__svg_text(&s, mj__svg_x(&s, (double)i), s.h - s.bottom + 16,
                 "middle", NULL, t->names[i]);
  mj__svg_close(&s);
  data_open(p);
  char head[64];
  fprintf(p->f, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">"
                "%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                "</tr></thead><tbody>\n",
          W(p, W_CYCLE), CI(p, nps ? W_NPS_CI : W_MEAN, head, sizeof head),
          W(p, W_N), W(p, W_CHANGE));
  for (size_t i = 0; i < nc; i++) {
    if (!at[i])
      continue;
    fputs("<tr><th scope=\"row\">", p->f);
    text(p, t->names[i]);
    fputs("</th><td>", p->f);
    fig(p, at[i], 1);
    fprintf(p->f, "</td><td>%llu</td><td>", (unsigned long long)at[i]->n);
    change(p, at[i]);
    fputs("</td></tr>\n", p->f);
  }
  fputs("</tbody></table></details>\n</figure>\n", p->f);
}

static int trends(page *p)
{
  trend_cycles t;
  int rc = trend_load(p, &t);
  if (rc != MJ_OK || t.n < 2) {
    trend_free(&t);
    return rc;
  }
  int opened = 0;
  const mj_figset *last = &t.figs[t.n - 1];
  for (size_t i = 0; i < last->n; i++) {
    const mj_result_rec *r = &last->items[i];
    char title[300];
    if (same(r->scorer, "nps"))
      snprintf(title, sizeof title, "NPS: %s",
               question_text(p, r->questionnaire, r->question));
    else
      snprintf(title, sizeof title, "%s %s: %s", W(p, W_MEAN_ANY),
               r->requirement, req_text(p, r->requirement));
    /* "Mean [CI]" reads as a title without its bracket */
    char *br = strstr(title, " [");
    if (br && !same(r->scorer, "nps")) {
      char rest[300];
      snprintf(rest, sizeof rest, "%s", strchr(br, ']') + 1);
      snprintf(br, sizeof title - (size_t)(br - title), "%s", rest);
    }
    trend_chart(p, &t, title, r->metric, r->questionnaire, r->question,
                r->requirement, &opened);
  }
  if (opened)
    fputs("</section>\n", p->f);
  trend_free(&t);
  return MJ_OK;
}

/* ---- answer distributions ---------------------------------------------- */

/*
** Diverging stacked bars: per question on a scale, the share of each
** answer, the low half left of the middle line and the high half right,
** the middle answer split across it. Segment "all" only.
*/
static void distributions(page *p)
{
  const mj_figset *fs = &p->d->figs;
  typedef struct row {
    const mj_result_rec *first;
    const mj_question *q;
  } row;
  row rows[32];
  size_t nr = 0;
  for (size_t i = 0; i < fs->n && nr < 32; i++) {
    const mj_result_rec *r = &fs->items[i];
    if (!same(r->scorer, MJ__DIST_SCORER) || !is_all(r) || !r->question ||
        !r->questionnaire)
      continue;
    const mj_questionnaire *qn =
        p->m ? mj__model_questionnaire(p->m, r->questionnaire) : NULL;
    const mj_question *q = qn ? mj__model_question(qn, r->question) : NULL;
    if (!q || q->kind != MJ_Q_SCALE || q->max <= q->min)
      continue;
    size_t k;
    for (k = 0; k < nr && !(same(rows[k].first->questionnaire,
                                 r->questionnaire) &&
                            same(rows[k].first->question, r->question));
         k++)
      ;
    if (k == nr) {
      rows[nr].first = r;
      rows[nr].q = q;
      nr++;
    }
  }
  if (!nr)
    return;
  FILE *f = p->f;
  fprintf(f, "<section>\n<h2>%s</h2>\n", W(p, W_DIST));
  for (size_t k = 0; k < nr; k++) {
    const mj_result_rec *g = rows[k].first;
    const mj_question *q = rows[k].q;
    int lo = q->min, hi = q->max, np = hi - lo + 1;
    if (np > 11)
      continue;
    const mj_result_rec *cnt[11] = {NULL};
    double total = 0;
    for (size_t i = 0; i < fs->n; i++) {
      const mj_result_rec *r = &fs->items[i];
      if (same(r->scorer, MJ__DIST_SCORER) && is_all(r) &&
          same(r->questionnaire, g->questionnaire) &&
          same(r->question, g->question) && r->label) {
        int v = atoi(r->label);
        if (v >= lo && v <= hi && !isnan(r->value)) {
          cnt[v - lo] = r;
          total += r->value;
        }
      }
    }
    if (total <= 0)
      continue;
    const char *title = question_text(p, g->questionnaire, g->question);
    char id[16], desc[600];
    chart_id(p, id, sizeof id);
    int used = snprintf(desc, sizeof desc, "%s:", title);
    for (int v = 0; v < np && used > 0 && (size_t)used < sizeof desc; v++)
      used += snprintf(desc + used, sizeof desc - (size_t)used,
                       " %d: %.0f%%", lo + v,
                       cnt[v] ? 100 * cnt[v]->value / total : 0.0);
    fputs("<figure>\n<figcaption>", f);
    text(p, title);
    fputs("</figcaption>\n", f);
    mj_svg s;
    mj__svg_open(f, &s, id, 560, 96, title, desc);
    s.left = 12;
    s.bottom = 34;
    s.top = 10;
    mj__svg_range(&s, -100, 100, 0, 1);
    /* below the middle answer to the left, above it to the right */
    double mid = (lo + hi) / 2.0, left = 0;
    for (int v = 0; v < np; v++) {
      double sh = cnt[v] ? 100 * cnt[v]->value / total : 0;
      if (lo + v < mid)
        left += sh;
      else if (lo + v == mid)
        left += sh / 2;
    }
    double x = -left;
    for (int v = 0; v < np; v++) {
      double sh = cnt[v] ? 100 * cnt[v]->value / total : 0;
      /* colours run from vermillion (low) to blue (high), the middle grey */
      int k2 = (double)(lo + v) == mid ? 7
               : lo + v < mid         ? (v == 0 ? 5 : 1)
               : (lo + v == hi ? 0 : 4);
      if (sh > 0) {
        char fill[16];
        snprintf(fill, sizeof fill, "%s",
                 k2 == 7 ? "#bbbbbb" : mj__svg_palette[k2]);
        double a = mj__svg_x(&s, x), b = mj__svg_x(&s, x + sh);
        mj__svg_cell(&s, a, s.top, b - a, 36, fill);
        if (b - a > 22) {
          char v2[16];
          snprintf(v2, sizeof v2, "%.0f%%", sh);
          mj__svg_text(&s, (a + b) / 2, s.top + 23, "middle",
                       k2 == 0 || k2 == 5 ? "inv" : NULL, v2);
        }
      }
      x += sh;
    }
    /* the middle marked above and below the bar, clear of its labels */
    mj__svg_line(&s, mj__svg_x(&s, 0), s.top - 6, mj__svg_x(&s, 0), s.top,
                 7, 0);
    mj__svg_line(&s, mj__svg_x(&s, 0), s.top + 36, mj__svg_x(&s, 0),
                 s.top + 42, 7, 0);
    /* the legend: each answer's colour beside its value */
    double lx = s.left;
    for (int v = 0; v < np; v++) {
      int k2 = (double)(lo + v) == mid ? 7
               : lo + v < mid         ? (v == 0 ? 5 : 1)
               : (lo + v == hi ? 0 : 4);
      char lab[96];
      const char *word =
          q->label_texts ? mj__i18n_get(&q->label_texts[v], p->lang) : NULL;
      mj__svg_cell(&s, lx, s.h - 20, 12, 12,
                   k2 == 7 ? "#bbbbbb" : mj__svg_palette[k2]);
      snprintf(lab, sizeof lab, "%d%s%.40s", lo + v, word ? " " : "",
               word ? word : "");
      mj__svg_text(&s, lx + 16, s.h - 10, "start", "small", lab);
      lx += word && np <= 5 ? 108 : 40;
    }
    mj__svg_close(&s);
    data_open(p);
    fprintf(f, "<table><thead><tr><th scope=\"col\">%s</th>",
            W(p, W_ANSWERS));
    for (int v = 0; v < np; v++)
      fprintf(f, "<th scope=\"col\">%d</th>", lo + v);
    fputs("</tr></thead><tbody><tr><th scope=\"row\">", f);
    fprintf(f, "%.0f</th>", total);
    for (int v = 0; v < np; v++) {
      fputs("<td>", f);
      if (cnt[v])
        fig(p, cnt[v], 0);
      else
        fputs("0", f);
      fputs("</td>", f);
    }
    fputs("</tr></tbody></table></details>\n</figure>\n", f);
  }
  fputs("</section>\n", f);
}

/* ---- bars around zero: SERVQUAL gaps, the 5-gap model ----------------- */

typedef struct bar {
  const mj_result_rec *r;
  const char *label;
} bar;

/* Horizontal bars from zero, the interval as a whisker when known. */
static void hbars(page *p, const char *title, const bar *b, size_t n,
                  const char *col_label, const char *value_label, int sign)
{
  double lo = 0, hi = 0;
  for (size_t i = 0; i < n; i++) {
    const mj_result_rec *r = b[i].r;
    if (isnan(r->value))
      continue;
    lo = fmin(lo, isnan(r->ci_low) ? r->value : r->ci_low);
    hi = fmax(hi, isnan(r->ci_high) ? r->value : r->ci_high);
  }
  double span = fmax(hi - lo, 1e-9);
  double step = span > 50 ? 20 : span > 10 ? 5 : span > 4 ? 1 : 0.5;
  lo = floor(lo / step) * step;
  hi = ceil(hi / step) * step;
  if (hi <= lo)
    hi = lo + step;
  char id[16], desc[800];
  chart_id(p, id, sizeof id);
  int used = snprintf(desc, sizeof desc, "%s:", title);
  for (size_t i = 0; i < n && used > 0 && (size_t)used < sizeof desc; i++)
    used += snprintf(desc + used, sizeof desc - (size_t)used,
                     sign ? " %s %+.2f;" : " %s %.1f;", b[i].label,
                     b[i].r->value);
  FILE *f = p->f;
  fputs("<figure>\n<figcaption>", f);
  text(p, title);
  fputs("</figcaption>\n", f);
  mj_svg s;
  double rowh = 26;
  mj__svg_open(f, &s, id, 560, 40 + rowh * (double)n, title, desc);
  s.left = 150;
  s.right = 50;
  s.top = 8;
  s.bottom = 28;
  /* x is the value here: the axes are drawn by hand */
  mj__svg_range(&s, lo, hi, 0, 1);
  for (double v = lo; v <= hi + step / 1e6; v += step) {
    double x = mj__svg_x(&s, v);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
               "class=\"%s\"/>",
            x, s.top, x, s.h - s.bottom, fabs(v) < 1e-9 ? "base" : "grid");
    char t[32];
    snprintf(t, sizeof t, "%g", fabs(v) < 1e-9 ? 0 : v);
    mj__svg_text(&s, x, s.h - s.bottom + 14, "middle", NULL, t);
  }
  for (size_t i = 0; i < n; i++) {
    const mj_result_rec *r = b[i].r;
    double y = s.top + rowh * (double)i + 4;
    mj__svg_text(&s, s.left - 6, y + 13, "end", NULL, b[i].label);
    if (isnan(r->value)) {
      mj__svg_text(&s, mj__svg_x(&s, 0) + 4, y + 13, "start", "muted",
                   W(p, W_TOO_FEW));
      continue;
    }
    double a = mj__svg_x(&s, 0), c = mj__svg_x(&s, r->value);
    /* negative bars hatched: the sign shows without colour */
    char fill[40];
    if (r->value < 0)
      snprintf(fill, sizeof fill, "url(#%s-h1)", id);
    else
      snprintf(fill, sizeof fill, "%s", mj__svg_palette[0]);
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"18\" "
               "fill=\"%s\" stroke=\"#333\" stroke-width=\"0.5\"/>\n",
            fmin(a, c), y, fabs(c - a), fill);
    if (!isnan(r->ci_low) && !isnan(r->ci_high))
      mj__svg_line(&s, mj__svg_x(&s, r->ci_low), y + 9,
                   mj__svg_x(&s, r->ci_high), y + 9, 7, 0);
    /* the figure right of the bar and of its whisker, never on them */
    double end = fmax(a, c);
    if (!isnan(r->ci_high))
      end = fmax(end, mj__svg_x(&s, r->ci_high));
    char v[32];
    snprintf(v, sizeof v, sign ? "%+.2f" : "%.1f", r->value);
    mj__svg_text(&s, end + 4, y + 13, "start", "val", v);
  }
  mj__svg_close(&s);
  data_open(p);
  fprintf(f, "<table><thead><tr><th scope=\"col\">");
  text(p, col_label);
  fputs("</th><th scope=\"col\">", f);
  text(p, value_label);
  fprintf(f, "</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
          W(p, W_N));
  for (size_t i = 0; i < n; i++) {
    fputs("<tr><th scope=\"row\">", f);
    text(p, b[i].label);
    fputs("</th><td>", f);
    fig(p, b[i].r, 1);
    fprintf(f, "</td><td>%llu</td></tr>\n", (unsigned long long)b[i].r->n);
  }
  fputs("</tbody></table></details>\n</figure>\n", f);
}

static void servqual(page *p)
{
  const mj_figset *fs = &p->d->figs;
  bar b[32];
  size_t n = 0;
  for (size_t i = 0; i < fs->n && n < 32; i++) {
    const mj_result_rec *r = &fs->items[i];
    if (same(r->scorer, "servqual") && same(r->metric, "gap") && is_all(r) &&
        r->subject && strncmp(r->subject, "dimension:", 10) == 0) {
      b[n].r = r;
      b[n].label = r->subject + 10;
      n++;
    }
  }
  if (!n)
    return;
  fprintf(p->f, "<section>\n<h2>%s</h2>\n", W(p, W_SERVQUAL));
  hbars(p, W(p, W_SERVQUAL), b, n, W(p, W_DIMENSION), W(p, W_GAP), 1);
  fputs("</section>\n", p->f);
}

static void gaps(page *p)
{
  const mj_figset *fs = &p->d->figs;
  static const char *const what_en[] = {
      "believed - customers' expectation", "specification - believed",
      "delivery - standard", "delivery - promise", "perception - expectation"};
  static const char *const what_es[] = {
      "lo que creemos - lo que esperan", "especificación - lo que creemos",
      "servicio - estándar", "servicio - promesa",
      "percepción - expectativa"};
  bar b[32];
  char labels[32][160];
  size_t n = 0;
  for (int g = 1; g <= 5; g++) {
    char metric[8];
    snprintf(metric, sizeof metric, "gap%d", g);
    for (size_t i = 0; i < fs->n && n < 32; i++) {
      const mj_result_rec *r = &fs->items[i];
      if (!same(r->scorer, "gaps") || !same(r->metric, metric) || !is_all(r))
        continue;
      const char *of = r->requirement ? r->requirement
                       : r->question  ? r->question
                                      : r->subject;
      snprintf(labels[n], sizeof labels[n], "%s%s%s", metric, of ? " " : "",
               of ? of : "");
      b[n].r = r;
      b[n].label = labels[n];
      n++;
    }
  }
  if (!n)
    return;
  FILE *f = p->f;
  fprintf(f, "<section>\n<h2>%s</h2>\n<ul class=\"legend\">", W(p, W_GAPS));
  for (int g = 0; g < 5; g++)
    fprintf(f, "<li>gap%d: %s</li>", g + 1,
            strcmp(p->lang, "es") == 0 ? what_es[g] : what_en[g]);
  fputs("</ul>\n", f);
  /* gaps 1, 2 and 5 are on the answer scale and share an axis; a gap 3
  ** or 4 is in its indicator's unit (hours, %, ...), so each has its own
  ** chart rather than dwarfing the others */
  bar rated[32];
  size_t nr = 0;
  for (size_t i = 0; i < n; i++)
    if (!same(b[i].r->metric, "gap3") && !same(b[i].r->metric, "gap4"))
      rated[nr++] = b[i];
  if (nr)
    hbars(p, W(p, W_GAPS_SCALE), rated, nr, W(p, W_ABOUT), W(p, W_GAP), 1);
  const char *const *what = strcmp(p->lang, "es") == 0 ? what_es : what_en;
  for (size_t i = 0; i < n; i++) {
    int own = same(b[i].r->metric, "gap3") ? 2
              : same(b[i].r->metric, "gap4") ? 3
                                             : -1;
    if (own >= 0) {
      char title[200];
      snprintf(title, sizeof title, "%s: %s", b[i].label, what[own]);
      hbars(p, title, &b[i], 1, W(p, W_ABOUT), W(p, W_GAP), 1);
    }
  }
  fputs("</section>\n", f);
}

/* ---- scatter charts: IPA and Kano -------------------------------------- */

typedef struct pt {
  const char *subject;
  const mj_result_rec *x, *y, *label;
} pt;

static void scatter(page *p, const char *title, const pt *v, size_t n,
                    double x0, double x1, double y0, double y1, double cx,
                    double cy, const char *xl, const char *yl,
                    const char *col, const char *lab_col)
{
  FILE *f = p->f;
  char id[16], desc[800];
  chart_id(p, id, sizeof id);
  int used = snprintf(desc, sizeof desc, "%s (%s, %s):", title, xl, yl);
  for (size_t i = 0; i < n && used > 0 && (size_t)used < sizeof desc; i++)
    used += snprintf(desc + used, sizeof desc - (size_t)used,
                     " %s %.2f, %.2f%s%s;", v[i].subject, v[i].x->value,
                     v[i].y->value, v[i].label ? " " : "",
                     v[i].label && v[i].label->label ? v[i].label->label
                                                     : "");
  fputs("<figure>\n<figcaption>", f);
  text(p, title);
  fputs("</figcaption>\n", f);
  mj_svg s;
  mj__svg_open(f, &s, id, 420, 340, title, desc);
  s.bottom = 40;
  mj__svg_range(&s, x0, x1, y0, y1);
  mj__svg_axes(&s, (y1 - y0) / 4, yl);
  mj__svg_text(&s, s.w - s.right, s.h - 6, "end", "ylabel", xl);
  for (int k = 0; k <= 4; k++) {
    char t[16];
    double xv = x0 + (x1 - x0) * k / 4;
    snprintf(t, sizeof t, "%g", round(xv * 100) / 100);
    mj__svg_text(&s, mj__svg_x(&s, xv), s.h - s.bottom + 14, "middle", NULL,
                 t);
  }
  /* the crosshair dividing the quadrants */
  mj__svg_line(&s, mj__svg_x(&s, cx), mj__svg_y(&s, y0), mj__svg_x(&s, cx),
               mj__svg_y(&s, y1), 7, 1);
  mj__svg_line(&s, mj__svg_x(&s, x0), mj__svg_y(&s, cy), mj__svg_x(&s, x1),
               mj__svg_y(&s, cy), 7, 1);
  for (size_t i = 0; i < n; i++) {
    if (isnan(v[i].x->value) || isnan(v[i].y->value))
      continue;
    mj__svg_point(&s, v[i].x->value, v[i].y->value, (int)i);
    /* "attribute:wait" reads as "wait" on the chart (the table keeps the
    ** whole name); right of centre the name goes left of its point, so
    ** that none runs off the chart */
    const char *name = strchr(v[i].subject, ':');
    name = name ? name + 1 : v[i].subject;
    int left = v[i].x->value > (x0 + x1) / 2;
    mj__svg_text(&s, mj__svg_x(&s, v[i].x->value) + (left ? -7 : 7),
                 mj__svg_y(&s, v[i].y->value) - 5, left ? "end" : "start",
                 NULL, name);
  }
  mj__svg_close(&s);
  data_open(p);
  fprintf(f, "<table><thead><tr><th scope=\"col\">");
  text(p, col);
  fputs("</th><th scope=\"col\">", f);
  text(p, xl);
  fputs("</th><th scope=\"col\">", f);
  text(p, yl);
  fputs("</th><th scope=\"col\">", f);
  text(p, lab_col);
  fputs("</th></tr></thead><tbody>\n", f);
  for (size_t i = 0; i < n; i++) {
    fputs("<tr><th scope=\"row\">", f);
    text(p, v[i].subject);
    fputs("</th><td>", f);
    fig(p, v[i].x, 1);
    fputs("</td><td>", f);
    fig(p, v[i].y, 1);
    fputs("</td><td>", f);
    if (v[i].label && v[i].label->label)
      text(p, v[i].label->label);
    fputs("</td></tr>\n", f);
  }
  fputs("</tbody></table></details>\n</figure>\n", f);
}

/* Points of a matrix scorer: per subject, metric xm on x and ym on y. */
static size_t points(page *p, const char *scorer, const char *xm,
                     const char *ym, const char *lm, pt *v, size_t cap)
{
  const mj_figset *fs = &p->d->figs;
  size_t n = 0;
  for (size_t i = 0; i < fs->n && n < cap; i++) {
    const mj_result_rec *r = &fs->items[i];
    if (!same(r->scorer, scorer) || !same(r->metric, xm) || !is_all(r) ||
        !r->subject)
      continue;
    const mj_result_rec *y = NULL, *l = NULL;
    for (size_t j = 0; j < fs->n; j++) {
      const mj_result_rec *o = &fs->items[j];
      if (same(o->scorer, scorer) && is_all(o) &&
          same(o->questionnaire, r->questionnaire) &&
          same(o->subject, r->subject)) {
        if (same(o->metric, ym))
          y = o;
        else if (lm && same(o->metric, lm))
          l = o;
      }
    }
    if (!y)
      continue;
    v[n].subject = r->subject;
    v[n].x = r;
    v[n].y = y;
    v[n].label = l;
    n++;
  }
  return n;
}

static void ipa(page *p)
{
  pt v[32];
  size_t n = points(p, "ipa", "performance", "importance", "quadrant", v, 32);
  if (!n)
    return;
  const mj_result_rec *ci = mj__figset_find(
      &p->d->figs, "ipa", "crosshair_importance", NULL, NULL, NULL, "all");
  const mj_result_rec *cp = mj__figset_find(
      &p->d->figs, "ipa", "crosshair_performance", NULL, NULL, NULL, "all");
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (size_t i = 0; i < n; i++) {
    x0 = fmin(x0, v[i].x->value);
    x1 = fmax(x1, v[i].x->value);
    y0 = fmin(y0, v[i].y->value);
    y1 = fmax(y1, v[i].y->value);
  }
  double cx = cp && !isnan(cp->value) ? cp->value : (x0 + x1) / 2;
  double cy = ci && !isnan(ci->value) ? ci->value : (y0 + y1) / 2;
  /* whole-number ranges, so that the quarter ticks fall on quarters,
  ** with room above the top point for its name */
  x0 = floor(fmin(x0, cx));
  x1 = x0 + ceil(fmax(x1, cx) + 0.25 - x0);
  y0 = floor(fmin(y0, cy));
  y1 = y0 + ceil(fmax(y1, cy) + 0.25 - y0);
  if (!isfinite(x0) || !isfinite(y0))
    return;
  fprintf(p->f, "<section>\n<h2>%s</h2>\n", W(p, W_IPA));
  scatter(p, W(p, W_IPA), v, n, x0, x1, y0, y1, cx, cy, W(p, W_PERFORMANCE),
          W(p, W_IMPORTANCE), W(p, W_ITEM), W(p, W_QUADRANT));
  fputs("</section>\n", p->f);
}

static void kano(page *p)
{
  pt v[32];
  size_t n = points(p, "kano", "worse", "better", "category", v, 32);
  if (!n)
    return;
  /* Worse is negative (-1..0): the diagram plots its size, 0..1 */
  fprintf(p->f, "<section>\n<h2>%s</h2>\n", W(p, W_KANO));
  double x0 = 0, x1 = 1;
  for (size_t i = 0; i < n; i++)
    if (!isnan(v[i].x->value) && v[i].x->value < 0)
      x0 = -1, x1 = 0;
  scatter(p, W(p, W_KANO), v, n, x0, x1, 0, 1, (x0 + x1) / 2, 0.5,
          W(p, W_WORSE), W(p, W_BETTER), W(p, W_FEATURE), W(p, W_CATEGORY));
  fputs("</section>\n", p->f);
}

/* ---- complaints ---------------------------------------------------------- */

static void complaints(page *p)
{
  const mj_figset *fs = &p->d->figs;
  const mj_result_rec *cat[32], *share[32], *cum[32];
  size_t n = 0;
  for (size_t i = 0; i < fs->n && n < 32; i++) {
    const mj_result_rec *r = &fs->items[i];
    if (same(r->scorer, "complaints") && same(r->metric, "count") &&
        same(r->questionnaire, "category") && is_all(r) && r->question) {
      cat[n] = r;
      share[n] = mj__figset_find(fs, "complaints", "share", "category",
                                 r->question, NULL, "all");
      cum[n] = mj__figset_find(fs, "complaints", "cumulative", "category",
                               r->question, NULL, "all");
      n++;
    }
  }
  const mj_result_rec *steps[16];
  size_t ns = 0;
  for (size_t i = 0; i < fs->n && ns < 16; i++) {
    const mj_result_rec *r = &fs->items[i];
    if (same(r->scorer, "complaints") && same(r->metric, "hours_median") &&
        same(r->questionnaire, "step") && is_all(r))
      steps[ns++] = r;
  }
  if (!n && !ns)
    return;
  FILE *f = p->f;
  fprintf(f, "<section>\n<h2>%s</h2>\n", W(p, W_COMPLAINTS));
  if (n) {
    double max = 0;
    for (size_t i = 0; i < n; i++)
      max = fmax(max, cat[i]->value);
    char id[16], desc[800];
    chart_id(p, id, sizeof id);
    int used = snprintf(desc, sizeof desc, "%s:", W(p, W_PARETO));
    for (size_t i = 0; i < n && used > 0 && (size_t)used < sizeof desc; i++)
      used += snprintf(desc + used, sizeof desc - (size_t)used, " %s %.0f;",
                       cat[i]->question, cat[i]->value);
    fprintf(f, "<figure>\n<figcaption>%s</figcaption>\n", W(p, W_PARETO));
    mj_svg s;
    mj__svg_open(f, &s, id, 560, 260, W(p, W_PARETO), desc);
    s.bottom = 60;
    s.right = 40;
    double step = max > 50 ? 20 : max > 20 ? 10 : max > 8 ? 5 : 1;
    mj__svg_range(&s, 0, (double)n, 0, ceil(max / step) * step);
    mj__svg_axes(&s, step, W(p, W_COUNT));
    double cx[32], cy[32];
    double ymax = s.y1;
    for (size_t i = 0; i < n; i++) {
      mj__svg_bar(&s, (double)i + 0.15, 0.7, 0, cat[i]->value, 0);
      char v[32];
      snprintf(v, sizeof v, "%.0f", cat[i]->value);
      mj__svg_text(&s, mj__svg_x(&s, (double)i + 0.5),
                   mj__svg_y(&s, cat[i]->value) - 4, "middle", "val", v);
      mj__svg_text(&s, mj__svg_x(&s, (double)i + 0.5), s.h - s.bottom + 14,
                   "middle", "small", cat[i]->question);
      cx[i] = (double)i + 0.5;
      cy[i] = cum[i] ? cum[i]->value / 100 * ymax : 0;
    }
    /* the cumulative share on the right-hand scale, 0-100 % */
    mj__svg_path(&s, n, cx, cy, 5);
    for (size_t i = 0; i < n; i++)
      mj__svg_point(&s, cx[i], cy[i], 5);
    for (int k = 0; k <= 4; k++) {
      char t[16];
      snprintf(t, sizeof t, "%d%%", k * 25);
      mj__svg_text(&s, s.w - s.right + 4, mj__svg_y(&s, ymax * k / 4) + 4,
                   "start", "small", t);
    }
    mj__svg_close(&s);
    data_open(p);
    fprintf(f, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">"
               "%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "</tr></thead><tbody>\n",
            W(p, W_CAT), W(p, W_COUNT), W(p, W_SHARE), W(p, W_CUMULATIVE));
    for (size_t i = 0; i < n; i++) {
      const mj_complaint_category *cc = NULL;
      for (size_t k = 0; p->m && k < p->m->n_complaint_categories; k++)
        if (strcmp(p->m->complaint_categories[k].id, cat[i]->question) == 0)
          cc = &p->m->complaint_categories[k];
      fputs("<tr><th scope=\"row\">", f);
      text(p, cat[i]->question);
      if (cc && mj__i18n_get(&cc->text, p->lang)) {
        fputs(" <span class=\"muted\">", f);
        text(p, mj__i18n_get(&cc->text, p->lang));
        fputs("</span>", f);
      }
      fputs("</th><td>", f);
      fig(p, cat[i], 0);
      fputs("</td><td>", f);
      if (share[i])
        fig(p, share[i], 0);
      fputs("</td><td>", f);
      if (cum[i])
        fig(p, cum[i], 0);
      fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table></details>\n</figure>\n", f);
  }
  if (ns) {
    bar b[16];
    const mj_result_rec *means[16];
    for (size_t i = 0; i < ns; i++) {
      b[i].r = steps[i];
      b[i].label = steps[i]->question;
      means[i] = mj__figset_find(fs, "complaints", "hours_mean", "step",
                                 steps[i]->question, NULL, "all");
    }
    hbars(p, W(p, W_STEPS), b, ns, W(p, W_STEP), W(p, W_HOURS_MEDIAN), 0);
    fprintf(f, "<table><thead><tr><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th></tr></thead><tbody>\n",
            W(p, W_STEP), W(p, W_HOURS_MEAN));
    for (size_t i = 0; i < ns; i++) {
      if (!means[i])
        continue;
      fputs("<tr><th scope=\"row\">", f);
      text(p, steps[i]->question);
      fputs("</th><td>", f);
      fig(p, means[i], 1);
      fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
  }
  fputs("</section>\n", f);
}

/* ---- mystery shopping: a heat map per site and criterion --------------- */

/* A sequential scale from pale to dark blue, with the text in a colour
** that reads on it: the value is printed in every cell. */
static void heat(double v, char *fill, size_t n, int *dark)
{
  double t = fmin(1, fmax(0, v / 100));
  int r = (int)(240 - t * (240 - 8)), g = (int)(246 - t * (246 - 69)),
      b = (int)(255 - t * (255 - 148));
  snprintf(fill, n, "#%02x%02x%02x", r, g, b);
  *dark = t > 0.55;
}

static void audits(page *p)
{
  const mj_figset *fs = &p->d->figs;
  const char *sites[16], *crits[32], *audit = NULL;
  size_t nsites = 0, ncrit = 0;
  for (size_t i = 0; i < fs->n; i++) {
    const mj_result_rec *r = &fs->items[i];
    if (!same(r->scorer, "audit") || !same(r->metric, "compliance") ||
        !r->segment || strncmp(r->segment, "site:", 5) != 0)
      continue;
    if (!audit)
      audit = r->questionnaire;
    if (!same(audit, r->questionnaire))
      continue;
    size_t k;
    for (k = 0; k < nsites && strcmp(sites[k], r->segment) != 0; k++)
      ;
    if (k == nsites && nsites < 16)
      sites[nsites++] = r->segment;
    if (!r->question)
      continue;
    for (k = 0; k < ncrit && strcmp(crits[k], r->question) != 0; k++)
      ;
    if (k == ncrit && ncrit < 32)
      crits[ncrit++] = r->question;
  }
  if (!nsites || !ncrit)
    return;
  FILE *f = p->f;
  fprintf(f, "<section>\n<h2>%s</h2>\n", W(p, W_AUDITS));
  char id[16], desc[1200];
  chart_id(p, id, sizeof id);
  int used = snprintf(desc, sizeof desc, "%s:", W(p, W_AUDITS));
  for (size_t si = 0; si < nsites; si++)
    for (size_t c = 0; c < ncrit && used > 0 && (size_t)used < sizeof desc;
         c++) {
      const mj_result_rec *r = mj__figset_find(fs, "audit", "compliance",
                                               audit, crits[c], NULL,
                                               sites[si]);
      if (r && !isnan(r->value))
        used += snprintf(desc + used, sizeof desc - (size_t)used,
                         " %s %s %.0f%%;", sites[si] + 5, crits[c], r->value);
    }
  fprintf(f, "<figure>\n<figcaption>");
  text(p, audit);
  fputs("</figcaption>\n", f);
  /* a row per criterion, a column per site: tall rather than wide, so
  ** it reads on a phone and criteria names need no slant */
  double cw = 84, ch = 26, left = 170, top = 28;
  mj_svg s;
  mj__svg_open(f, &s, id, left + cw * (double)nsites + 10,
               top + ch * (double)ncrit + 6, W(p, W_AUDITS), desc);
  for (size_t si = 0; si < nsites; si++)
    mj__svg_text(&s, left + cw * (double)si + cw / 2, top - 8, "middle",
                 "ylabel", sites[si] + 5);
  for (size_t c = 0; c < ncrit; c++) {
    double y = top + ch * (double)c;
    mj__svg_text(&s, left - 6, y + ch / 2 + 4, "end", NULL, crits[c]);
    for (size_t si = 0; si < nsites; si++) {
      const mj_result_rec *r = mj__figset_find(fs, "audit", "compliance",
                                               audit, crits[c], NULL,
                                               sites[si]);
      double x = left + cw * (double)si;
      char fill[16], v[16];
      int dark = 0;
      if (!r || isnan(r->value)) {
        mj__svg_cell(&s, x, y, cw, ch, "#eeeeee");
        mj__svg_text(&s, x + cw / 2, y + ch / 2 + 4, "middle", "small",
                     r ? W(p, W_TOO_FEW) : "-");
        continue;
      }
      heat(r->value, fill, sizeof fill, &dark);
      mj__svg_cell(&s, x, y, cw, ch, fill);
      snprintf(v, sizeof v, "%.0f%%", r->value);
      mj__svg_text(&s, x + cw / 2, y + ch / 2 + 4, "middle",
                   dark ? "inv" : NULL, v);
    }
  }
  mj__svg_close(&s);
  data_open(p);
  fprintf(f, "<table><thead><tr><th scope=\"col\">%s</th>",
          W(p, W_CRITERION));
  for (size_t si = 0; si < nsites; si++) {
    fputs("<th scope=\"col\">", f);
    text(p, sites[si] + 5);
    fputs("</th>", f);
  }
  fputs("</tr></thead><tbody>\n", f);
  for (size_t c = 0; c < ncrit; c++) {
    fputs("<tr><th scope=\"row\">", f);
    text(p, crits[c]);
    fputs("</th>", f);
    for (size_t si = 0; si < nsites; si++) {
      const mj_result_rec *r = mj__figset_find(fs, "audit", "compliance",
                                               audit, crits[c], NULL,
                                               sites[si]);
      fputs("<td>", f);
      if (r)
        fig(p, r, 0);
      fputs("</td>", f);
    }
    fputs("</tr>\n", f);
  }
  fputs("</tbody></table></details>\n</figure>\n</section>\n", f);
}

/* ---- the service standard ---------------------------------------------- */

/* Each standard's indicator against its target, a row each on its own
** scale from zero (indicators are in hours, %, ...): the bar is the
** indicator, solid when met and hatched when not, the dark tick the
** target. */
static void standard_chart(page *p, const mj_result_rec *const *v,
                           const mj_result_rec *const *met, size_t n)
{
  FILE *f = p->f;
  const mj_standard *st = p->m->standards;
  char id[16], desc[800];
  chart_id(p, id, sizeof id);
  int used = snprintf(desc, sizeof desc, "%s:", W(p, W_STANDARD));
  for (size_t i = 0; i < n && used > 0 && (size_t)used < sizeof desc; i++)
    if (v[i] && !isnan(v[i]->value))
      used += snprintf(desc + used, sizeof desc - (size_t)used,
                       " %s %g (%s %s)%s;", st[i].id, v[i]->value,
                       W(p, W_TARGET), st[i].target,
                       met[i] && !isnan(met[i]->value)
                           ? (met[i]->value > 0.5 ? " met" : " not met")
                           : "");
  fprintf(f, "<figure>\n<figcaption>%s</figcaption>\n", W(p, W_STANDARD));
  mj_svg s;
  double rowh = 26, left = 60, right = 70, w = 560;
  mj__svg_open(f, &s, id, w, 12 + rowh * (double)n, W(p, W_STANDARD), desc);
  for (size_t i = 0; i < n; i++) {
    double y = 6 + rowh * (double)i;
    mj__svg_text(&s, left - 6, y + 13, "end", NULL, st[i].id);
    if (!v[i] || isnan(v[i]->value)) {
      mj__svg_text(&s, left + 4, y + 13, "start", "muted",
                   v[i] ? W(p, W_TOO_FEW) : "-");
      continue;
    }
    double t = st[i].target_value, x = v[i]->value;
    double top = fmax(fmax(x, t), 1e-9) * 1.1;
    double span = w - left - right;
    double bx = left + span * fmax(0, x) / top;
    double tx = left + span * fmax(0, t) / top;
    int ok = met[i] && !isnan(met[i]->value) && met[i]->value > 0.5;
    char fill[40];
    if (ok)
      snprintf(fill, sizeof fill, "%s", mj__svg_palette[0]);
    else
      snprintf(fill, sizeof fill, "url(#%s-h1)", id);
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"18\" "
               "fill=\"%s\" stroke=\"#333\" stroke-width=\"0.5\"/>\n",
            left, y, bx - left, fill);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
               "stroke=\"#1a1a1a\" stroke-width=\"3\"/>\n",
            tx, y - 3, tx, y + 21);
    char val[64];
    snprintf(val, sizeof val, "%g / %s", round(x * 10) / 10, st[i].target);
    mj__svg_text(&s, fmax(bx, tx) + 5, y + 13, "start", "val", val);
  }
  mj__svg_close(&s);
  data_open(p);
  fprintf(f, "<table><thead><tr><th scope=\"col\">%s</th>"
             "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
             "</tr></thead><tbody>\n",
          W(p, W_STANDARD), W(p, W_INDICATOR), W(p, W_TARGET));
  for (size_t i = 0; i < n; i++) {
    fputs("<tr><th scope=\"row\">", f);
    text(p, st[i].id);
    fputs("</th><td>", f);
    if (v[i])
      fig(p, v[i], 0);
    fputs("</td><td>", f);
    text(p, st[i].target);
    fputs("</td></tr>\n", f);
  }
  fputs("</tbody></table></details>\n</figure>\n", f);
}

static void standard(page *p)
{
  if (!p->m || !p->m->n_standards)
    return;
  const mj_figset *fs = &p->d->figs;
  FILE *f = p->f;
  int any = 0;
  for (size_t i = 0; i < p->m->n_standards; i++) {
    const mj_standard *st = &p->m->standards[i];
    const mj_result_rec *v =
        mj__figset_find(fs, "standard", "indicator", NULL, st->id, NULL,
                        "all");
    const mj_result_rec *met =
        mj__figset_find(fs, "standard", "met", NULL, st->id, NULL, "all");
    if (!v && !met)
      continue;
    if (!any++)
      fprintf(f, "<section>\n<h2>%s</h2>\n<table><thead><tr>"
                 "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                 "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                 "<th scope=\"col\">%s</th></tr></thead><tbody>\n",
              W(p, W_STANDARD), W(p, W_STANDARD), W(p, W_INDICATOR),
              W(p, W_TARGET), W(p, W_N), W(p, W_VERDICT));
    fputs("<tr><th scope=\"row\">", f);
    text(p, st->id);
    fputs(" <span class=\"muted\">", f);
    text(p, mj__i18n_get(&st->text, p->lang));
    fputs("</span></th><td>", f);
    if (v)
      fig(p, v, 0);
    fputs(" <span class=\"muted addr\">", f);
    text(p, st->indicator);
    fputs("</span></td><td>", f);
    text(p, v && v->label ? v->label : st->target);
    fprintf(f, "</td><td>%llu</td><td>",
            (unsigned long long)(v ? v->n : met ? met->n : 0));
    if (met && !isnan(met->value)) {
      fprintf(f, "<span class=\"%s\">%s ",
              met->value > 0.5 ? "met" : "notmet",
              met->value > 0.5 ? "&#10004;" : "&#10008;");
      fig_as(p, met, W(p, met->value > 0.5 ? W_MET : W_NOT_MET));
      fputs("</span>", f);
    } else if (met)
      fig(p, met, 0);
    fputs("</td></tr>\n", f);
  }
  if (!any)
    return;
  fputs("</tbody></table>\n", f);
  const mj_result_rec *vs[32], *ms[32];
  size_t n = p->m->n_standards < 32 ? p->m->n_standards : 32;
  for (size_t i = 0; i < n; i++) {
    const char *sid = p->m->standards[i].id;
    vs[i] = mj__figset_find(fs, "standard", "indicator", NULL, sid, NULL,
                            "all");
    ms[i] = mj__figset_find(fs, "standard", "met", NULL, sid, NULL, "all");
  }
  standard_chart(p, vs, ms, n);
  fputs("</section>\n", f);
}

/* ---- the page ------------------------------------------------------------ */

static const char css[] =
    "*{box-sizing:border-box}"
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "color:#1a1a1a;background:#fff;margin:0}"
    "main{max-width:60rem;margin:0 auto;padding:1rem}"
    "h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin:1.6rem 0"
    " .6rem;border-bottom:2px solid #0072B2;padding-bottom:.2rem}"
    "h3{font-size:1.05rem;margin:1.2rem 0 .4rem}"
    ".lead{color:#444;margin:.2rem 0}"
    "table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;"
    "font-size:.92rem}"
    "th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;"
    "vertical-align:top;overflow-wrap:break-word}"
    ".addr{overflow-wrap:anywhere}"
    "thead th{border-bottom:2px solid #555}"
    "td data,td{font-variant-numeric:tabular-nums}"
    ".muted{color:#555;font-weight:normal}.ci{color:#555}"
    ".met{color:#005a8c;font-weight:600}.notmet{color:#a33a00;"
    "font-weight:600}.sig{color:#005a8c;font-weight:600}"
    ".few{font-style:italic;color:#555}"
    ".tiles{display:grid;grid-template-columns:repeat(auto-fit,"
    "minmax(13rem,1fr));gap:.6rem}"
    ".tile{border:1px solid #ccc;border-left:6px solid #0072B2;"
    "padding:.5rem .7rem;break-inside:avoid}"
    ".tname{font-weight:700}.tabout{color:#444;font-size:.85rem}"
    ".tval{font-size:1.8rem;font-weight:700}"
    ".tci,.tchange{font-size:.85rem}"
    ".counts span{margin-right:1.2rem}.counts b{font-size:1.4rem}"
    "blockquote{margin:.4rem 0;padding:.4rem .8rem;border-left:4px solid "
    "#E69F00;background:#fafafa}blockquote p{margin:0;white-space:pre-wrap;"
    "overflow-wrap:anywhere}"
    "blockquote footer{font-size:.8rem;color:#555}"
    "figure{margin:.6rem 0 1.2rem;break-inside:avoid}"
    "figcaption{font-weight:600;margin-bottom:.3rem}"
    "svg.chart{max-width:100%;height:auto;display:block}"
    "svg text{font:11px system-ui,sans-serif;fill:#222}"
    "svg .val{font-weight:700}svg .small{font-size:10px}"
    "svg .inv{fill:#fff;font-weight:700}svg .muted{fill:#555}"
    "svg .ylabel{font-weight:600}"
    "svg .grid{stroke:#e4e4e4}svg .base{stroke:#555}"
    "details{overflow-x:auto}"
    "details summary{cursor:pointer;color:#005a8c;font-size:.9rem}"
    ".legend{font-size:.85rem;color:#444;padding-left:1.2rem}"
    ".first{break-after:page}"
    "section{break-before:page}"
    "@media (max-width:40rem){body{font-size:14px}main{padding:.6rem}"
    "th,td{padding:.25rem .3rem}table{font-size:.85rem}}"
    "@media print{@page{size:A4;margin:15mm}body{font-size:10.5pt}"
    "main{max-width:none;padding:0}details>summary{display:none}"
    "a{color:inherit}}";

static int page_write(page *p)
{
  FILE *f = p->f;
  fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta "
             "charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width="
             "device-width, initial-scale=1\">\n<title>%s: ",
          p->lang, W(p, W_TITLE));
  text(p, p->d->cycle.name);
  fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n"
             "<div class=\"first\">\n<header><h1>%s</h1>\n<p class=\"lead\">",
          css, W(p, W_TITLE));
  char lead[300];
  snprintf(lead, sizeof lead, W(p, W_FINISHED), p->d->cycle.name,
           p->d->finished);
  text(p, lead);
  char note[200];
  fprintf(f, " %s", CI(p, W_CI_NOTE, note, sizeof note));
  for (size_t k = 0; !p->level[0] && k < p->n_lv; k++) {
    char t[32];
    fputs(k ? ", " : "", f);
    text(p, p->lv[k].scorer);
    fprintf(f, " %s%s", mj__ci_level_text(t, sizeof t, p->lv[k].level, p->lang),
            k + 1 == p->n_lv ? "." : "");
  }
  fprintf(f, "</p></header>\n<h2>%s</h2>\n", W(p, W_SUMMARY));
  requirements(p);
  kpis(p);
  plans(p);
  comments(p);
  fputs("</div>\n", f);
  int rc = trends(p);
  if (rc != MJ_OK)
    return rc;
  distributions(p);
  servqual(p);
  ipa(p);
  kano(p);
  complaints(p);
  audits(p);
  standard(p);
  gaps(p);
  fputs("</main>\n</body>\n</html>\n", f);
  return MJ_OK;
}

/* The page of d in the playbook's language. */
static int html_write(FILE *f, mj_engine *e, mj_report_data *d, void *ud)
{
  (void)ud;
  page p = {.f = f, .e = e, .m = e->model, .d = d};
  p.lang = report_lang(e->model);
  p.w = strcmp(p.lang, "es") == 0 ? words_es : words_en;
  p.n_lv = (size_t)mj__ci_levels(e, &d->figs, p.lv, MJ_CI_LEVELS);
  double level = mj__ci_level_one(p.lv, p.n_lv);
  if (!isnan(level))
    mj__ci_level_text(p.level, sizeof p.level, level, p.lang);
  return page_write(&p);
}

int mj__report_html(mj_engine *e, int64_t cycle, char **out, size_t *len)
{
  return mj__report_write(e, cycle, html_write, NULL, out, len);
}
