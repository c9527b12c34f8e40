import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';

/**
 * Long-lived responses (event streams) that shutdown must end before it waits for in-flight requests: each owner
 * registers how to end its stream (with a last event telling the caller what to do), and `closeAll` runs them.
 * The app's close path calls `closeAll` first; Nest's own shutdown hook calls it too, for callers of `app.close()`.
 */
@Injectable()
export class OpenStreams implements BeforeApplicationShutdown {
  private readonly open = new Set<() => void>();
  private closing = false;

  /** Registers a stream; returns the function that unregisters it (call it when the stream ends by itself). */
  track(close: () => void): () => void {
    if (this.closing) {
      close();
      return () => undefined;
    }
    this.open.add(close);
    return () => this.open.delete(close);
  }

  get size(): number {
    return this.open.size;
  }

  /** Ends every open stream (and every stream opened from now on); returns how many were open. */
  closeAll(): number {
    this.closing = true;
    const all = [...this.open];
    this.open.clear();
    for (const close of all) {
      try {
        close();
      } catch {
        /* a stream whose client is already gone */
      }
    }
    return all.length;
  }

  beforeApplicationShutdown(): void {
    this.closeAll();
  }
}
