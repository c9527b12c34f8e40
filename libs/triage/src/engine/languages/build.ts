/** Helpers for writing language packs. */

/** A global regular expression matching any of the alternatives as whole words (folded text). */
export function words(...alternatives: string[]): RegExp {
  return new RegExp(String.raw`(?<![\p{L}\p{N}])(?:${alternatives.join('|')})(?![\p{L}\p{N}])`, 'gu');
}

/** Like {@link words} but only the start is anchored on a word boundary (stems: "verbind" → "verbindung"). */
export function prefixes(...alternatives: string[]): RegExp {
  return new RegExp(String.raw`(?<![\p{L}\p{N}])(?:${alternatives.join('|')})`, 'gu');
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
