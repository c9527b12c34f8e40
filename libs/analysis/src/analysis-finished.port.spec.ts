import type { EntityManager } from 'typeorm';
import { AnalysisFinishedPort, type FinishedAnalysis } from './analysis-finished.port';

const finished = { id: 'a1', status: 'complete', bindingId: null, conversationId: null } as FinishedAnalysis;

describe('AnalysisFinishedPort', () => {
  it('tells every listener once, in registration order, inside the given transaction', async () => {
    const port = new AnalysisFinishedPort();
    const heard: string[] = [];
    const tx = {} as EntityManager;
    const a = { analysisFinished: async (f: FinishedAnalysis, m: EntityManager) => void heard.push(`a:${f.id}:${m === tx}`) };
    const b = { analysisFinished: async (f: FinishedAnalysis) => void heard.push(`b:${f.id}`) };
    port.listen(a);
    port.listen(b);
    port.listen(a);
    await port.announce(finished, tx);
    expect(heard).toEqual(['a:a1:true', 'b:a1']);
  });

  it("fails the announcement when a listener fails, so the caller's transaction rolls back", async () => {
    const port = new AnalysisFinishedPort();
    port.listen({ analysisFinished: async () => Promise.reject(new Error('queue down')) });
    await expect(port.announce(finished, {} as EntityManager)).rejects.toThrow('queue down');
  });
});
