import { describe, expect, it } from 'vitest';
import { correctionRequest, KEEP, NO_SERVICE } from './correction-form';

describe('correctionRequest', () => {
  it('sends only what the agent changed', () => {
    expect(correctionRequest(KEEP, KEEP)).toBeNull();
    expect(correctionRequest('high', KEEP)).toEqual({ severity: 'high' });
    expect(correctionRequest(KEEP, 'checkout')).toEqual({ affectedService: 'checkout' });
  });
  it('sends null for "no service"', () => {
    expect(correctionRequest('low', NO_SERVICE)).toEqual({ severity: 'low', affectedService: null });
  });
});
