import type { NextFunction, Request, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/** Paths that serve server-rendered HTML with inline <style> (Swagger UI, the OAuth pages): styles may be inline there. */
const PAGES_WITH_INLINE_STYLES = /^\/(docs|oauth)(\/|$|-)/;

/**
 * Security headers on every response (helmet): a Content-Security-Policy, X-Frame-Options: DENY and
 * frame-ancestors 'none', X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer, and HSTS when PUBLIC_URL
 * is https. The admin SPA gets the strict policy (scripts and styles from our own origin only — the build has no
 * inline code); Swagger UI and the OAuth pages, which inline their styles, get 'unsafe-inline' for styles only.
 * Images may come from https: (Canvas Kit image components in the SPA's canvas preview).
 */
export function securityHeadersMiddleware(opts: { https: boolean }) {
  const directives = (inlineStyles: boolean) => ({
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: inlineStyles ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    imgSrc: ["'self'", 'data:', 'https:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    // Upgrading subresources to https breaks an installation served over plain http (other than localhost).
    upgradeInsecureRequests: opts.https ? [] : null,
  });
  const common = (inlineStyles: boolean): HelmetOptions => ({
    contentSecurityPolicy: { useDefaults: false, directives: directives(inlineStyles) },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: opts.https ? { maxAge: 31536000, includeSubDomains: false } : false,
  });
  const strict = helmet(common(false));
  const pages = helmet(common(true));
  return (req: Request, res: Response, next: NextFunction) => (PAGES_WITH_INLINE_STYLES.test(req.path) ? pages : strict)(req, res, next);
}
