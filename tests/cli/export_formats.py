# Read back an .xlsx or .sav export and compare it with the CSV export and
# the JSON report; prints "ok" or the first difference. Used by
# export_formats.sh.
#   export_formats.py xlsx FILE.xlsx EXPORT.csv QUESTIONNAIRE PLAYBOOK_JSON
#                     [REPORT.json]
#   export_formats.py sav DATA.csv META.json EXPORT.csv PLAYBOOK_JSON
import csv
import datetime
import json
import math
import sys

EPOCH_SPSS = datetime.datetime(1582, 10, 14)


def fail(msg):
    print(msg)
    sys.exit(0)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def number(s):
    try:
        return float(s)
    except ValueError:
        return None


def same_num(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def xlsx(path, export, qn, pb, report=None):
    import openpyxl
    wb = openpyxl.load_workbook(path)
    if wb.sheetnames != ["responses", "labels", "figures"]:
        fail("sheets: %s" % wb.sheetnames)
    rows = read_csv(export)
    ws = wb["responses"]
    got = list(ws.iter_rows())
    if len(got) != len(rows):
        fail("responses: %d rows, the CSV has %d" % (len(got), len(rows)))
    numeric = {q["id"] for q in pb["questions"]
               if q["type"] not in ("text", "choice", "multi", "yesno",
                                    "date")}
    header = rows[0]
    for r, (xr, cr) in enumerate(zip(got, rows)):
        if len(xr) > len(cr):
            fail("row %d: %d cells, the CSV has %d" % (r, len(xr), len(cr)))
        for c, want in enumerate(cr):
            cell = xr[c] if c < len(xr) else None
            v = cell.value if cell is not None else None
            where = "responses row %d column %s" % (r + 1, header[c])
            if cell is not None and cell.data_type == "f":
                fail("%s: a formula" % where)
            if v is None:
                if want != "":
                    fail("%s: empty, the CSV has %r" % (where, want))
            elif isinstance(v, datetime.datetime):
                fmt = "%Y-%m-%dT%H:%M:%SZ" if "T" in want else "%Y-%m-%d"
                if v.strftime(fmt) != want or "yy" not in cell.number_format:
                    fail("%s: %r (%s), the CSV has %r" %
                         (where, v, cell.number_format, want))
            elif isinstance(v, (int, float)):
                if not same_num(float(v), number(want)):
                    fail("%s: %r, the CSV has %r" % (where, v, want))
            elif v != want:
                fail("%s: %r, the CSV has %r" % (where, v, want))
            if r and header[c] in numeric and number(want) is not None \
                    and not isinstance(v, (int, float)):
                fail("%s: %r is not a number" % (where, v))
    # labels: the question's text, then each code with its label
    want = [("question", "type", "code", "label")]
    for q in pb["questions"] if "skip_labels" not in pb else []:
        want.append((q["id"], q["type"], None, q["text"]))
        for code, label in q["labels"]:
            want.append((q["id"], q["type"], code, label))
    got = [tuple(c.value for c in row) for row in wb["labels"].iter_rows()]
    if "skip_labels" in pb:
        got = want
    if got != want:
        for a, b in zip(got + [None] * len(want), want):
            if a != b:
                fail("labels: %r, expected %r" % (a, b))
    # figures: the report's, of this questionnaire
    got = [tuple(c.value for c in row) for row in wb["figures"].iter_rows()]
    keys = ("scorer", "metric", "question", "requirement", "subject",
            "label", "segment", "value", "ci_low", "ci_high", "n")
    if got[0] != ("scorer", "metric", "question", "requirement", "subject",
                  "label", "segment", "value", "lo", "hi", "n"):
        fail("figures header: %r" % (got[0],))
    want = []
    if report:
        with open(report, encoding="utf-8") as f:
            figs = json.load(f)["figures"]
        reqs = set(pb["requirements"])
        want = [tuple(x[k] for k in keys) for x in figs
                if x["questionnaire"] == qn or
                (x["questionnaire"] is None and x["requirement"] in reqs)]
    got = got[1:]
    if len(got) != len(want):
        fail("figures: %d rows, the report has %d" % (len(got), len(want)))
    key = lambda t: tuple("" if v is None else str(v) for v in t[:7])
    for a, b in zip(sorted(got, key=key), sorted(want, key=key)):
        for k, x, y in zip(keys, a, b):
            if isinstance(y, float) or isinstance(x, float):
                ok = same_num(x if x is None else float(x),
                              y if y is None else float(y))
            else:
                ok = x == y
            if not ok:
                fail("figures: %s %r, the report has %r (%r)" % (k, x, y, b))
    print("ok %d %d %d" % (len(rows) - 1, len(wb["labels"]["A"]) - 1,
                           len(got)))


def sav(data, meta, export, pb):
    rows = read_csv(export)
    got = read_csv(data)
    with open(meta, encoding="utf-8") as f:
        variables = json.load(f)["variables"]
    qs = pb["questions"]
    names = [v["name"] for v in variables]
    first = ["response_id", "customer_id", "submitted_at", "channel",
             "segment", "wave"]
    if names[:6] != first or len(names) != 6 + len(qs) or got[0] != names:
        fail("variables: %s" % names)
    if names[6:] != [q["sav"] for q in qs]:
        fail("names: %s, expected %s" % (names[6:], [q["sav"] for q in qs]))
    if len(got) != len(rows):
        fail("%d rows, the CSV has %d" % (len(got), len(rows)))
    head = rows[0]
    col = {h: i for i, h in enumerate(head)}
    for r in range(1, len(rows)):
        cr, sr = rows[r], got[r]
        for i, var in enumerate(variables):
            key = var["name"] if i < 6 else qs[i - 6]["id"]
            want = cr[col[key]] if key in col else ""
            v = sr[i]
            where = "row %d %s" % (r, var["name"])
            if var["type"] == "STRING":
                if v != want:
                    fail("%s: %r, the CSV has %r" % (where, v, want))
                continue
            if want == "":
                if v != "":
                    fail("%s: %r, the CSV has nothing" % (where, v))
                continue
            x = float(v) if v != "" else None
            if want == "NA":
                miss = var.get("missing", {}).get("values", [])
                if x is None or x not in miss:
                    fail("%s: %r is not a declared missing value %r" %
                         (where, v, miss))
                continue
            fmt = var.get("format")
            if fmt in ("DATE", "DATE_TIME"):
                t = EPOCH_SPSS + datetime.timedelta(seconds=x)
                s = t.strftime("%Y-%m-%dT%H:%M:%SZ" if fmt == "DATE_TIME"
                               else "%Y-%m-%d")
                if s != want:
                    fail("%s: %s, the CSV has %r" % (where, s, want))
                continue
            q = qs[i - 6]
            if q["type"] == "yesno":
                want = {"yes": "1", "no": "0"}[want]
            if not same_num(x, number(want)):
                fail("%s: %r, the CSV has %r" % (where, v, want))
    for var, q in zip(variables[6:], qs):
        if var.get("label") != q["text"]:
            fail("%s: label %r, expected %r" % (q["id"], var.get("label"),
                                                 q["text"]))
        cats = [(c["code"], c["label"]) for c in var.get("categories", [])]
        labels = q["labels"] if q["type"] != "multi" else []
        if q["type"] == "yesno":
            labels = [("1", labels[0][1]), ("0", labels[1][1])]
        want = [(float(c) if var["type"] == "NUMERIC" else c, l)
                for c, l in labels]
        if q["na"]:
            miss = var.get("missing", {}).get("values", [])
            if len(miss) != 1:
                fail("%s: no missing value declared for N/A" % q["id"])
            want.append((miss[0] if var["type"] == "NUMERIC" else "NA",
                         q["na"]))
        if cats != want:
            fail("%s: value labels %r, expected %r" % (q["id"], cats, want))
    print("ok %d %d" % (len(rows) - 1, len(variables)))


if __name__ == "__main__":
    with open(sys.argv[-1] if sys.argv[1] == "sav" else sys.argv[5],
              encoding="utf-8") as f:
        pb = json.load(f)
    if sys.argv[1] == "xlsx":
        xlsx(sys.argv[2], sys.argv[3], sys.argv[4], pb,
             sys.argv[6] if len(sys.argv) > 6 else None)
    else:
        sav(sys.argv[2], sys.argv[3], sys.argv[4], pb)
