import { detectLanguage } from './languages/detect';
import { CONCEPT_IDS, CUE_NAMES } from './languages/pack';
import { LANGUAGE_PACKS, packFor } from './languages/registry';
import { readMessage } from './reading';
import { fold, prepareMessage } from './text';

const detect = (t: string) => detectLanguage(t, fold(t).text).code;

describe('language registry', () => {
  it('has the seven required languages, each a complete pack', () => {
    expect(LANGUAGE_PACKS.map((p) => p.code).sort()).toEqual(['de', 'en', 'es', 'fr', 'it', 'nl', 'pt']);
    for (const p of LANGUAGE_PACKS) {
      expect(packFor(p.code)).toBe(p);
      expect(p.stopwords.length).toBeGreaterThan(30);
      // Every pack reads the cues the severity model needs most, and has a chrono parser for clock times.
      for (const cue of ['failure', 'outage', 'all', 'one', 'howto', 'money', 'security', 'over'] as const) expect(p.cues[cue]).toBeInstanceOf(RegExp);
      expect(p.window.chrono).toBeDefined();
      expect(Object.keys(p.concepts).length).toBeGreaterThan(20);
    }
    expect(CUE_NAMES.length).toBeGreaterThan(20);
    expect(CONCEPT_IDS.length).toBeGreaterThan(20);
  });
});

describe('language detection (franc-min + function words)', () => {
  it.each([
    ['en', 'Our checkout has been failing for every customer since this morning, please help.'],
    ['de', 'Seit heute Morgen können unsere Kunden nicht mehr bezahlen, bitte dringend prüfen.'],
    ['fr', 'Depuis ce matin nos clients ne peuvent plus payer, merci de regarder rapidement.'],
    ['es', 'Desde esta mañana nuestros clientes no pueden pagar, por favor revisadlo.'],
    ['pt', 'Desde hoje de manhã os nossos clientes não conseguem pagar, por favor verifiquem.'],
    ['nl', 'Sinds vanochtend kunnen onze klanten niet meer betalen, graag snel kijken.'],
    ['it', 'Da stamattina i nostri clienti non riescono più a pagare, per favore controllate.'],
    ['nl', 'Sinds 8 uur vanochtend ligt alles plat'],
    ['pt', 'O app está fora do ar há 40 minutos'],
  ])('%s: %s', (code, text) => {
    expect(detect(text)).toBe(code);
  });

  it('says und for text without words, and names languages it does not support', () => {
    expect(detect('')).toBe('und');
    expect(detect('🔥🔥🔥')).toBe('und');
    expect(detect('12:45 500 500 500')).toBe('und');
    expect(['ru', 'uk']).toContain(detect('Наш сайт не работает с утра, клиенты не могут оплатить заказ.'));
    expect(detectLanguage('Наш сайт не работает с утра', fold('Наш сайт не работает с утра').text).pack).toBeNull();
  });

  it('reads a Spanish message with pasted English error text in both languages', () => {
    const r = readMessage('Hola, el pago no funciona desde las 10. El error dice: "Gateway timeout, connection timed out".', undefined);
    expect(r.language.code).toBe('es');
    expect(r.packs.map((p) => p.code)).toEqual(['es', 'en']);
    const cues = new Set(r.hits.map((h) => `${h.cue}:${h.lang}`));
    expect(cues.has('failure:es')).toBe(true);
    expect(cues.has('failure:en') || cues.has('outage:en')).toBe(true);
  });
});

describe('mail clean-up', () => {
  const mail = LANGUAGE_PACKS.map((p) => p.mail);
  it('removes the greeting, the signature and the quoted earlier mail', () => {
    const raw = [
      'Hi team,',
      '',
      'Thanks, it works again now.',
      '',
      'Kind regards,',
      'Anna Berg',
      'Head of Ops, Example Ltd',
      '',
      'On Tue, 3 Mar 2026 at 09:12, Anna Berg <anna@example.com> wrote:',
      '> Checkout is down for everyone since 9am!!',
    ].join('\n');
    const p = prepareMessage(raw, mail);
    expect(p.body).toBe('Thanks, it works again now.');
    expect(p.removed).toEqual({ greeting: true, quote: true, signature: true });
  });

  it('knows quote headers and sign-offs in other languages', () => {
    expect(
      prepareMessage('Hallo,\n\nDanke, geht wieder.\n\nMit freundlichen Grüßen\nJonas\n\nAm 03.03.2026 um 09:12 schrieb Jonas:\n> Alles kaputt', mail).body,
    ).toBe('Danke, geht wieder.');
    expect(
      prepareMessage('Bonjour,\n\nC’est réglé.\n\nCordialement,\nJulie\n\nLe mar. 3 mars 2026 à 09:12, Julie a écrit :\n> Tout est en panne', mail).body,
    ).toBe("C'est réglé.");
    expect(prepareMessage('Olá,\nJá voltou.\n\n-----Mensagem original-----\nDe: Ana\nEnviado: terça\nAssunto: tudo fora do ar', mail).body).toBe('Já voltou.');
  });

  it('keeps a message that is only a quote', () => {
    expect(prepareMessage('> everything is down', mail).body).toBe('> everything is down');
  });
});
