/** @module The one interface every log source (kmsg, netlink, audit.log, a file, stdin) implements. */

import type { LogStream } from './log-stream.js';

export interface SourceOptions {
  /** Keep reading new records as they come (tail -f); otherwise stop at the end of what is there. */
  readonly follow: boolean;
  /** Stops a following source. */
  readonly signal?: AbortSignal;
  /** Skip what is there when starting (kmsg backlog, audit.log so far); only new records. */
  readonly fromNow?: boolean;
  /** How often a following file source looks for new data or a rotation, in ms. */
  readonly pollMs?: number;
}

/** Reads records into `stream` until the end (or, following, until aborted). */
export type LogSource = (stream: LogStream, opts: SourceOptions) => Promise<void>;

/** Resolves after `ms`, or at once when `signal` is aborted. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Whether a stop was asked for (a function, so the check is not narrowed away across awaits). */
export function isAborted(signal?: AbortSignal): boolean {
  return signal?.aborted === true;
}
