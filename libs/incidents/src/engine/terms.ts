/**
 * Text features for grouping: a message becomes a small set of weighted terms (accents folded, short words and
 * function words of the supported languages dropped, light suffix stripping), so two reports of the same problem
 * can be compared without a model. Pure.
 */

/** Function words of en, fr, de, es, pt, it, nl: they say nothing about what is broken. */
const STOPWORDS = new Set(
  // en
  (
    'the and for are but not you your yours our ours all any can had her was one has him his how its may new now old see ' +
    'two way who did get got let say she too use this that with have from they will would there their what when where which ' +
    'while been were them then than into just also very some more most such only over about after again before being both ' +
    'each few other same should could does doing because until here hers himself myself yourself these those through ' +
    'down out off once under why wont cant dont doesnt didnt isnt arent wasnt werent hasnt havent im ive youre were its ' +
    'please thanks thank hello dear regards team guys anyone someone something anything nothing everything still even ' +
    'really already right today yesterday now since ago minutes minute hour hours morning afternoon evening ' +
    // fr
    'les des une est pas que qui dans pour par sur avec sont mais nous vous ils elles leur leurs mes tes ses son sans ' +
    'plus moins tout tous toute toutes cette ces cet aux etre avoir fait faire peut depuis bonjour merci aussi encore ' +
    'tres deja chez comme quand alors donc car avant apres rien personne notre votre nos vos lui elle meme ' +
    // de
    'der die das und ist nicht ein eine einen einem einer mit von auf fur bei aus sich sind wir ihr sie ihre unser ' +
    'unsere auch noch schon seit heute hallo danke bitte kein keine keiner nur wie was wer wann wenn dann aber oder ' +
    'mehr sehr alle allen alles diese dieser dieses haben hat hatte wird werden kann konnen mein meine ' +
    // es
    'los las del una uno unos unas por para con sin que pero como esta este esto estos estas son hay desde hoy hola ' +
    'gracias nuestro nuestra nuestros todos todas todo muy mas tambien ya nada nadie cuando donde porque ' +
    // pt
    'das dos uma umas uns nao sao com sem mas por para pelo pela pelos pelas esta este isso isto estao desde hoje ola ' +
    'obrigado obrigada nosso nossa nossos todos todas tudo muito mais tambem ja nada ninguem quando onde porque ' +
    // it
    'il lo gli della delle dei degli nel nella con per non che una uno sono siamo dal dalla anche ancora oggi ciao ' +
    'grazie nostro nostra nostri tutti tutte tutto molto piu gia niente nessuno quando dove perche ' +
    // nl
    'het een van voor met niet zijn wij jullie hun ons onze ook nog sinds vandaag hallo bedankt alle alles heel meer ' +
    'wat wie wanneer waar omdat maar geen niets'
  )
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Words every problem report shares ("error", "broken", "customers", …) in the supported languages: they count,
 * but little, so two unrelated complaints do not look alike because both say "not working".
 */
const GENERIC_WORDS = (
  'error errors issue issues problem problems broken work working works worked fail fails failed failing failure ' +
  'down outage help urgent asap customer customers user users client clients people everyone everybody nobody ' +
  'getting keeps keep anymore again page site website app application service system access unable able cannot ' +
  'trying tried try seems seem look looks happening happened happen going wrong bug slow loading load ' +
  'erreur erreurs probleme problemes panne marche fonctionne fonctionnent impossible clients utilisateurs ' +
  'fehler problem probleme funktioniert geht kunden nutzer benutzer ausfall kaputt ' +
  'falla fallo fallos funciona clientes usuarios caido caida problema problemas ' +
  'erro erros falha funciona clientes usuarios fora problema problemas ' +
  'errore errori problema problemi funziona clienti utenti guasto ' +
  'fout fouten probleem problemen werkt klanten gebruikers storing'
)
  .split(/\s+/)
  .filter(Boolean);

/** Folds accents and case: "Caído" → "caido". */
export function fold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** A crude, language-neutral suffix strip so "payments"/"payment", "failing"/"failed" meet. */
export function stem(w: string): string {
  if (w.length <= 4 || /\d/.test(w)) return w;
  for (const suf of ['ations', 'ation', 'ments', 'ment', 'ings', 'ing', 'ies', 'es', 'ed', 'en', 'er', 's', 'e']) {
    if (w.endsWith(suf) && w.length - suf.length >= 4) return w.slice(0, -suf.length);
  }
  return w;
}

/** The generic words, stemmed like the terms they are compared with. */
const GENERIC = new Set(GENERIC_WORDS.map(stem));

/** The distinct terms of a text (order of first appearance), at most `max`. */
export function terms(text: string, max = 200): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of fold(text).split(/[^\p{L}\p{N}_]+/u)) {
    if (!raw) continue;
    const isCode = /^\d{3}$/.test(raw) || /^[a-z]+_?\d+$/.test(raw) || raw.includes('_');
    if (!isCode && (raw.length < 3 || /^\d+$/.test(raw) || STOPWORDS.has(raw))) continue;
    const t = isCode ? raw : stem(raw);
    if (seen.has(t)) continue;
    seen.add(t);
    out.push(t);
    if (out.length >= max) break;
  }
  return out;
}

/** How much a term says: error codes most, generic complaint words least. */
export function weight(term: string): number {
  if (/^\d{3}$/.test(term) || /\d/.test(term) || term.includes('_')) return 1.5;
  if (GENERIC.has(term)) return 0.25;
  return 1;
}

function norm(t: readonly string[]): number {
  let s = 0;
  for (const x of t) s += weight(x) ** 2;
  return Math.sqrt(s);
}

/** Weighted cosine of two term sets, 0–1. */
export function similarity(a: readonly string[], b: readonly string[]): number {
  if (!a.length || !b.length) return 0;
  const set = new Set(b);
  let dot = 0;
  for (const x of a) if (set.has(x)) dot += weight(x) ** 2;
  if (!dot) return 0;
  return Math.min(1, dot / (norm(a) * norm(b)));
}

/** The terms of `a` found in `b` that say something (generic words left out), most telling first. */
export function sharedTerms(a: readonly string[], b: readonly string[]): string[] {
  const set = new Set(b);
  return a.filter((x) => set.has(x) && weight(x) >= 1).sort((x, y) => weight(y) - weight(x));
}
