/**
 * franc's ranking (`francAll(value, { minLength, only })`) for Latin-script text, computed with
 * franc's own trigram models and scoring, but with the models kept as Maps restricted to the
 * candidate languages (prepared once as one dense table): franc builds a fresh object of the
 * text's trigrams per call and filters its 80 Latin models every time, which made it the
 * costliest step of a triage. Text whose top script
 * is not Latin is handed to franc itself. The result is franc's, element for element
 * (trigrams.spec.ts compares both on many texts).
 */
import { francAll } from 'franc-min';
import { data } from 'franc-min/data.js';
import { expressions } from 'franc-min/expressions.js';

/** franc's constants (franc-min 6: the longest sample it reads, the cost of an unknown trigram). */
const MAX_LENGTH = 2048;
const MAX_DIFFERENCE = 300;

/**
 * The candidate models as one table. A trigram (three UTF-16 units, as franc slices them) whose
 * units all occur in the models has a dense key; `rowOf[key]` is its row (-1: no model knows
 * it); a row lists the models that know the trigram, with its rank in each.
 */
interface Table {
  codes: string[];
  /** UTF-16 unit → its index among the models' units (-1: none of them uses it) */
  unit: Int16Array;
  units: number;
  rowOf: Int16Array;
  /** row r's entries are rowStart[r] … rowStart[r + 1] − 1 of `model` and `rank` */
  rowStart: Int32Array;
  model: Int16Array;
  rank: Int16Array;
}

function table(codes: string[], models: string[]): Table {
  const lists = models.map((m) => m.split('|'));
  const unit = new Int16Array(65536).fill(-1);
  let units = 0;
  for (const list of lists) for (const t of list) for (let i = 0; i < t.length; i++) if (unit[t.charCodeAt(i)] < 0) unit[t.charCodeAt(i)] = units++;
  const rowOf = new Int16Array(units * units * units).fill(-1);
  let rows = 0;
  const keyOf = (t: string) => (unit[t.charCodeAt(0)] * units + unit[t.charCodeAt(1)]) * units + unit[t.charCodeAt(2)];
  for (const list of lists) for (const t of list) if (t.length === 3 && rowOf[keyOf(t)] < 0) rowOf[keyOf(t)] = rows++;
  const k = codes.length;
  const ranks = new Int16Array(rows * k).fill(-1);
  lists.forEach((list, c) => {
    // franc fills its dictionary from the end: a trigram listed twice keeps its first (lower) rank.
    for (let w = list.length - 1; w >= 0; w--) if (list[w].length === 3) ranks[rowOf[keyOf(list[w])] * k + c] = w;
  });
  const rowStart = new Int32Array(rows + 1);
  const model: number[] = [];
  const rank: number[] = [];
  for (let r = 0; r < rows; r++) {
    rowStart[r] = model.length;
    for (let c = 0; c < k; c++)
      if (ranks[r * k + c] >= 0) {
        model.push(c);
        rank.push(ranks[r * k + c]);
      }
  }
  rowStart[rows] = model.length;
  return { codes, unit, units, rowOf, rowStart, model: Int16Array.from(model), rank: Int16Array.from(rank) };
}

/** franc's text cleaning before it takes trigrams (trigram-utils `clean`), padded with a space each side. */
function cleaned(value: string): string {
  const clean = value
    .replace(/[\u0021-\u0040]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
  return ` ${clean} `;
}

export interface TrigramRanker {
  /** franc's `francAll(value, { minLength, only })`: [ISO 639-3 code, score] pairs, best first. */
  rank(value: string): [string, number][];
}

/** franc's script choice: the expression with the highest share of matching characters (first on ties). */
function topScript(value: string): string | undefined {
  let topCount = -1;
  let top: string | undefined;
  for (const script of Object.keys(expressions)) {
    const m = value.match(expressions[script]);
    const count = (m ? m.length : 0) / value.length || 0;
    if (count > topCount) {
      topCount = count;
      top = script;
    }
  }
  return top;
}

export function trigramRanker(options: { minLength: number; only: readonly string[] }): TrigramRanker {
  const latin = data.Latin ?? {};
  const codes = Object.keys(latin).filter((code) => options.only.length === 0 || options.only.includes(code));
  const { unit, units, rowOf, rowStart, model, rank } = table(
    codes,
    codes.map((c) => latin[c]),
  );
  const k = codes.length;
  const only = [...options.only];
  // Scratch for one call: a count per dense key, and the keys touched (reset before returning).
  const counts = new Uint16Array(rowOf.length);
  const touched: number[] = [];
  return {
    rank(input: string): [string, number][] {
      if (!input || input.length < options.minLength) return [['und', 1]];
      const value = input.slice(0, MAX_LENGTH);
      if (topScript(value) !== 'Latin' || k === 0) return francAll(input, { minLength: options.minLength, only });
      // franc sums, per model, over the distinct trigrams: |count − rank − 1| when the model knows
      // the trigram, MAX_DIFFERENCE when it does not. The sums are of integers, so the order of
      // the additions does not matter.
      const padded = cleaned(value);
      const foreign = new Set<string>();
      for (let i = 0; i + 3 <= padded.length; i++) {
        const a = unit[padded.charCodeAt(i)];
        const b = unit[padded.charCodeAt(i + 1)];
        const c = unit[padded.charCodeAt(i + 2)];
        if (a < 0 || b < 0 || c < 0) {
          foreign.add(padded.slice(i, i + 3));
          continue;
        }
        const key = (a * units + b) * units + c;
        if (counts[key]++ === 0) touched.push(key);
      }
      // Every distinct trigram first costs MAX_DIFFERENCE in every model; a model that knows it gets the difference back.
      const sum = new Array<number>(k).fill((foreign.size + touched.length) * MAX_DIFFERENCE);
      for (const key of touched) {
        const row = rowOf[key];
        const count = counts[key];
        counts[key] = 0;
        if (row < 0) continue;
        for (let j = rowStart[row]; j < rowStart[row + 1]; j++) {
          let difference = count - rank[j] - 1;
          if (difference < 0) difference = -difference;
          sum[model[j]] += difference - MAX_DIFFERENCE;
        }
      }
      touched.length = 0;
      const distances: [string, number][] = codes.map((code, m) => [code, sum[m]]);
      distances.sort((a, b) => a[1] - b[1]);
      // franc's normalisation, operation for operation.
      const min = distances[0][1];
      const max = value.length * MAX_DIFFERENCE - min;
      for (const d of distances) d[1] = 1 - (d[1] - min) / max || 0;
      return distances;
    },
  };
}
