/** @module SeccompTraceError: the one error type users see, which formats itself as one line. */

/**
 * Error codes are `layer/what` string literals, readable in JSON. Each layer may add codes; the
 * type stays open (`${Layer}/${string}`) so layers do not have to import each other's tables.
 */
export type Layer = 'abi' | 'bpf' | 'engine' | 'policy' | 'events' | 'linux' | 'record' | 'cli';
export type ErrorCode = `${Layer}/${string}`;

export interface ErrorInit {
  readonly code: ErrorCode;
  readonly message: string;
  /** `FILE:LINE:COL`, `FILE: pc N`, or a file plus JSON pointer. */
  readonly where?: string;
  /** How to fix it. */
  readonly hint?: string;
  /** The kernel errno name this corresponds to, e.g. `EINVAL`. */
  readonly errno?: string;
  /** Usage errors exit 2, everything else 1. */
  readonly usage?: boolean;
  readonly cause?: unknown;
}

export class SeccompTraceError extends Error {
  readonly code: ErrorCode;
  readonly where: string | undefined;
  readonly hint: string | undefined;
  readonly errno: string | undefined;
  readonly usage: boolean;

  constructor(init: ErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'SeccompTraceError';
    this.code = init.code;
    this.where = init.where;
    this.hint = init.hint;
    this.errno = init.errno;
    this.usage = init.usage ?? false;
  }

  /** `WHERE: message (ERRNO); hint` — every part optional but the message. */
  format(): string {
    let line = this.where === undefined ? this.message : `${this.where}: ${this.message}`;
    if (this.errno !== undefined) line += ` (${this.errno})`;
    if (this.hint !== undefined) line += `; ${this.hint}`;
    return line;
  }

  /** The same error with a place in front (e.g. a file name added by the caller that knows it). */
  at(where: string): SeccompTraceError {
    const inner = this.where === undefined ? where : `${where}:${this.where}`;
    return new SeccompTraceError({ ...this.init(), where: inner });
  }

  private init(): ErrorInit {
    return {
      code: this.code,
      message: this.message,
      usage: this.usage,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.errno === undefined ? {} : { errno: this.errno }),
      ...(this.cause === undefined ? {} : { cause: this.cause }),
    };
  }
}

export function fail(init: ErrorInit): SeccompTraceError {
  return new SeccompTraceError(init);
}

export function isSeccompTraceError(e: unknown): e is SeccompTraceError {
  return e instanceof SeccompTraceError;
}
