/** @module The shape of a CLI verb and the I/O it is given, so commands run in-process in tests. */

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Raw bytes to stdout (asm writes sock_filter bytes). */
  readonly stdoutBytes: (bytes: Uint8Array) => void;
  /** Reads all of stdin (for `-` inputs read whole: programs, cases). */
  readonly readStdin: () => Promise<Uint8Array>;
  /** Stdin as it arrives, chunk by chunk (for `logs --source -`, which streams). */
  readonly stdinChunks: () => AsyncIterable<Uint8Array>;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stderr is a terminal (live counters, colours). */
  readonly isTTY: boolean;
}

export interface Command {
  readonly usage: string;
  /** Returns the exit code. Throws SeccompTraceError for user errors (exit 1, or 2 when `usage`). */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** A verb as the registry lists it; the module behind it is imported only when the verb runs. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}
