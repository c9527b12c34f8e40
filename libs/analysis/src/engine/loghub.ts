/**
 * Loghub-2k accuracy helpers: a CSV parser (RFC 4180 quoting) and the grouping (GA) and parsing (PA)
 * accuracy metrics, implemented from the definitions in shared/datasets/loghub-2k/README.md.
 */

/**
 * Parses CSV text into rows of fields. Handles quoted fields with commas, quotes ("") and newlines. A field is cut
 * out of the text in one piece where it can be (a flat string, not one built a character at a time: a string of 100
 * one-character concatenations is a deep rope that every later reader walks again).
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  /** The field so far, before the pending run text[from, i). */
  let field = '';
  let inQuotes = false;
  let i = 0;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  let from = i;
  while (i < n) {
    const ch = text.charCodeAt(i);
    if (inQuotes) {
      if (ch === 34) {
        field += text.slice(from, i);
        if (text.charCodeAt(i + 1) === 34) {
          field += '"';
          i += 2;
        } else {
          inQuotes = false;
          i++;
        }
        from = i;
      } else i++;
      continue;
    }
    if (ch === 34 && field === '' && from === i) {
      inQuotes = true;
      i++;
      from = i;
    } else if (ch === 44) {
      row.push(field + text.slice(from, i));
      field = '';
      from = ++i;
    } else if (ch === 13 || ch === 10) {
      row.push(field + text.slice(from, i));
      rows.push(row);
      row = [];
      field = '';
      i += ch === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      from = i;
    } else i++;
  }
  field += text.slice(from, i);
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export interface LabelledLine {
  content: string;
  eventId: string;
  template: string;
}

/** Reads the Content, EventId and EventTemplate columns of a `*_structured*.csv` text. */
export function parseStructuredCsv(text: string): LabelledLine[] {
  const rows = parseCsv(text);
  if (rows.length === 0) return [];
  const header = rows[0];
  const ci = header.indexOf('Content');
  const ei = header.indexOf('EventId');
  const ti = header.indexOf('EventTemplate');
  if (ci < 0 || ei < 0 || ti < 0) throw new Error('CSV lacks Content, EventId or EventTemplate columns');
  const out: LabelledLine[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    if (row.length === 1 && row[0] === '') continue;
    out.push({ content: row[ci] ?? '', eventId: row[ei] ?? '', template: row[ti] ?? '' });
  }
  return out;
}

/**
 * Grouping accuracy: a predicted cluster whose line set equals exactly one ground-truth event's full
 * line set makes all its lines correct. GA = correct lines / total lines. Lines with an empty truth
 * label are excluded from both sides.
 */
export function groupingAccuracy(truth: readonly string[], predicted: readonly string[]): number {
  if (truth.length !== predicted.length) throw new Error('truth and predicted differ in length');
  const truthSize = new Map<string, number>();
  const predLines = new Map<string, number[]>();
  let total = 0;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] === '') continue;
    total++;
    truthSize.set(truth[i], (truthSize.get(truth[i]) ?? 0) + 1);
    const l = predLines.get(predicted[i]);
    if (l) l.push(i);
    else predLines.set(predicted[i], [i]);
  }
  if (total === 0) return 0;
  let correct = 0;
  for (const lines of predLines.values()) {
    const t = truth[lines[0]];
    if (lines.every((i) => truth[i] === t) && truthSize.get(t) === lines.length) correct += lines.length;
  }
  return correct / total;
}

/** Parsing accuracy: share of lines whose predicted template equals the ground-truth template exactly. */
export function parsingAccuracy(truthTemplates: readonly string[], predictedTemplates: readonly string[]): number {
  if (truthTemplates.length !== predictedTemplates.length) throw new Error('truth and predicted differ in length');
  let total = 0;
  let ok = 0;
  for (let i = 0; i < truthTemplates.length; i++) {
    if (truthTemplates[i] === '') continue;
    total++;
    if (truthTemplates[i].trim() === predictedTemplates[i].trim()) ok++;
  }
  return total === 0 ? 0 : ok / total;
}

/** Pairwise F1 of the grouping (precision/recall over pairs of lines placed together). */
export function groupingF1(truth: readonly string[], predicted: readonly string[]): number {
  const pairs = (m: Map<string, number>) => [...m.values()].reduce((s, n) => s + (n * (n - 1)) / 2, 0);
  const tc = new Map<string, number>();
  const pc = new Map<string, number>();
  const both = new Map<string, number>();
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] === '') continue;
    tc.set(truth[i], (tc.get(truth[i]) ?? 0) + 1);
    pc.set(predicted[i], (pc.get(predicted[i]) ?? 0) + 1);
    const k = `${truth[i]}\u0000${predicted[i]}`;
    both.set(k, (both.get(k) ?? 0) + 1);
  }
  const tp = pairs(both);
  const realPairs = pairs(tc);
  const predPairs = pairs(pc);
  if (tp === 0) return 0;
  const p = tp / predPairs;
  const r = tp / realPairs;
  return (2 * p * r) / (p + r);
}

export const LOGHUB_SYSTEMS = [
  'Android',
  'Apache',
  'BGL',
  'HDFS',
  'HPC',
  'Hadoop',
  'HealthApp',
  'Linux',
  'Mac',
  'OpenSSH',
  'OpenStack',
  'Proxifier',
  'Spark',
  'Thunderbird',
  'Windows',
  'Zookeeper',
] as const;
