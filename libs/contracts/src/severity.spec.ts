import { meetsThreshold } from './severity';

describe('meetsThreshold (auto-analyze gate, product reference §3.3)', () => {
  it('orders info < low < medium < high < critical and never fires when disabled', () => {
    expect(meetsThreshold('critical', 'high')).toBe(true);
    expect(meetsThreshold('high', 'high')).toBe(true);
    expect(meetsThreshold('medium', 'high')).toBe(false);
    expect(meetsThreshold('info', 'low')).toBe(false);
    expect(meetsThreshold('low', 'low')).toBe(true);
    expect(meetsThreshold('critical', 'disabled')).toBe(false);
  });
});
