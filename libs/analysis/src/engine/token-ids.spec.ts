import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { LOGHUB_SYSTEMS, parseStructuredCsv } from './loghub';
import { maskedTokens, MAX_LINE_CHARS, MAX_TOKEN_CHARS, WILDCARD } from './masking';
import { mineAll } from './mine-all';
import { KIND_PAREN_VALUE, KIND_WILDCARD, MASKED_TOKEN_SLOTS, MaskedVocabulary } from './token-ids';

const buf = new Int32Array(MASKED_TOKEN_SLOTS);
const viaIds = (v: MaskedVocabulary, line: string): string[] => Array.from(buf.subarray(0, v.tokenIds(line, buf)), (id) => v.text[id]);

/** Pieces that reach every masking rule: digits and hex, units, booleans, dates, quotes, paths, IPs, wildcards, non-ASCII. */
const PIECES = [
  'a',
  'f',
  'x',
  'X',
  'e',
  'T',
  'true',
  'false',
  'ssh',
  'blk',
  'eth',
  'ms',
  'KB',
  's',
  'min',
  'Jan',
  'Mon',
  'user',
  '0',
  '1',
  '7',
  '00',
  '0x',
  '12',
  '255',
  '2024-01-02',
  '10:11:12',
  '.',
  '..',
  ':',
  '::',
  '-',
  '_',
  '=',
  '/',
  '\\',
  '@',
  '<',
  '>',
  '<*>',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '`',
  ',',
  ';',
  '#',
  '|',
  '+',
  '%',
  'µ',
  'é',
  '\u00a0',
  '\t',
];
const token = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((p) => p.join(''));
const line = fc.array(fc.oneof(token, fc.integer({ min: 0, max: 99_999_999 }).map(String)), { minLength: 0, maxLength: 8 }).map((t) => t.join(' '));

describe('MaskedVocabulary (token ids)', () => {
  it('masks every line exactly like maskedTokens(), with one id per masked text', () => {
    const v = new MaskedVocabulary();
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), (lines) => {
        for (const l of lines) expect(viaIds(v, l)).toEqual(maskedTokens(l));
      }),
      { numRuns: 400 },
    );
    expect(new Set(v.text).size).toBe(v.size);
  });

  it('gives a token and its digit-blind twin their own masks when the mask keeps digits', () => {
    const v = new MaskedVocabulary();
    // `eth1` is remembered first; `eth0` has the same digit-blind form but keeps its own digit.
    expect(viaIds(v, 'up eth1 eth0 eth1 sda2 0x1f 1x1f')).toEqual(['up', 'eth1', 'eth0', 'eth1', 'sda2', WILDCARD, WILDCARD]);
    expect(viaIds(v, 'uid=123 uid=987 uid=1 core.2275 core.9')).toEqual(['uid=<*>', 'uid=<*>', 'uid=<*>', 'core.<*>', 'core.<*>']);
    expect(viaIds(v, 'ssh2 log4j node42 9fef4401dd8f abcdef1a SOCKS5')).toEqual(['ssh2', 'log4j', WILDCARD, WILDCARD, WILDCARD, 'SOCKS5']);
  });

  it('takes the string path for lines that are not ASCII, long lines and long tokens, with the same result', () => {
    const v = new MaskedVocabulary();
    for (const l of [
      'naïve café 12 user=é1',
      'a\u00a0b\u2003c 12',
      `x ${'y1'.repeat(MAX_TOKEN_CHARS)} z`,
      'w=1 '.repeat(MAX_LINE_CHARS),
      'at 2024-01-02 10:11:12 k="v w" done',
      '',
      '   ',
    ])
      expect(viaIds(v, l)).toEqual(maskedTokens(l));
  });

  it('looks at a `0` before `x`, and at what the line rules rewrite, wherever it is in a token or the line', () => {
    // The scanner's loop only looks for spaces; a `0` (hex prefix) and `-`, `:`, `=` are looked at after each token,
    // at its start, middle and end, at the line's end, and in a later token than a month name.
    const lines = [
      '0x1f 0x 10x 0X2 a0x0 x0 0',
      // `1xab.` masks to `<*>`, `0xab.` (a hex value and a full stop) to `<*>.`: the `0` must stay in the key.
      '1xab. 0xab. 1Xf. x0Xf.',
      'then 1x1. 0x1.',
      'k=0x',
      'ends with 0',
      'ends with k="v"',
      "k='v w' z",
      'k="',
      'a:b 1:23 x1:234 Jan 1:234 later 10:11',
      'Jan',
      'on Feb 3 at 9:05:07 and 12:00',
      'no month 9:05 here',
      '2024-01-02 x2024-01-02 2024-01-0 1-22 12-345',
      'a-1 -1 1- -- :: == =',
      '\t 0x1\t12:34 \tMar\t5 06:07 ',
      // The date pattern takes a month that ends its token after a word boundary (lower-case letters may follow it).
      'xJan 1 10:11 Janx 1 10:11',
      'JanX 1 10:11 Jan1 2 10:11 _Jan 3 10:11',
      '(Jan 1 10:11 a,Mar 5 06:07 Jan. 1 10:11',
      'Sun Jul 17 04:35:47 2005 then Sep 9 1:23',
      'Decembers 24 23:59 jan 1 00:00',
    ];
    const v = new MaskedVocabulary();
    for (const l of lines) expect(viaIds(v, l)).toEqual(maskedTokens(l));
    const fresh = new MaskedVocabulary();
    for (const l of lines.slice().reverse()) expect(viaIds(fresh, l)).toEqual(maskedTokens(l));
  });

  const dir = path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'datasets', 'loghub-2k');
  (existsSync(dir) ? it : it.skip)('masks every Loghub-2k line exactly like maskedTokens() (real input, when the shared dataset is present)', () => {
    for (const sys of LOGHUB_SYSTEMS) {
      const v = new MaskedVocabulary();
      const lines = parseStructuredCsv(readFileSync(path.join(dir, sys, `${sys}_2k.log_structured_corrected.csv`), 'utf8'));
      for (const l of lines) expect(viaIds(v, l.content)).toEqual(maskedTokens(l.content));
    }
  });

  it('marks wildcard tokens and parenthesised values', () => {
    const v = new MaskedVocabulary();
    expect(v.kind[v.idOf(WILDCARD)]).toBe(KIND_WILDCARD);
    expect(v.kind[v.idOf('(<*>')]).toBe(KIND_WILDCARD | KIND_PAREN_VALUE);
    expect(v.kind[v.idOf('user=<*>')]).toBe(KIND_WILDCARD);
    expect(v.kind[v.idOf('(done)')]).toBe(0);
  });

  it('mines the same signatures when the vocabulary is rebuilt many times (ids renumbered)', () => {
    const lines: string[] = [];
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
    for (let i = 0; i < 600; i++)
      lines.push(
        `job ${words[i % 5]}${String.fromCharCode(97 + (i % 26))} ${i % 3 ? 'started' : 'stopped'} on node-${i} user=${words[(i * 7) % 5]} took ${i}ms`,
      );
    for (let i = 0; i < 200; i++) lines.push(`cache ${words[i % 5]} size ${i} KB (${i}.5 MB) free`);
    const reference = mineAll(lines);
    expect(mineAll(lines, { maxVocabulary: 20 })).toEqual(reference);
    expect(mineAll(lines, { maxVocabulary: 20, maxCacheEntries: 0 })).toEqual(reference);
  });
});
