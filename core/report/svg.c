/*
** Chart primitives for the HTML report: inline SVG with a text
** alternative, axes, bars, bands, points and text, every string escaped
** for where it lands. Colours are the Okabe-Ito palette, which readers
** with any common colour-vision deficiency tell apart; patterns and
** labels carry the meaning too, so no chart relies on colour alone.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

const char *const mj__svg_palette[8] = {
    "#0072B2", /* blue */
    "#E69F00", /* orange */
    "#009E73", /* bluish green */
    "#CC79A7", /* reddish purple */
    "#56B4E9", /* sky blue */
    "#D55E00", /* vermillion */
    "#F0E442", /* yellow */
    "#000000",
};

/*
** Text for HTML, in an element or in a quoted attribute alike: the five
** characters markup could read, and control characters (a stray one
** makes the page invalid XML inside SVG) as a space.
*/
void mj__html_text(FILE *f, const char *s)
{
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    switch (c) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&#39;", f); break;
    default:
      fputc(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c, f);
    }
  }
}

void mj__svg_open(FILE *f, mj_svg *s, const char *id, double w, double h,
                  const char *title, const char *desc)
{
  memset(s, 0, sizeof *s);
  s->f = f;
  s->w = w;
  s->h = h;
  s->left = 48;
  s->right = 12;
  s->top = 12;
  s->bottom = 32;
  s->x0 = 0;
  s->x1 = 1;
  s->y0 = 0;
  s->y1 = 1;
  /* role="img" with the title and description as its accessible name:
  ** a screen reader announces the chart, the table under it has the
  ** figures. */
  fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
             "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
             "aria-labelledby=\"%s-t %s-d\" class=\"chart\">\n"
             "<title id=\"%s-t\">",
          w, h, w, h, id, id, id);
  mj__html_text(f, title);
  fprintf(f, "</title>\n<desc id=\"%s-d\">", id);
  mj__html_text(f, desc);
  fputs("</desc>\n", f);
  /* Hatching for the second and fourth series: a bar still differs from
  ** its neighbour in print and for readers who see no hue. */
  fprintf(f, "<defs><pattern id=\"%s-h1\" width=\"6\" height=\"6\" "
             "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
             "<rect width=\"6\" height=\"6\" fill=\"%s\"/>"
             "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#fff\" "
             "stroke-width=\"2\"/></pattern>"
             "<pattern id=\"%s-h2\" width=\"6\" height=\"6\" "
             "patternUnits=\"userSpaceOnUse\">"
             "<rect width=\"6\" height=\"6\" fill=\"%s\"/>"
             "<circle cx=\"3\" cy=\"3\" r=\"1.2\" fill=\"#fff\"/></pattern>"
             "</defs>\n",
          id, mj__svg_palette[1], id, mj__svg_palette[3]);
  snprintf(s->id, sizeof s->id, "%s", id);
}

void mj__svg_close(mj_svg *s)
{
  fputs("</svg>\n", s->f);
}

void mj__svg_range(mj_svg *s, double x0, double x1, double y0, double y1)
{
  s->x0 = x0;
  s->x1 = x1 > x0 ? x1 : x0 + 1;
  s->y0 = y0;
  s->y1 = y1 > y0 ? y1 : y0 + 1;
}

double mj__svg_x(const mj_svg *s, double v)
{
  return s->left + (v - s->x0) / (s->x1 - s->x0) *
                       (s->w - s->left - s->right);
}

double mj__svg_y(const mj_svg *s, double v)
{
  return s->h - s->bottom - (v - s->y0) / (s->y1 - s->y0) *
                                (s->h - s->top - s->bottom);
}

/* The fill of series k: a colour, hatched for every second one. */
static void fill_of(const mj_svg *s, int k, char *buf, size_t n)
{
  k = k < 0 ? 0 : k % 8;
  if (k == 1 || k == 3)
    snprintf(buf, n, "url(#%s-h%d)", s->id, k == 1 ? 1 : 2);
  else
    snprintf(buf, n, "%s", mj__svg_palette[k]);
}

/* The y axis with ticks every step from y0 to y1, the x axis at y0 (or
** at 0 when the range spans it), and a y label. */
void mj__svg_axes(mj_svg *s, double step, const char *ylabel)
{
  FILE *f = s->f;
  fputs("<g class=\"axis\">", f);
  if (step > 0)
    for (double v = ceil(s->y0 / step) * step; v <= s->y1 + step / 1e6;
         v += step) {
      double y = mj__svg_y(s, v);
      fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                 "class=\"grid\"/>",
              s->left, y, s->w - s->right, y);
      fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>",
              s->left - 4, y + 4, fabs(v) < 1e-9 ? 0 : v);
    }
  double base = s->y0 <= 0 && s->y1 >= 0 ? 0 : s->y0;
  fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
             "class=\"base\"/>",
          s->left, mj__svg_y(s, base), s->w - s->right, mj__svg_y(s, base));
  if (ylabel && *ylabel) {
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"ylabel\">", s->left,
            s->top - 2);
    mj__html_text(f, ylabel);
    fputs("</text>", f);
  }
  fputs("</g>\n", f);
}

