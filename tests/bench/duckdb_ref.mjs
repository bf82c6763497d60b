// W1 and W2 reference: DuckDB, in process, timed inside so that neither
// Node's nor DuckDB's start-up is counted.
//
// usage: node duckdb_ref.mjs RESPONSES.csv DIR WAVE
//
// Imports the CSV into a new database file in DIR (CREATE TABLE AS
// read_csv, then CHECKPOINT: durable, like mejora's import) with 2 threads
// and again with 1, then runs W2's per-segment aggregates (the counts,
// sums and sums of squares the nps, csat and reliability figures come
// from, per segment and for all) from the first table, in a new instance
// each (so its buffer pool starts cold, as a new mejora process does),
// with 2 threads and with 1. Prints one JSON object of seconds.
import { DuckDBInstance } from '@duckdb/node-api';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const [csv, dir, wave] = process.argv.slice(2);
const items = Array.from({ length: 10 }, (_, i) => `q${i + 1}`);
const quote = (s) => `'${s.replaceAll("'", "''")}'`;

function drop(path) {
  for (const s of ['', '.wal'])
    rmSync(path + s, { force: true });
}

async function time(path, threads, sql) {
  const db = await DuckDBInstance.create(path, { threads: String(threads) });
  const c = await db.connect();
  const t = performance.now();
  let rows = null;
  for (const q of sql) {
    const r = await c.runAndReadAll(q);
    rows = r.getRowObjectsJson();
  }
  const s = (performance.now() - t) / 1000;
  c.closeSync();
  db.closeSync();
  return [s, rows];
}

async function load(threads) {
  const path = join(dir, `duckdb-${threads}.db`);
  drop(path);
  const [s] = await time(path, threads, [
    `CREATE TABLE r AS SELECT * FROM read_csv(${quote(csv)}, header = true)`,
    'CHECKPOINT']);
  return [s, path];
}

// The listwise total of the ten items, for Cronbach's alpha.
const all = items.map((q) => `${q} IS NOT NULL`).join(' AND ');
const total = items.join(' + ');
const cols = [
  'count(*) AS rows', 'count(nps) AS n', 'count_if(nps >= 9) AS pro',
  'count_if(nps <= 6) AS det',
  ...items.flatMap((q) => [
    `count(${q}) AS ${q}_n`, `sum(${q}) AS ${q}_sum`,
    `sum(${q} * ${q}) AS ${q}_sq`, `count_if(${q} >= 4) AS ${q}_top`,
    `count_if(${q} <= 2) AS ${q}_bottom`,
    `sum(${q}) FILTER (${all}) AS ${q}_lsum`,
    `sum(${q} * ${q}) FILTER (${all}) AS ${q}_lsq`]),
  `count(*) FILTER (${all}) AS alpha_n`,
  `sum(${total}) FILTER (${all}) AS total_sum`,
  `sum((${total}) * (${total})) FILTER (${all}) AS total_sq`];
const aggregates =
  `SELECT coalesce(segment, 'all') AS seg, ${cols.join(', ')} FROM r ` +
  `WHERE wave IS NULL OR wave = ${quote(wave)} ` +
  'GROUP BY GROUPING SETS ((segment), ())';

const out = {};
[out.import_2_s, out.db] = await load(2);
[out.import_1_s] = await load(1);
drop(join(dir, 'duckdb-1.db'));
let rows;
[out.aggregates_2_s, rows] = await time(out.db, 2, [aggregates]);
[out.aggregates_1_s] = await time(out.db, 1, [aggregates]);
const everyone = rows.find((r) => r.seg === 'all');
out.n_all = Number(everyone.n);
out.segments = rows.length - 1;
drop(out.db);
console.log(JSON.stringify(out));
