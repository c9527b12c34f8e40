/** Real: the builder (pure). Stand-ins: none. Its canvases are checked with the sandbox's validator in test/canvas-kit-canvases.spec.ts. */
import { CANVAS_LIMIT_BYTES, CanvasBuildError, CanvasBuilder, bold, cleanText, escapeMarkdown, jsonBytes, link, md } from './canvas-builder';
import type { ListComponent, TextComponent } from './canvas-builder';
import { everyComponentCanvas } from './canvas.testing';

/** Minimal reader of Canvas Kit's Markdown subset: returns the links and bold runs it would interpret. */
function interpret(text: string): { links: string[]; bold: string[]; plain: string } {
  const links: string[] = [];
  const boldRuns: string[] = [];
  let plain = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '[') {
      const m = /^\[([^\]]*)\]\(([^)\s]+)\)/.exec(text.slice(i));
      if (m) {
        links.push(m[2]);
        plain += m[1];
        i += m[0].length - 1;
        continue;
      }
    }
    if (ch === '*') {
      const m = /^(\*\*?)([^*]+?)\1/.exec(text.slice(i));
      if (m) {
        boldRuns.push(m[2]);
        plain += m[2];
        i += m[0].length - 1;
        continue;
      }
    }
    plain += ch;
  }
  return { links, bold: boldRuns, plain };
}

describe('escaping', () => {
  it('neutralises the Markdown subset without backslashes (undocumented in Canvas Kit), so user text renders readably', () => {
    const evil = 'see [click](http://evil) and **x** or *y* \\ done';
    const out = escapeMarkdown(evil);
    expect(out).toBe('see [click]\u200b(http://evil) and \u2217\u2217x\u2217\u2217 or \u2217y\u2217 \\ done');
    const read = interpret(out);
    expect(read.links).toEqual([]);
    expect(read.bold).toEqual([]);
    expect(read.plain).toBe(out);
    expect(out.replace(/\u200b/g, '').replace(/\u2217/g, '*')).toBe(evil);
  });

  it('strips control and invisible characters and folds line breaks', () => {
    expect(cleanText('a\u0000b\u202Ec\u200Bd\r\n\te\u0007  f')).toBe('abcd e f');
  });

  it('md escapes interpolations but keeps the template Markdown; bold/link build safe Markdown', () => {
    const user = '[x](http://evil) **y**';
    const m = md`**Summary:** ${user} ${bold('*z*')} ${link('open [me]', 'https://app.test/a/1')}`;
    const read = interpret(m.source);
    expect(read.links).toEqual(['https://app.test/a/1']);
    expect(read.bold).toEqual(['Summary:', '\u2217z\u2217']);
    expect(read.plain).toContain('[x]\u200b(http://evil) \u2217\u2217y\u2217\u2217');
    expect(read.plain).toContain('open (me)');
    expect(() => link('x', 'javascript:alert(1)')).toThrow(CanvasBuildError);
  });
});

