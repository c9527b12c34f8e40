import { createHash } from 'node:crypto';
import { SEVERITIES } from '@app/contracts';
import { SEVERITY_MODEL } from '../src/engine/model/weights.generated';
import { LANGUAGE_PACKS } from '../src/engine/languages/registry';
import { generateConversations, GENERATOR_SEED } from './generate';

const digest = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex');

describe('training data generator', () => {
  it('is deterministic for a seed and differs for another', () => {
    const a = generateConversations(GENERATOR_SEED, 60);
    const b = generateConversations(GENERATOR_SEED, 60);
    expect(digest(a)).toBe(digest(b));
    expect(digest(generateConversations(GENERATOR_SEED + 1, 60))).not.toBe(digest(a));
  });

  it('covers every language and every severity, with varied text', () => {
    const g = generateConversations(GENERATOR_SEED, 300);
    for (const p of LANGUAGE_PACKS) {
      const mine = g.filter((x) => x.lang === p.code);
      expect(mine).toHaveLength(300);
      expect(new Set(mine.map((x) => x.severity))).toEqual(new Set(SEVERITIES));
      expect(new Set(mine.map((x) => x.text)).size).toBeGreaterThan(250);
    }
  });
});

describe('the committed model', () => {
  it('has one weight per level for every feature and a calibrated temperature', () => {
    expect(SEVERITY_MODEL.classes).toEqual(SEVERITIES);
    expect(SEVERITY_MODEL.temperature).toBeGreaterThan(0);
    const rows = Object.values(SEVERITY_MODEL.weights);
    expect(rows.length).toBeGreaterThan(500);
    for (const r of rows) expect(r).toHaveLength(SEVERITIES.length);
  });
});
