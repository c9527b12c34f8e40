import { francAll } from 'franc-min';
import { generateConversations } from '../../../training/generate';
import { LANGUAGE_PACKS } from './registry';
import { trigramRanker } from './trigrams';

const ONLY = [...LANGUAGE_PACKS.map((p) => p.iso3), 'pol', 'tur', 'ron', 'ces', 'hun', 'swe', 'ind'];

describe("trigram ranking (franc's, with prepared models)", () => {
  const ranker = trigramRanker({ minLength: 8, only: ONLY });
  const odd = [
    '',
    'short',
    '12345678 !!! ???',
    'ÜBERWEISUNGEN FEHLGESCHLAGEN!!! seit 9 Uhr',
    'checkout 500 error since 9am, customers cannot pay',
    'le paiement ne fonctionne plus depuis ce matin',
    'Заказы не проходят с утра, checkout error',
    'Привет, у нас не работает оплата уже час',
    '注文が通りません checkout fails',
    'اطلب لا يعمل منذ الصباح',
    'the the the the the the',
    'a\u00a0b\tc\nd  e — f',
    'zzzz qqqq xxxx wwww',
  ];
  it('gives exactly what francAll gives, on odd inputs and on 420 generated messages in seven languages', () => {
    const texts = [...odd, ...generateConversations(5, 60).map((g) => g.text)];
    expect(texts.length).toBeGreaterThan(400);
    let latin = 0;
    for (const t of texts) {
      for (const sample of [t, t.slice(0, 160), t.slice(0, 20)]) {
        const expected = francAll(sample, { minLength: 8, only: ONLY });
        expect({ sample, ranked: ranker.rank(sample) }).toEqual({ sample, ranked: expected });
        if (expected.length > 1) latin++;
      }
    }
    // Most of them went through the prepared models (not handed to franc).
    expect(latin).toBeGreaterThan(texts.length);
  });

  it('without candidates it ranks like franc does with none allowed', () => {
    const none = trigramRanker({ minLength: 3, only: ['xyz'] });
    expect(none.rank('hello world, this is English')).toEqual(francAll('hello world, this is English', { minLength: 3, only: ['xyz'] }));
  });
});