describe('CanvasBuilder', () => {
  it('emits every supported component type', () => {
    const r = everyComponentCanvas();
    const types = r.canvas.content.components.map((c) => c.type);
    expect(types).toEqual(['text', 'text', 'text', 'text', 'button', 'button', 'list', 'data-table', 'divider', 'spacer', 'image']);
    expect(r.canvas.stored_data).toEqual({ analysisId: 'a1' });
    expect(r.canvas.content.components[5]).toEqual({
      type: 'button',
      id: 'open',
      label: 'Open',
      action: { type: 'url', url: 'https://x.test/a' },
      style: 'link',
      disabled: true,
    });
    const table = r.canvas.content.components[7] as { items: unknown[] };
    expect(table.items[1]).toEqual({ type: 'field-value', field: 'Service', value: '—' });
  });

  it('rejects duplicate explicit ids, auto-suffixes list item ids', () => {
    expect(() => new CanvasBuilder().submitButton('x', 'A').submitButton('x', 'B')).toThrow(/duplicate component id 'x'/);
    expect(() => new CanvasBuilder().submitButton('bad id', 'A')).toThrow(CanvasBuildError);
    const r = new CanvasBuilder()
      .submitButton('a', 'A')
      .list([
        { id: 'a', title: '1' },
        { id: 'a', title: '2' },
        { id: 'a b', title: '3' },
      ])
      .build();
    const list = r.canvas.content.components[1] as ListComponent;
    expect(list.items.map((i) => i.id)).toEqual(['a-2', 'a-3', 'a-b']);
  });

  it('requires fields and only allows http(s) URLs (https for images)', () => {
    expect(() => new CanvasBuilder().text('  \u0000 ')).toThrow(/non-empty/);
    expect(() => new CanvasBuilder().submitButton('b', ' ')).toThrow(/label/);
    expect(() => new CanvasBuilder().list([{ id: 'i', title: '' }])).toThrow(/title/);
    expect(() => new CanvasBuilder().urlButton('u', 'U', 'javascript:alert(1)')).toThrow(/http/);
    expect(() => new CanvasBuilder().list([{ id: 'i', title: 't', url: 'data:text/html,x' }])).toThrow(/http/);
    expect(() => new CanvasBuilder().image('http://x.test/i.png', 1, 1)).toThrow(/https/);
    expect(() => new CanvasBuilder().build()).toThrow(/at least one/);
    expect(() => new CanvasBuilder().text('x').storedData({ big: 'x'.repeat(CANVAS_LIMIT_BYTES) })).toThrow(/64 KB/);
  });

  it('trims strings to their limits and escapes text', () => {
    const r = new CanvasBuilder()
      .text('x'.repeat(5000))
      .submitButton('b', 'L'.repeat(500))
      .list([{ id: 'i', title: 'T'.repeat(900) }])
      .text('**hi**')
      .build();
    const [t, btn, list, t2] = r.canvas.content.components as [TextComponent, { label: string }, ListComponent, TextComponent];
    expect(Array.from(t.text).length).toBe(1000);
    expect(t.text.endsWith('…')).toBe(true);
    expect(btn.label.length).toBe(80);
    expect(list.items[0].title.length).toBe(200);
    expect(t2.text).toBe('\u2217\u2217hi\u2217\u2217');
  });

  it('honours maxItems with an "and N more" item', () => {
    const items = Array.from({ length: 25 }, (_, i) => ({ id: `i${i}`, title: `Item ${i}` }));
    const r = new CanvasBuilder().list(items, { id: 'l', maxItems: 5, moreUrl: 'https://x.test/all' }).build();
    const list = r.canvas.content.components[0] as ListComponent;
    expect(list.items).toHaveLength(6);
    expect(list.items[5]).toEqual({ type: 'item', id: 'l-more', title: 'and 20 more', action: { type: 'url', url: 'https://x.test/all' } });
    // items the caller left out are counted too
    const r2 = new CanvasBuilder().list(items.slice(0, 3), { omitted: 22, moreLabel: (n) => `+${n} older` }).build();
    expect((r2.canvas.content.components[0] as ListComponent).items.map((i) => i.title)).toEqual(['Item 0', 'Item 1', 'Item 2', '+22 older']);
  });

  it('trims long lists to stay within 64 KB, never exceeding it', () => {
    const items = Array.from({ length: 500 }, (_, i) => ({
      id: `analysis-${i}`,
      title: `T${i} `.padEnd(200, 'x'),
      subtitle: 's'.repeat(200),
      url: `https://app.test/a/${i}`,
    }));
    const r = new CanvasBuilder().header('h').list(items, { id: 'l' }).build();
    const size = jsonBytes(r.canvas.content);
    expect(size).toBeLessThanOrEqual(CANVAS_LIMIT_BYTES);
    expect(size).toBeGreaterThan(CANVAS_LIMIT_BYTES - 1000); // keeps as much as fits
    const list = r.canvas.content.components[1] as ListComponent;
    const last = list.items[list.items.length - 1];
    const shown = list.items.length - 1;
    expect(shown).toBeGreaterThan(50);
    expect(last.title).toBe(`and ${500 - shown} more`);
  });

  it('throws instead of exceeding 64 KB when nothing can be trimmed', () => {
    const b = new CanvasBuilder();
    for (let i = 0; i < 100; i++) b.text('y'.repeat(1000));
    expect(() => b.build()).toThrow(/64 KB/);
    const items = Array.from({ length: 500 }, (_, i) => ({ id: `i${i}`, title: 'z'.repeat(200) }));
    expect(() => new CanvasBuilder().list(items, { trimmable: false }).build()).toThrow(/64 KB/);
  });
});
