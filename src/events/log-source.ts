/** @module The one interface every log source (kmsg, netlink, audit.log, a file, stdin) implements, and the source over arriving chunks (stdin). */

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

/**
 * A source over chunks as they arrive (stdin): each chunk is parsed when it comes, so a pipe
 * streams; memory stays bounded (one chunk, one partial line). Ends at the end of the chunks or on
 * abort, which also closes the iterator (a pending read would otherwise keep the process alive).
 * `afterChunk` runs once a chunk's records are out (the CLI flushes its output there).
 */
export function chunkSource(chunks: AsyncIterable<Uint8Array>, afterChunk?: () => void): LogSource {
  return async (stream, opts) => {
    const it = chunks[Symbol.asyncIterator]();
    const decoder = new TextDecoder('utf-8', { fatal: false });
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<'aborted'>((resolve) => {
      onAbort = () => resolve('aborted');
      if (isAborted(opts.signal)) onAbort();
      else opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
    let stopped = false;
    try {
      for (;;) {
        if (isAborted(opts.signal)) {
          stopped = true;
          break;
        }
        const r = await Promise.race([it.next(), aborted]);
        if (r === 'aborted') {
          stopped = true;
          break;
        }
        if (r.done === true) break;
        stream.push(decoder.decode(r.value, { stream: true }));
        afterChunk?.();
      }
      stream.push(decoder.decode());
      stream.end();
    } finally {
      if (onAbort !== undefined) opts.signal?.removeEventListener('abort', onAbort);
      if (stopped) void it.return?.();
    }
  };
}

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
