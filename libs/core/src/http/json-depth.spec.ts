/* Pure. */
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './json-depth';

const nest = (n: number) => JSON.parse('{"a":'.repeat(n) + '1' + '}'.repeat(n));

describe('jsonDepthExceeds', () => {
  it('counts objects and arrays as levels; scalars are depth 0', () => {
    expect(jsonDepthExceeds('x', 0)).toBe(false);
    expect(jsonDepthExceeds(null, 0)).toBe(false);
    expect(jsonDepthExceeds({}, 1)).toBe(false);
    expect(jsonDepthExceeds({}, 0)).toBe(true);
    expect(jsonDepthExceeds({ a: [1, { b: 2 }] }, 3)).toBe(false);
    expect(jsonDepthExceeds({ a: [1, { b: 2 }] }, 2)).toBe(true);
  });

  it('accepts MAX_JSON_DEPTH levels and refuses one more, also 100,000 deep without exhausting the stack', () => {
    expect(jsonDepthExceeds(nest(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonDepthExceeds(nest(MAX_JSON_DEPTH + 1))).toBe(true);
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    expect(jsonDepthExceeds(deep)).toBe(true);
  });

  it('finds the deep branch among wide shallow ones', () => {
    const wide = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, { v: i }]));
    expect(jsonDepthExceeds(wide)).toBe(false);
    expect(jsonDepthExceeds({ ...wide, deep: nest(70) })).toBe(true);
  });
});
