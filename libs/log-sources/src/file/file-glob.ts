/**
 * `file` source globs: what a glob may say, and the walk that finds its files. A glob is relative to the project's own
 * folder; every expansion of it (braces, extglobs) must stay inside; the walk never follows a symbolic link out,
 * never reads a directory outside, and stops at MAX_FILES matches. Files resolving outside are counted, never named.
 */
import { promises as fsp, type Dirent } from 'node:fs';
import * as path from 'node:path';
import braces from 'braces';
import fg from 'fast-glob';
import micromatch from 'micromatch';
import { LogSourceError } from '../connector';

/** How many files a source may read, and discovery may list, before the walk stops. */
export const MAX_FILES = 1000;
/** Patterns one glob may expand to (braces multiply: `{a,b}{c,d}` is 4). */
export const MAX_GLOB_EXPANSIONS = 64;
/** Directory depth the walk descends to below the folder. */
export const MAX_DEPTH = 16;

const FOLDER_WORDS = "this project's folder";

function refuse(glob: string, why: string): never {
  throw new LogSourceError('invalid_config', `File source ${JSON.stringify(glob)} ${why}`);
}

/** Upper bound of the number of patterns a glob's braces expand to, from braces' own parse (nothing is expanded). */
export function braceExpansionBound(glob: string): number {
  let ast: BraceNode;
  try {
    // braces' parser is public (braces.parse) but missing from its type definitions.
    ast = (braces as unknown as { parse(input: string): BraceNode }).parse(glob);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
  let bound = 1;
  const walk = (n: BraceNode): void => {
    if (n.type === 'brace' && !n.invalid && !n.dollar) {
      if ((n.ranges ?? 0) > 0) bound *= rangeSize(n);
      else if ((n.commas ?? 0) > 0) bound *= n.commas! + 1;
    }
    for (const c of n.nodes ?? []) walk(c);
  };
  walk(ast);
  return bound;
}

interface BraceNode {
  type: string;
  value?: string;
  nodes?: BraceNode[];
  commas?: number;
  ranges?: number;
  invalid?: boolean;
  dollar?: boolean;
}

function rangeSize(n: BraceNode): number {
  const parts = (n.nodes ?? []).filter((c) => c.type === 'text' || c.type === 'range').map((c) => (c.type === 'range' ? '..' : (c.value ?? '')));
  const values = parts.join('').split('..');
  if (values.length < 2 || values.length > 3) return Number.POSITIVE_INFINITY;
  const [a, b, stepText] = values;
  const step = stepText === undefined ? 1 : Math.abs(Number(stepText)) || 1;
  if (/^-?\d+$/.test(a) && /^-?\d+$/.test(b)) return Math.floor(Math.abs(Number(b) - Number(a)) / step) + 1;
  if (a.length === 1 && b.length === 1) return Math.floor(Math.abs(b.charCodeAt(0) - a.charCodeAt(0)) / step) + 1;
  return Number.POSITIVE_INFINITY;
}

/**
 * The patterns a `sources` entry stands for, after brace expansion, each checked: relative, no `..`, no segment that
 * could match `..` (`.[.]`, `@(..)`, `*(.)`…), at most MAX_GLOB_EXPANSIONS of them. Throws `invalid_config` (a 400 at
 * create and update) otherwise; the message echoes only what the user typed.
 */
export function expandFileGlob(glob: unknown): string[] {
  if (typeof glob !== 'string' || glob.trim() === '') {
    throw new LogSourceError('invalid_config', `Each file source must be a non-empty glob relative to ${FOLDER_WORDS}.`);
  }
  if (glob.includes('\0')) throw new LogSourceError('invalid_config', 'A file source contains a NUL character.');
  const absolute = (p: string) => path.isAbsolute(p) || path.win32.isAbsolute(p) || p.startsWith('~') || p.startsWith('\\');
  if (absolute(glob)) refuse(glob, `is an absolute path; use a glob relative to ${FOLDER_WORDS} (e.g. "app/*.log").`);
  // `..` hidden in a brace or extglob alternative that the expander leaves as text (`{..,app}` is not expanded by
  // braces, yet reads like one): refused as written, too.
  if (/(^|[\\/{,(|])\.\.(?=$|[\\/},)|])/.test(glob))
    refuse(glob, `leads out of ${FOLDER_WORDS} (it contains or can match ".."); only files inside it can be read.`);
  const bound = braceExpansionBound(glob);
  if (bound > MAX_GLOB_EXPANSIONS) refuse(glob, `expands to more than ${MAX_GLOB_EXPANSIONS} patterns; use fewer or smaller {…} groups.`);
  const expanded = bound > 1 ? micromatch.braces(glob, { expand: true, nodupes: true, keepEscaping: true }) : [glob];
  const out = new Set<string>();
  for (const p of expanded) {
    if (p.includes('\0')) refuse(glob, 'is not a valid glob.');
    if (absolute(p)) refuse(glob, `expands to an absolute path; only files inside ${FOLDER_WORDS} can be read.`);
    const segments = p.split(/[\\/]+/);
    for (const seg of segments) {
      if (seg === '..' || (seg !== '' && seg !== '.' && micromatch.isMatch('..', seg, { dot: true }))) {
        refuse(glob, `leads out of ${FOLDER_WORDS} (it contains or can match ".."); only files inside it can be read.`);
      }
    }
    out.add(p.replace(/^(\.\/)+/, ''));
  }
  return [...out];
}

/** Refuses a bad glob with a message the user can act on (see expandFileGlob). */
export function checkFileGlob(glob: unknown): void {
  expandFileGlob(glob);
}

export interface ResolvedFile {
  /** Path relative to the project's folder, with forward slashes (what users wrote their globs against). */
  rel: string;
  /** Real path (symlinks resolved), inside the project's folder. */
  real: string;
}

export interface WalkResult {
  files: ResolvedFile[];
  /** Entries (files, links, a glob's starting directory) that resolve outside the folder: skipped, never named. */
  outside: number;
  /** True when more than MAX_FILES files matched (the walk stopped there). */
  capped: boolean;
}

/** Real path of `p` when it lies inside `root` (both resolved); 'outside' when it resolves elsewhere; null when missing. */
async function realInside(root: string, p: string): Promise<string | 'outside' | null> {
  let real: string;
  try {
    real = await fsp.realpath(p);
  } catch {
    return null;
  }
  const rel = path.relative(root, real);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return 'outside';
  return real;
}

/**
 * The files below `root` (already a real path) matching `patterns` (expanded, checked globs). fast-glob walks without
 * following symbolic links; a glob whose fixed starting directory resolves outside `root` is not walked at all; every
 * match is resolved and kept only when inside; the walk stops once MAX_FILES files were found or `signal` aborts.
 */
export async function walkFiles(root: string, patterns: string[], signal?: AbortSignal, maxFiles = MAX_FILES): Promise<WalkResult> {
  const walkable: string[] = [];
  let outside = 0;
  for (const p of patterns) {
    const base = micromatch.scan(p).base;
    if (base) {
      const r = await realInside(root, path.join(root, base));
      if (r === 'outside') {
        outside++;
        continue;
      }
    }
    walkable.push(p);
  }
  // One entry per real file, named by its smallest relative path (a link inside the folder and its target are one file).
  const byReal = new Map<string, string>();
  let capped = false;
  if (walkable.length === 0) return { files: [], outside, capped };
  const stream = fg.stream(walkable, {
    cwd: root,
    onlyFiles: false,
    followSymbolicLinks: false,
    dot: false,
    unique: true,
    suppressErrors: true,
    braceExpansion: false,
    objectMode: true,
    deep: MAX_DEPTH,
  });
  try {
    for await (const item of stream as AsyncIterable<{ path: string; dirent: Dirent }>) {
      if (signal?.aborted) break;
      const { dirent } = item;
      if (dirent.isDirectory()) continue;
      const rel = item.path.split(path.sep).join('/');
      const real = await realInside(root, path.join(root, rel));
      if (real === null) continue;
      if (real === 'outside') {
        outside++;
        continue;
      }
      if (!dirent.isFile()) {
        const st = await fsp.stat(real).catch(() => null);
        if (!st?.isFile()) continue;
      }
      const known = byReal.get(real);
      if (known !== undefined) {
        if (rel < known) byReal.set(real, rel);
        continue;
      }
      if (byReal.size >= maxFiles) {
        capped = true;
        break;
      }
      byReal.set(real, rel);
    }
  } finally {
    (stream as unknown as { destroy(): void }).destroy();
  }
  const files: ResolvedFile[] = [...byReal].map(([real, rel]) => ({ rel, real }));
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, outside, capped };
}
