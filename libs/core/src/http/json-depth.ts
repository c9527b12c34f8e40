/** JSON bodies (and signed payloads) nested deeper than this are refused with 400 before anything walks them. */
export const MAX_JSON_DEPTH = 64;

/**
 * Is `value` nested deeper than `max` (an object or array counts one level)? Iterative, so a hostile document cannot
 * exhaust the stack here, and it stops at the first branch that goes too deep.
 */
export function jsonDepthExceeds(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (depth > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const c of children) if (c !== null && typeof c === 'object') stack.push([c, depth + 1]);
  }
  return false;
}
