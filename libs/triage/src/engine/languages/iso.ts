/** ISO 639-3 (as the language detector names languages) → ISO 639-1; languages without a 639-1 code are absent. */
export const ISO3_TO_ISO1: Readonly<Record<string, string>> = {
  eng: 'en', spa: 'es', por: 'pt', ind: 'id', fra: 'fr', deu: 'de', jav: 'jv', vie: 'vi', ita: 'it', tur: 'tr', pol: 'pl', swh: 'sw', sun: 'su', ron: 'ro', hau: 'ha',
  fuv: 'ff', bos: 'bs', hrv: 'hr', nld: 'nl', srp: 'sr', ckb: 'ku', yor: 'yo', uzn: 'uz', zlm: 'ms', ibo: 'ig', tgl: 'tl', hun: 'hu', azj: 'az', ces: 'cs', run: 'rn',
  plt: 'mg', qug: 'qu', nya: 'ny', zyb: 'za', kin: 'rw', zul: 'zu', swe: 'sv', lin: 'ln', som: 'so', rus: 'ru', ukr: 'uk', bel: 'be', bul: 'bg', kaz: 'kk', arb: 'ar',
  urd: 'ur', pes: 'fa', pbu: 'ps', hin: 'hi', mar: 'mr', npi: 'ne', cmn: 'zh', jpn: 'ja', kor: 'ko', ell: 'el', heb: 'he', tha: 'th', kat: 'ka', hye: 'hy', ben: 'bn',
  tam: 'ta', tel: 'te', guj: 'gu', kan: 'kn', mal: 'ml', pan: 'pa', amh: 'am', khm: 'km', mya: 'my', sin: 'si', lao: 'lo', ori: 'or', dan: 'da', nob: 'nb', fin: 'fi',
  slk: 'sk', slv: 'sl', cat: 'ca', glg: 'gl', eus: 'eu', est: 'et', lav: 'lv', lit: 'lt', afr: 'af', sqi: 'sq', mkd: 'mk', tir: 'ti', bod: 'bo', div: 'dv', yid: 'yi',
};
