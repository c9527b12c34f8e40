import { OpenStreams } from './open-streams';

describe('OpenStreams', () => {
  it('ends every tracked stream once on closeAll, forgets untracked ones, and ends late arrivals at once', () => {
    const s = new OpenStreams();
    const ended: string[] = [];
    s.track(() => ended.push('a'));
    const untrack = s.track(() => ended.push('b'));
    s.track(() => {
      throw new Error('client already gone');
    });
    untrack();
    expect(s.size).toBe(2);
    expect(s.closeAll()).toBe(2);
    expect(ended).toEqual(['a']);
    expect(s.size).toBe(0);
    s.track(() => ended.push('late'));
    expect(ended).toEqual(['a', 'late']);
    s.beforeApplicationShutdown();
    expect(ended).toEqual(['a', 'late']);
  });
});
