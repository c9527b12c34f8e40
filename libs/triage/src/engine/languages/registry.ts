/**
 * The language registry: every supported language is one folder with one `LanguagePack`.
 * Adding a language = adding a folder and one line here.
 */
import type { LanguagePack } from './pack';
import { de } from './de';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import { it } from './it';
import { nl } from './nl';
import { pt } from './pt';

export const LANGUAGE_PACKS: readonly LanguagePack[] = [en, de, fr, es, pt, nl, it];

const byCode = new Map(LANGUAGE_PACKS.map((p) => [p.code, p]));
const byIso3 = new Map(LANGUAGE_PACKS.map((p) => [p.iso3, p]));

export function packFor(code: string): LanguagePack | undefined {
  return byCode.get(code);
}

export function packForIso3(iso3: string): LanguagePack | undefined {
  return byIso3.get(iso3);
}

export const ENGLISH: LanguagePack = en;

export type { LanguagePack } from './pack';
