/** @module `seccomptrace sim`: run syscall cases through a filter, profile or stack in the engine (or on this kernel with --kernel). */

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { archFromNode, parseArch, type ArchInfo } from '../../abi/arch.js';
import { DEFAULT_ACTIONS_LOGGED, type ActionsLogged } from '../../engine/actions-logged.js';
import { readCase, type SimCase } from '../../engine/case.js';
import { fail } from '../../errors.js';
import { readActionsLogged } from '../../linux/sysctl.js';
import { parseVerbArgs } from '../args.js';
import type { Command } from '../command.js';
import { jsonLine, textLine } from './sim-format.js';
import { loadSingleTarget, loadStackTarget } from './sim-target.js';

const USAGE = `usage: seccomptrace sim TARGET [--arch ARCH] SYSCALL [ARG0 … ARG5] [--ip N] [--json] [--kernel]
       seccomptrace sim TARGET --cases FILE [--json] [--kernel]
       seccomptrace sim --stack STACK.json (SYSCALL [ARG…] | --cases FILE) [--json]

TARGET is a .bpf or .s file or a PROFILE. SYSCALL is a name for ARCH or a number; ARGs and N are
decimal or 0x hex, exact to 64 bits. --cases reads a JSON array or JSON lines of
{"arch","nr"|"syscall","args","ip"}. Output: one line a case; --json one object a line:
{"value","action","data","insns","log":[{"by","ret","tag","to","layer"}]}.
STACK.json: {"mode":"linux"|"proposed","actionsLogged":[NAME…],"stack":[{"filter":FILE,"flags":["log"]},
{"logLayer":FILE,"ring":N}]}, oldest first, paths relative to it; a log layer reads the 80-byte
seccomp_log_data (ret @64, tag @68, outcome @72, filter @76) and returns 0 IGNORE, 1 RING, 2 PASS.
actions_logged: the stack file's, else this kernel's live value.
--kernel runs each case on this machine's kernel through a probe child (x86_64, x86, x32) and
prints what the kernel shows: {"outcome":"returned"|"trap"|"killed", "return","errno" | "data" |
"signal","thread", "ip", "log":[{"ret","sig","to"}]} (log: records from the audit multicast, root).`;

/** parseArgs reads "-1" as an option; syscall arguments may be negative numbers. */
const NEG = '\u0000neg:';

export const simCommand: Command = {
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals: rawPos } = parseVerbArgs('sim', {
      args: argv.map((a) => (/^-\d/.test(a) ? `${NEG}${a}` : a)),
      allowPositionals: true,
      options: {
        arch: { type: 'string' },
        ip: { type: 'string' },
        cases: { type: 'string' },
        stack: { type: 'string' },
        json: { type: 'boolean' },
        kernel: { type: 'boolean' },
      },
    });
    const positionals = rawPos.map((p) => (p.startsWith(NEG) ? p.slice(NEG.length) : p));
    const usage = (message: string, hint?: string) => fail({ code: 'cli/usage', usage: true, message, ...(hint === undefined ? {} : { hint }) });

    const host = archFromNode(process.arch);
    let arch: ArchInfo | undefined = host;
    if (values.arch !== undefined) {
      const a = parseArch(values.arch);
      if (!a.ok) throw a.error.at('--arch');
      arch = a.value;
    }
    if (arch === undefined) throw usage(`this host's arch (${process.arch}) has no seccomp arch name`, 'pass --arch');

    const live = (): ActionsLogged => {
      const r = readActionsLogged();
      return r.ok ? r.value : DEFAULT_ACTIONS_LOGGED;
    };
    const pos = [...positionals];
    let target;
    if (values.stack !== undefined) {
      target = await loadStackTarget(values.stack, io, live);
    } else {
      const t = pos.shift();
      if (t === undefined) throw usage('missing TARGET', 'give a .bpf, .s or profile file, or --stack STACK.json');
      target = await loadSingleTarget(t, io, live());
    }

    let cases: SimCase[];
    if (values.cases !== undefined) {
      if (pos.length > 0) throw usage(`unexpected argument '${pos[0]}' with --cases`, 'give either --cases FILE or SYSCALL [ARGS…]');
      if (values.ip !== undefined) throw usage('--ip goes with a single case; put "ip" in each case of --cases');
      const text = values.cases === '-' ? new TextDecoder().decode(await io.readStdin()) : readCasesFile(resolve(io.cwd, values.cases), values.cases);
      const { readCases } = await import('../../engine/cases.js'); // the JSON reader loads only for --cases
      const r = readCases(text, values.cases, arch);
      if (!r.ok) throw r.error;
      cases = r.value;
    } else {
      const [sys, ...args] = pos;
      if (sys === undefined) throw usage('missing SYSCALL', 'give a syscall name or number, or --cases FILE');
      if (args.length > 6) throw usage(`${args.length} arguments given; a syscall has at most 6`);
      const obj: Record<string, unknown> = { syscall: sys, args, ...(values.ip === undefined ? {} : { ip: values.ip }) };
      const r = readCase(obj, 'command line', arch);
      if (!r.ok) throw r.error;
      cases = [r.value];
    }

    if (values.kernel === true) {
      if (target.stack.mode !== 'linux') throw usage('--kernel runs linux-mode stacks only', 'drop --kernel for proposed mode');
      const { runOnKernel } = await import('./sim-kernel.js'); // the addon loads only when asked for
      for (const line of runOnKernel(target.kernelFilters, cases, values.json === true, (w) => io.stderr(`seccomptrace sim: --kernel: ${w}\n`))) io.stdout(`${line}\n`);
      return 0;
    }
    for (const c of cases) {
      const ev = target.stack.evaluate(c.data);
      io.stdout(`${values.json === true ? jsonLine(ev) : textLine(c, ev)}\n`);
    }
    return 0;
  },
};

function readCasesFile(path: string, file: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw fail({ code: 'cli/cannot-read', where: file, message: code === 'ENOENT' ? 'no such file' : 'cannot read it', ...(code === undefined ? {} : { errno: code }) });
  }
}
