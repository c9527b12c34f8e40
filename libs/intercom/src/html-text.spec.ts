import { htmlToText } from './html-text';

describe('htmlToText', () => {
  it('converts Intercom HTML bodies and keeps plain text as is', () => {
    expect(htmlToText('<p>Checkout is <b>down</b></p><p>since 9am &amp; more</p>')).toBe('Checkout is down\nsince 9am & more');
    expect(htmlToText('plain text body')).toBe('plain text body');
    expect(htmlToText('<p><img src="x.png"></p>')).toBe('');
    expect(htmlToText('<script>alert(1)</script>hi')).toBe('hi');
    expect(htmlToText(null)).toBe('');
  });

  it('gives no text for non-string bodies from untrusted payloads (no throw)', () => {
    for (const v of [42, { html: '<p>x</p>' }, ['a'], true]) expect(htmlToText(v as any)).toBe('');
  });
});
