import { escapeHtml } from './templates/reply-template';

/** Small server-rendered pages for the browser legs of OAuth (errors, project picker). All text escaped. */
export function page(title: string, bodyHtml: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · SigSentry</title>
<style>body{font:15px/1.5 system-ui,sans-serif;background:#f6f7f9;color:#1f2933;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border:1px solid #e1e5ea;border-radius:10px;padding:28px 32px;max-width:520px;box-shadow:0 2px 8px rgba(0,0,0,.04)}
h1{font-size:20px;margin:0 0 12px}p{margin:0 0 16px}a.btn,button{display:inline-block;background:#3b5bdb;color:#fff;border:0;border-radius:6px;padding:8px 14px;text-decoration:none;font:inherit;cursor:pointer}
ul{padding:0;list-style:none}li{margin:6px 0}.muted{color:#6b7785;font-size:13px}</style></head>
<body><main>${bodyHtml}</main></body></html>`;
}

export function errorPage(message: string, backHref: string, backLabel = 'Back to SigSentry'): string {
  return page(
    'Installation failed',
    `<h1>Installation failed</h1><p role="alert">${escapeHtml(message)}</p><p><a class="btn" href="${escapeHtml(backHref)}">${escapeHtml(backLabel)}</a></p>`,
  );
}

export function projectPickerPage(platformName: string, projects: Array<{ id: string; name: string; slug: string }>, action: string): string {
  if (!projects.length) return errorPage('You have no SigSentry project you can configure: ask an admin for access.', '/');
  const items = projects
    .map(
      (p) =>
        `<li><form method="get" action="${escapeHtml(action)}"><input type="hidden" name="projectId" value="${escapeHtml(p.id)}"><button type="submit">${escapeHtml(p.name)}</button> <span class="muted">${escapeHtml(p.slug)}</span></form></li>`,
    )
    .join('');
  return page(
    `Install ${platformName}`,
    `<h1>Connect ${escapeHtml(platformName)}</h1><p>Choose the SigSentry project this workspace reports to:</p><ul>${items}</ul>`,
  );
}
