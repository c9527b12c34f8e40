/** Helpers for writing language packs. */

/**
 * A global regular expression matching any of the alternatives as whole words. It runs on folded
 * text (ASCII letters for Latin scripts), so ASCII word edges suffice and the expression needs no
 * Unicode mode (much faster in V8).
 */
export function words(...alternatives: string[]): RegExp {
  // Alternatives written with a trailing space ("kan ik ") mean "followed by a word": the edge check covers that.
  return new RegExp(String.raw`(?<![a-z0-9])(?:${alternatives.map((a) => a.replace(/\s+$/, '')).join('|')})(?![a-z0-9])`, 'g');
}

/** A non-global, case-insensitive regular expression of alternatives (for single tests). */
export function any(...alternatives: string[]): RegExp {
  return new RegExp(`(?:${alternatives.join('|')})`, 'iu');
}

/** Alternation source (no anchors), for building larger patterns. */
export function alt(...alternatives: string[]): string {
  return `(?:${alternatives.join('|')})`;
}

/** Suffix-stripping stemmer from an ordered list of endings (longest first), keeping at least `min` letters. */
export function suffixStemmer(endings: string[], min = 4): (w: string) => string {
  const sorted = [...endings].sort((a, b) => b.length - a.length);
  return (w: string) => {
    for (const e of sorted) if (w.length - e.length >= min && w.endsWith(e)) return w.slice(0, -e.length);
    return w;
  };
}