/* A bar from (x, y0) to (x + w, y1) in data units, series k's fill. */
void mj__svg_bar(mj_svg *s, double x, double w, double y0, double y1, int k)
{
  char fill[64];
  fill_of(s, k, fill, sizeof fill);
  double a = mj__svg_x(s, x), b = mj__svg_x(s, x + w);
  double ya = mj__svg_y(s, y0), yb = mj__svg_y(s, y1);
  fprintf(s->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                "fill=\"%s\" stroke=\"#333\" stroke-width=\"0.5\"/>\n",
          fmin(a, b), fmin(ya, yb), fabs(b - a), fabs(yb - ya), fill);
}

/* A band between lo and hi over n points (the interval of a trend). */
void mj__svg_band(mj_svg *s, size_t n, const double *x, const double *lo,
                  const double *hi, int k)
{
  if (n == 0)
    return;
  fprintf(s->f, "<polygon class=\"band\" fill=\"%s\" fill-opacity=\"0.2\" "
                "points=\"",
          mj__svg_palette[k % 8]);
  for (size_t i = 0; i < n; i++)
    fprintf(s->f, "%.1f,%.1f ", mj__svg_x(s, x[i]), mj__svg_y(s, hi[i]));
  for (size_t i = n; i-- > 0;)
    fprintf(s->f, "%.1f,%.1f ", mj__svg_x(s, x[i]), mj__svg_y(s, lo[i]));
  fputs("\"/>\n", s->f);
  if (n == 1) /* one cycle: its interval as a whisker */
    mj__svg_line(s, mj__svg_x(s, x[0]), mj__svg_y(s, lo[0]),
                 mj__svg_x(s, x[0]), mj__svg_y(s, hi[0]), k, 0);
}

/* A line in pixels, dashed when asked. */
void mj__svg_line(mj_svg *s, double x1, double y1, double x2, double y2,
                  int k, int dashed)
{
  fprintf(s->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"%s\" stroke-width=\"2\"%s/>\n",
          x1, y1, x2, y2, mj__svg_palette[k % 8],
          dashed ? " stroke-dasharray=\"5 3\"" : "");
}

/* A polyline through n points in data units. */
void mj__svg_path(mj_svg *s, size_t n, const double *x, const double *y,
                  int k)
{
  fprintf(s->f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                "points=\"",
          mj__svg_palette[k % 8]);
  for (size_t i = 0; i < n; i++)
    fprintf(s->f, "%.1f,%.1f ", mj__svg_x(s, x[i]), mj__svg_y(s, y[i]));
  fputs("\"/>\n", s->f);
}

/* A marker at a point in data units: a circle, square, triangle or
** diamond by series, so points differ by shape as well as colour. */
void mj__svg_point(mj_svg *s, double x, double y, int k)
{
  double px = mj__svg_x(s, x), py = mj__svg_y(s, y);
  const char *c = mj__svg_palette[k % 8];
  switch (k % 4) {
  case 0:
    fprintf(s->f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"/>\n",
            px, py, c);
    break;
  case 1:
    fprintf(s->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" "
                  "fill=\"%s\"/>\n",
            px - 4, py - 4, c);
    break;
  case 2:
    fprintf(s->f, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" "
                  "fill=\"%s\"/>\n",
            px, py - 5, px - 5, py + 4, px + 5, py + 4, c);
    break;
  default:
    fprintf(s->f, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f "
                  "%.1f,%.1f\" fill=\"%s\"/>\n",
            px, py - 5, px + 5, py, px, py + 5, px - 5, py, c);
  }
}

/* Text at pixels (x, y), anchored "start", "middle" or "end". */
void mj__svg_text(mj_svg *s, double x, double y, const char *anchor,
                  const char *cls, const char *text)
{
  fprintf(s->f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s%s%s>", x,
          y, anchor, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
  mj__html_text(s->f, text);
  fputs("</text>\n", s->f);
}

/* A filled rectangle in pixels with a colour given as text (heat maps). */
void mj__svg_cell(mj_svg *s, double x, double y, double w, double h,
                  const char *fill)
{
  fprintf(s->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                "fill=\"%s\" stroke=\"#fff\" stroke-width=\"1\"/>\n",
          x, y, w, h, fill);
}
