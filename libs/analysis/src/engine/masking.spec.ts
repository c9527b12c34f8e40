import { MAX_LINE_CHARS, MAX_TOKEN_CHARS, maskedTokens, maskMessage, maskToken, PIECE_SPLIT, splitPieces, WILDCARD } from './masking';

describe('masking', () => {
  it.each([
    ['PacketResponder 1 for block blk_38865049064139660 terminating', 'PacketResponder <*> for block <*> terminating'],
    ['user 7f3c2a1e-9b8d-4c6e-a1b2-3c4d5e6f7a8b logged in', 'user <*> logged in'],
    ['connect to 10.250.19.102:50010 failed', 'connect to <*> failed'],
    ['Received block blk_-3587 of size 67108864 from /10.251.42.84', 'Received block <*> of size <*> from <*>'],
    ['Old: msra-sa-41/10.190.173.170:9000 New: msra-sa-41:9000', 'Old: <*> New: <*>'],
    ['Error loading /home/x/app.rts: invalid image', 'Error loading <*>: invalid image'],
    ['LOGIN chdir(/p/gb2/t800) failed', 'LOGIN chdir(<*>) failed'],
    ['generating core.2275', 'generating core.<*>'],
    ['program interrupt: illegal instruction......0', 'program interrupt: illegal instruction......<*>'],
    ['node node-129 via ee0', 'node node-<*> via ee0'],
    ['setLightsOn(true) visible=false', 'setLightsOn(<*>) visible=<*>'],
    ['jk2_init() Found child 6725', 'jk2_init() Found child <*>'],
    ['acquire tag="View Lock", uid=1000', 'acquire tag="<*>", uid=<*>'],
    ["removing device node '/udev/vcsa2'", "removing device node '<*>'"],
    ['mail sent to jane.doe@example.com', 'mail sent to <*>'],
    ['cannot open /var/log/app/server.log', 'cannot open <*>'],
    ['request took 1532ms', 'request took <*>'],
    ['retry in 2.5s', 'retry in <*>'],
    ['flags 0x1F3A set', 'flags <*> set'],
    ['commit deadbeef12345678 pushed', 'commit <*> pushed'],
    ["unknown option 'max_retires' ignored", "unknown option 'max_retires' ignored"],
    ["unknown option 'retries=3' ignored", "unknown option '<*>' ignored"],
    ['session opened for user root by (uid=0)', 'session opened for user root by (uid=<*>)'],
    ['PendingReds:0 ScheduledMaps:12', 'PendingReds:<*> ScheduledMaps:<*>'],
    ['connection from 1.2.3.4 at Sun Jul 17 04:35:47 2005', 'connection from <*> at <*>'],
    ['GET https://api.example.com/v1/items?id=3 200', 'GET <*> <*>'],
  ])('masks %s', (input, expected) => {
    expect(maskMessage(input)).toBe(expected);
  });

  it('keeps words that merely end with one digit (protocol and product names)', () => {
    expect(maskToken('ssh2')).toBe('ssh2');
    expect(maskToken('SOCKS5')).toBe('SOCKS5');
    expect(maskToken('node42')).toBe(WILDCARD);
  });

  it('keeps the original whitespace between tokens and trims the ends', () => {
    expect(maskMessage('  a  b\tc 12 ')).toBe('a  b\tc <*>');
    expect(maskMessage('')).toBe('');
  });
});

describe('tokenising long lines (linear work, counted)', () => {
  const shapes: Record<string, (n: number) => string> = {
    'one long token': (n) => 'x1'.repeat(n / 2),
    'many key=value tokens': (n) => 'ab=12 '.repeat(n / 6),
    'dates and quotes': (n) => 'at 2024-01-02 10:11:12 k="v w" '.repeat(n / 32),
    'wrapped values': (n) => '(((a:1,'.repeat(n / 8),
    'dotted numbers': (n) => '1.2.3.4.'.repeat(n / 8),
  };

  it.each(Object.keys(shapes))('%s: work grows linearly with the line length', (name) => {
    const work = (n: number) => {
      const w = { chars: 0 };
      maskedTokens(shapes[name](n), w);
      return w.chars;
    };
    const small = work(500);
    const big = work(4000);
    expect(small).toBeGreaterThan(0);
    // 8× the text costs at most ~8× the work (never 64×, as a quadratic pass would).
    expect(big / small).toBeLessThanOrEqual(8 * 1.3);
  });

  it('mines only the first MAX_LINE_CHARS characters of a 200 kB line', () => {
    for (const name of Object.keys(shapes)) {
      const line = shapes[name](200_000);
      expect(line.length).toBeGreaterThan(150_000);
      const w = { chars: 0 };
      const tokens = maskedTokens(line, w);
      // Every character is looked at a bounded number of times, and only within the cap.
      expect(w.chars).toBeLessThanOrEqual(4 * MAX_LINE_CHARS);
      expect(tokens).toEqual(maskedTokens(line.slice(0, MAX_LINE_CHARS)));
    }
  });

  it('masks a token longer than MAX_TOKEN_CHARS as one variable', () => {
    expect(maskedTokens(`blob ${'Ab'.repeat(MAX_TOKEN_CHARS)} end`)).toEqual(['blob', WILDCARD, 'end']);
  });

  it.each([
    ['uid=1000'],
    ['a..b...c'],
    ['.a.'],
    ['..'],
    ['x<*>y'],
    ['<*>>'],
    ['<<*>'],
    ['*>a'],
    ['a<b>c'],
    ['(uid=<*>),'],
    ['"k":[1,{2}]|@#/\\'],
    [''],
    ['é:ü'],
  ])('splitPieces(%j) gives the parts of the PIECE_SPLIT regex', (t) => {
    expect(splitPieces(t)).toEqual(t.split(PIECE_SPLIT));
  });

  it.each([
    ['visible=true', 'visible=<*>'],
    ['(FALSE)', '(<*>)'],
    ['trueish', 'trueish'],
    ['untrue', 'untrue'],
    ['is_true', 'is_true'],
    ['flag:false;', 'flag:<*>;'],
  ])('masks a boolean only where it is a piece of its own: %s', (t, masked) => {
    expect(maskToken(t)).toBe(masked);
  });
});
