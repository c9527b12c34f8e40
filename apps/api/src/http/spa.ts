import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { static as serveStatic } from 'express';

/** Paths that never fall back to the SPA (contract §5). */
const NOT_SPA = /^\/(v1|oauth|webhooks|canvas-kit|health|metrics|docs|_sandbox)(\/|$|-)/;

/** Serves the built admin SPA with history fallback; a missing /assets file is a 404. */
export function spaMiddleware(publicDir: string) {
  const statics = serveStatic(publicDir, { index: false, fallthrough: true, maxAge: '1h' });
  const indexFile = join(publicDir, 'index.html');
  let cached: string | null = null;
  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_SPA.test(req.path)) return next();
    statics(req, res, () => {
      if (req.path.startsWith('/assets/')) {
        res.status(404).type('text/plain').send('Not found');
        return;
      }
      if (cached === null) {
        if (!existsSync(indexFile)) {
          res.status(503).type('text/plain').send('The admin SPA is not built: run `npm run build:admin` (npm start does it for you).');
          return;
        }
        cached = readFileSync(indexFile, 'utf8');
      }
      res.setHeader('Cache-Control', 'no-cache');
      res.type('html').send(cached);
    });
  };
}
