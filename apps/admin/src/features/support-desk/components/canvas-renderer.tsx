import { Fragment, type ReactNode } from 'react';

/**
 * A small Canvas Kit renderer for the SPA's panel preview. Everything from the canvas is rendered as React text
 * (escaped); the only markup understood is **bold** and [label](url) with http(s) or same-origin URLs.
 * Interactive components are disabled previews: the real panel runs inside Intercom.
 */

type Obj = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((x): x is Obj => !!x && typeof x === 'object') : []);

/** http(s) absolute or same-origin relative URLs only; anything else (javascript:, data:) is refused. */
export function safeUrl(url: unknown): string | null {
  const u = str(url).trim();
  if (!u) return null;
  if (/^https?:\/\//i.test(u)) return u;
  if (u.startsWith('/') && !u.startsWith('//')) return u;
  return null;
}

/** `**bold**` and `[label](url)`; everything else stays literal text. */
export function renderInline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  let m: RegExpExecArray | null;
  let k = 0;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1] !== undefined) out.push(<strong key={k++}>{m[1]}</strong>);
    else {
      const href = safeUrl(m[3]);
      out.push(
        href ? (
          <a key={k++} href={href} target="_blank" rel="noopener noreferrer">
            {m[2]}
          </a>
        ) : (
          m[0]
        ),
      );
    }
    last = re.lastIndex;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function CanvasComponent({ c }: { c: Obj }): ReactNode {
  const type = str(c.type);
  const id = str(c.id) || undefined;
  switch (type) {
    case 'text': {
      const style = ['header', 'paragraph', 'muted', 'error'].includes(str(c.style)) ? str(c.style) : 'paragraph';
      const align = ['left', 'center', 'right'].includes(str(c.align)) ? str(c.align) : 'left';
      const content = renderInline(str(c.text));
      return style === 'header' ? (
        <h4 className={`ck-text ck-header ck-align-${align}`}>{content}</h4>
      ) : (
        <p className={`ck-text ck-${style} ck-align-${align}`}>{content}</p>
      );
    }
    case 'button': {
      const action = (c.action ?? {}) as Obj;
      const style = ['primary', 'secondary', 'link'].includes(str(c.style)) ? str(c.style) : 'primary';
      const href = str(action.type) === 'url' ? safeUrl(action.url) : null;
      if (href && !c.disabled)
        return (
          <a className={`ck-button ck-button-${style}`} href={href} target="_blank" rel="noopener noreferrer">
            {str(c.label)}
          </a>
        );
      return (
        <button type="button" className={`ck-button ck-button-${style}`} disabled title="Works inside Intercom" data-component-id={id}>
          {str(c.label)}
        </button>
      );
    }
    case 'list':
      return (
        <ul className="ck-list">
          {arr(c.items).map((it, i) => {
            const href = str((it.action as Obj | undefined)?.type) === 'url' ? safeUrl((it.action as Obj).url) : null;
            const body = (
              <>
                <span className="ck-item-title">{str(it.title)}</span>
                {it.subtitle ? <span className="ck-item-subtitle">{str(it.subtitle)}</span> : null}
                {it.tertiary_text ? <span className="ck-item-tertiary">{str(it.tertiary_text)}</span> : null}
              </>
            );
            return (
              <li key={str(it.id) || i} className="ck-item">
                {href ? (
                  <a href={href} target="_blank" rel="noopener noreferrer">
                    {body}
                  </a>
                ) : (
                  body
                )}
              </li>
            );
          })}
        </ul>
      );
    case 'data-table':
      return (
        <dl className="ck-table">
          {arr(c.items).map((it, i) => (
            <Fragment key={i}>
              <dt>{str(it.field)}</dt>
              <dd>{str(it.value)}</dd>
            </Fragment>
          ))}
        </dl>
      );
    case 'divider':
      return <hr className="ck-divider" />;
    case 'spacer':
      return <div className={`ck-spacer ck-spacer-${['xs', 's', 'm', 'l', 'xl'].includes(str(c.size)) ? str(c.size) : 's'}`} aria-hidden="true" />;
    case 'image': {
      const src = safeUrl(c.url);
      return src ? (
        <img className="ck-image" src={src} alt={str(c.alt) || ''} width={Number(c.width) || undefined} height={Number(c.height) || undefined} />
      ) : null;
    }
    case 'input':
    case 'textarea':
      return (
        <label className="ck-input">
          <span>{str(c.label)}</span>
          {type === 'textarea' ? (
            <textarea disabled placeholder={str(c.placeholder)} defaultValue={str(c.value)} />
          ) : (
            <input disabled placeholder={str(c.placeholder)} defaultValue={str(c.value)} />
          )}
        </label>
      );
    case 'single-select':
    case 'dropdown':
      return (
        <label className="ck-input">
          <span>{str(c.label)}</span>
          <select disabled defaultValue={str(c.value)}>
            {arr(c.options).map((o, i) => (
              <option key={str(o.id) || i} value={str(o.id)}>
                {str(o.text)}
              </option>
            ))}
          </select>
        </label>
      );
    case 'checkbox':
      return (
        <fieldset className="ck-checkbox" disabled>
          <legend>{str(c.label)}</legend>
          {arr(c.options).map((o, i) => (
            <label key={str(o.id) || i}>
              <input type="checkbox" disabled /> {str(o.text)}
            </label>
          ))}
        </fieldset>
      );
    default:
      return <p className="ck-text ck-muted">[{type || 'unknown'} component not previewed]</p>;
  }
}

export function CanvasRenderer({ canvas }: { canvas: unknown }) {
  const components = arr(((canvas as Obj | null)?.content as Obj | undefined)?.components);
  return (
    <div className="ck-canvas" data-testid="canvas-preview">
      {components.length === 0 ? (
        <p className="ck-text ck-muted">The panel is empty.</p>
      ) : (
        components.map((c, i) => <CanvasComponent key={str(c.id) || i} c={c} />)
      )}
    </div>
  );
}
