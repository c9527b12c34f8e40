import { describe, expect, it } from 'vitest';
import { renderToString } from 'react-dom/server';
import { CanvasRenderer, safeUrl } from './canvas-renderer';

/** React's text-node separators removed so assertions read like the visible text. */
const render = (components: unknown[]) => renderToString(<CanvasRenderer canvas={{ content: { components } }} />).replace(/<!-- -->/g, '');

describe('CanvasRenderer', () => {
  it('renders user text as text, never as HTML', () => {
    const html = render([{ type: 'text', text: '<img src=x onerror=alert(1)><script>alert(2)</script>', style: 'paragraph' }]);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;');
  });

  it('supports **bold** and http links only', () => {
    const html = render([{ type: 'text', text: 'Severity **high** — [open](https://app.example/a/1) [bad](javascript:void0)' }]);
    expect(html).toContain('<strong>high</strong>');
    expect(html).toContain('href="https://app.example/a/1"');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('[bad](javascript:void0)');
    expect(html).not.toContain('<a href="javascript');
  });

  it('does not interpret other markdown or HTML in bold text', () => {
    const html = render([{ type: 'text', text: '**<b>x</b>** _y_' }]);
    expect(html).toContain('<strong>&lt;b&gt;x&lt;/b&gt;</strong>');
    expect(html).toContain('_y_');
  });

  it('renders header, muted and error styles', () => {
    const html = render([
      { type: 'text', text: 'Triage', style: 'header' },
      { type: 'text', text: 'm', style: 'muted' },
      { type: 'text', text: 'e', style: 'error' },
    ]);
    expect(html).toMatch(/<h4[^>]*ck-header[^>]*>Triage<\/h4>/);
    expect(html).toContain('ck-muted');
    expect(html).toContain('ck-error');
  });

  it('renders data-table, list with url action, divider, spacer and image', () => {
    const html = render([
      { type: 'data-table', items: [{ type: 'field-value', field: 'Severity', value: 'high' }] },
      {
        type: 'list',
        items: [
          {
            type: 'item',
            id: 'a1',
            title: 'Analysis',
            subtitle: 'complete',
            tertiary_text: '2 min ago',
            action: { type: 'url', url: '/projects/p/analyses/1' },
          },
        ],
      },
      { type: 'divider' },
      { type: 'spacer', size: 'm' },
      { type: 'image', url: 'https://cdn.example/x.png', width: 10, height: 10 },
      { type: 'image', url: 'data:image/png;base64,AAAA' },
    ]);
    expect(html).toMatch(/<dt>Severity<\/dt><dd>high<\/dd>/);
    expect(html).toContain('href="/projects/p/analyses/1"');
    expect(html).toContain('2 min ago');
    expect(html).toContain('<hr class="ck-divider"/>');
    expect(html).toContain('ck-spacer-m');
    expect(html).toContain('src="https://cdn.example/x.png"');
    expect(html).not.toContain('data:image');
  });

  it('renders submit buttons and inputs as disabled previews', () => {
    const html = render([
      { type: 'button', id: 'run_analysis', label: 'Run analysis', style: 'primary', action: { type: 'submit' } },
      { type: 'input', id: 'q', label: 'Question', placeholder: 'Ask' },
      { type: 'single-select', id: 's', label: 'Pick', options: [{ type: 'option', id: 'o1', text: 'One' }] },
      { type: 'checkbox', id: 'c', label: 'Flags', options: [{ type: 'option', id: 'c1', text: 'A' }] },
    ]);
    expect(html).toMatch(/<button[^>]*disabled[^>]*>Run analysis<\/button>/);
    expect(html).toMatch(/<input[^>]*disabled/);
    expect(html).toMatch(/<select[^>]*disabled/);
    expect(html).toContain('One');
  });

  it('survives junk: unknown types, missing content, non-string fields', () => {
    expect(renderToString(<CanvasRenderer canvas={null} />)).toContain('The panel is empty');
    const html = render([{ type: 'carousel' }, { type: 'text', text: { evil: true } }, null, 'x']);
    expect(html).toContain('carousel component not previewed');
  });

  it('safeUrl allows http(s) and same-origin paths only', () => {
    expect(safeUrl('https://a.b/c')).toBe('https://a.b/c');
    expect(safeUrl('/projects/x')).toBe('/projects/x');
    expect(safeUrl('//evil.example')).toBeNull();
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl(' JAVASCRIPT:alert(1)')).toBeNull();
    expect(safeUrl(42)).toBeNull();
  });
});
