/**
 * signatures CLI (contract §1): `npm run -s signatures -- FILE`.
 * Reads FILE, one log message per line (CRLF stripped; a final newline makes no record; every other
 * line, even an empty one, makes one) and prints one JSON line per record, in input order:
 * {"line": n, "clusterId": "<string>", "template": "<text with <*> for variables>"}.
 * Two passes: every line is mined first, then each line is printed with its cluster's FINAL template.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mineAll } from '../engine/mine-all';

export function splitRecords(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) if (lines[i].endsWith('\r')) lines[i] = lines[i].slice(0, -1);
  return lines;
}

function main(argv: string[]): number {
  const file = argv[0];
  if (!file) {
    process.stderr.write('usage: npm run -s signatures -- FILE\n');
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`signatures: cannot read ${file}: ${(e as Error).message}\n`);
    return 1;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records = splitRecords(text);
  const mined = mineAll(records);
  let buf = '';
  for (let i = 0; i < mined.length; i++) {
    buf += `{"line": ${i + 1}, "clusterId": ${JSON.stringify(mined[i].clusterId)}, "template": ${JSON.stringify(mined[i].template)}}\n`;
    if (buf.length > 1 << 16) {
      process.stdout.write(buf);
      buf = '';
    }
  }
  process.stdout.write(buf);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === __filename) process.exitCode = main(process.argv.slice(2));
