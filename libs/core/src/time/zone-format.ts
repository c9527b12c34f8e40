/** Formatters already built, per locale and options object (callers pass module constants), then per time zone. */
const built = new Map<string, WeakMap<Readonly<Intl.DateTimeFormatOptions>, Map<string, Intl.DateTimeFormat | null>>>();
/** Time zones kept per options object before the cache starts over (zones come from users' settings). */
const MAX_ZONES = 1000;

/**
 * An Intl.DateTimeFormat for `options` in `timeZone`, built once (building one costs far more than formatting with
 * it); null when the time zone is unknown. `options` must be a constant: formatters are kept per options object.
 */
export function zoneFormatter(locale: string, options: Readonly<Intl.DateTimeFormatOptions>, timeZone: string): Intl.DateTimeFormat | null {
  let byOptions = built.get(locale);
  if (!byOptions) built.set(locale, (byOptions = new WeakMap()));
  let byZone = byOptions.get(options);
  if (!byZone) byOptions.set(options, (byZone = new Map()));
  let f = byZone.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    } catch {
      f = null;
    }
    if (byZone.size >= MAX_ZONES) byZone.clear();
    byZone.set(timeZone, f);
  }
  return f;
}
