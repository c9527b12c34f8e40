import { LogSourceError } from './connector';

/**
 * Runs `fn` with an AbortSignal that fires after `ms`, and stops waiting at the deadline even when the connector
 * ignores the signal (a hung socket never blocks the caller). The rejection is a LogSourceError('timeout').
 */
export async function withDeadline<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>, timeoutMessage: string): Promise<T> {
  const ctl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ctl.abort(new LogSourceError('timeout', timeoutMessage));
      reject(new LogSourceError('timeout', timeoutMessage));
    }, ms);
  });
  try {
    const work = fn(ctl.signal);
    work.catch(() => undefined); // a late rejection after the deadline must not be unhandled
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
