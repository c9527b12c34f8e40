import { storableJson, storableValue } from './storable-json';

describe('storableJson: JSON text PostgreSQL jsonb accepts', () => {
  it('keeps ordinary text byte for byte (formatting, key order, raw non-ASCII, paired characters)', () => {
    const text = '{\n\t"b": "Grüße 👋",\n\t"a": [1, 2.50, 12345678901234567890]\n}';
    expect(storableJson(JSON.parse(text), text)).toBe(text);
  });

  it('replaces NUL (escaped in the text) in strings and keys with U+FFFD', () => {
    const text = '{"body":"a\\u0000b","k\\u0000":"v"}';
    const out = storableJson(JSON.parse(text), text);
    expect(out).not.toMatch(/\\u0000/);
    expect(JSON.parse(out)).toEqual({ body: 'a\uFFFDb', 'k\uFFFD': 'v' });
  });

  it('replaces a lone surrogate escape with U+FFFD and keeps a paired one as its character', () => {
    const text = '{"lone":"x\\ud83dy","pair":"\\ud83d\\ude00","nested":[{"deep":"\\udc00"}]}';
    const out = storableJson(JSON.parse(text), text);
    expect(out).not.toMatch(/\\u[dD][89a-fA-F]/);
    expect(JSON.parse(out)).toEqual({ lone: 'x\uFFFDy', pair: '😀', nested: [{ deep: '\uFFFD' }] });
  });

  it('without the received text: serialises the value, cleaning it only when needed', () => {
    expect(storableJson({ a: 'plain', n: null, t: true })).toBe('{"a":"plain","n":null,"t":true}');
    expect(JSON.parse(storableJson({ a: 'x\0y', b: ['\ud800'] }))).toEqual({ a: 'x\uFFFDy', b: ['\uFFFD'] });
  });

  it('storableValue leaves numbers, booleans and null alone', () => {
    expect(storableValue({ n: 1.5, b: false, z: null, s: ['ok'] })).toEqual({ n: 1.5, b: false, z: null, s: ['ok'] });
  });
});
