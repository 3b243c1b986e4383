/** @module The audit multicast group (AUDIT_NLGRP_READLOG) read by test/kernel/engine-audit-readlog.py, for the engine's logging oracle tests. */

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AUDIT_SECCOMP } from '../../src/linux/audit-netlink.js';
import { REPO_ROOT } from '../fixtures/paths.js';

/** The audit multicast group through test/kernel/engine-audit-readlog.py (see its header for why not the addon). */
export class Readlog {
  private readonly child = spawn('python3', [join(REPO_ROOT, 'test', 'kernel', 'engine-audit-readlog.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  private queue: string[] = [];
  private wake: (() => void) | undefined;
  overruns = 0;
  readonly ready: Promise<void>;

  constructor() {
    let ready!: () => void;
    this.ready = new Promise((r) => (ready = r));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const m = JSON.parse(line) as { ready?: boolean; overrun?: number; type?: number; text?: string };
      if (m.ready === true) ready();
      else if (m.overrun !== undefined) this.overruns++;
      else if (m.type === AUDIT_SECCOMP && m.text !== undefined) this.queue.push(m.text);
      this.wake?.();
    });
  }

  /** 1326 records until none has come for `quietMs` (at most `maxMs`). */
  async collect(quietMs: number, maxMs: number): Promise<string[]> {
    const end = Date.now() + maxMs;
    for (;;) {
      const before = this.queue.length;
      await new Promise<void>((r) => {
        const t = setTimeout(r, quietMs);
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
      this.wake = undefined;
      if (this.queue.length === before || Date.now() > end) break;
    }
    return this.queue.splice(0);
  }

  drop(): void {
    this.queue = [];
  }

  close(): void {
    this.child.stdin.end();
  }
}


/** The `syscall=`, `code=` and `sig=` of a type=1326 record. */
export function recordFields(text: string): { syscall: number; code: string; sig: string } {
  return {
    syscall: Number(/ syscall=(-?\d+) /.exec(text)?.[1]),
    code: / code=(0x[0-9a-f]+)$/.exec(text)?.[1] ?? '?',
    sig: / sig=(\d+) /.exec(text)?.[1] ?? '?',
  };
}
