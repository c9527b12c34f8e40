/**
 * In-process mutual exclusion per key. The grouping of a project's conversations is serialised across processes by a
 * PostgreSQL advisory lock; queuing here first means a process's jobs wait in memory, not holding a pooled
 * connection each while they wait for the database lock.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with someone running or waiting (for tests). */
  get size(): number {
    return this.tails.size;
  }
}
