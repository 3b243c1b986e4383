/** @module `seccomptrace record`: run a program with every syscall logged (no privilege) and write the profile that allows exactly what it did. */

import { writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { makeAction } from '../../abi/actions.js';
import { encodeProgram, insn } from '../../bpf/insn-codec.js';
import { BPF_K, BPF_RET } from '../../bpf/opcodes.js';
import { FLAG_NEW_LISTENER } from '../../engine/filter-flags.js';
import { fail } from '../../errors.js';
import { supervise, ANSWER_CONTINUE } from '../../linux/supervisor.js';
import { AUDIT_ARCH_X86_64 } from '../../linux/supervisor-plan.js';
import { formatOci, formatPolicy, formatSpo, parsePolicy, policyActionText, type Policy } from '../../policy/index.js';
import { Recorder, recordedPolicy } from '../../record/index.js';
import { parseVerbArgs } from '../args.js';
import type { Command } from '../command.js';

const USAGE = `usage: seccomptrace record [-o PROFILE] [--format oci|policy|spo] [--default ACTION] -- CMD [ARGS…]

Runs CMD (and every thread and child it starts) with each syscall reported to a USER_NOTIF
supervisor and let through, then writes the profile that allows exactly the syscalls it made —
from its execve on, nothing added — and gives every other syscall ACTION.
  -o PROFILE   where to write the profile (default: stdout)
  --format     oci (default: OCI/Docker seccomp JSON), policy (docs/policy.md) or spo (a
               Kubernetes Security Profiles Operator SeccompProfile, YAML; named after PROFILE or CMD)
  --default    what other syscalls get: errno (EPERM, the default), errno(EACCES), kill_process,
               kill, trap, log, …: the policy language's actions
The arches are those CMD used. Exit status: CMD's, or 128+signal when it was killed; the profile
is written either way. No privilege is needed; arguments are not recorded (the profile allows each
syscall whatever its arguments).`;

const FORMATS = ['oci', 'policy', 'spo'] as const;
type Format = (typeof FORMATS)[number];

function usageError(message: string, hint = "see 'seccomptrace record --help'"): never {
  throw fail({ code: 'cli/usage', usage: true, message, hint });
}

/** --default in the policy language's action syntax; plain `errno` is EPERM, as the contract says. */
function parseDefault(text: string): number {
  const r = parsePolicy(`default ${text === 'errno' ? 'errno(EPERM)' : text}\n`);
  if (!r.ok) usageError(`--default '${text}': ${r.error.message}`, r.error.hint ?? "use errno, errno(EACCES), kill_process, kill, trap or log");
  const v = r.value.defaultAction;
  if (v === makeAction('allow')) usageError("--default 'allow' would let everything through", 'use errno, kill_process, trap or log');
  return v;
}

/** A Kubernetes object name from a file or command name: lower case, [a-z0-9.-], no extension. */
function spoName(from: string): string {
  const n = basename(from).replace(/\.(ya?ml|json)$/i, '').toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return n === '' ? 'recorded' : n.slice(0, 253);
}

function render(p: Policy, format: Format, name: string): string {
  const r = format === 'oci' ? formatOci(p) : format === 'spo' ? formatSpo(p, name) : { ok: true as const, value: formatPolicy(p) };
  if (!r.ok) throw r.error;
  return r.value;
}

export const recordCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseVerbArgs('record', { args: [...args], allowPositionals: true, options: { output: { type: 'string', short: 'o' }, format: { type: 'string' }, default: { type: 'string' } } });
    const [command, ...cmdArgs] = positionals;
    if (command === undefined) usageError('no command to record', 'seccomptrace record [OPTIONS] -- CMD [ARGS…]');
    const format = (values.format ?? 'oci') as Format;
    if (!FORMATS.includes(format)) usageError(`--format: unknown format '${values.format}'`, `use ${FORMATS.join(', ')}`);
    const defaultAction = parseDefault(values.default ?? 'errno');

    // One instruction: every syscall of every ABI goes to the supervisor, whose native thread
    // answers CONTINUE at once and keeps the record (the table says so for every number).
    const recorder = new Recorder();
    const r = await supervise({
      command,
      args: cmdArgs,
      cwd: io.cwd,
      filters: [{ program: encodeProgram([insn(BPF_RET | BPF_K, makeAction('user_notif'))]), flags: FLAG_NEW_LISTENER }],
      table: { arch: AUDIT_ARCH_X86_64, answers: new Uint8Array(1024).fill(ANSWER_CONTINUE), other: ANSWER_CONTINUE },
      decide: () => ({ kind: 'continue' }),
      onRecords: (recs) => {
        for (const x of recs) recorder.add(x.arch, x.nr);
      },
    });
    if (r.spawnError !== undefined) throw r.spawnError;
    if (r.fatal !== undefined) {
      throw fail({ code: 'cli/record-incomplete', message: `${r.fatal.format()}: the recording stopped early (the program's later syscalls failed with ENOSYS)`, hint: 'nothing written; run it again' });
    }
    if (r.lost > 0) {
      throw fail({ code: 'cli/record-incomplete', message: `${r.lost} of ${r.received} syscalls went unrecorded (the supervisor's ring overflowed), so the profile could miss some`, hint: 'nothing written; run it again on a less busy machine' });
    }
    const rec = recorder.recording();
    for (const u of rec.unnamed) {
      io.stderr(`seccomptrace record: ${u.arch ?? `arch 0x${u.auditArch.toString(16)}`} syscall ${u.nr} has no name (the kernel answered it ENOSYS); it is not in the profile\n`);
    }
    const policy = recordedPolicy(rec, defaultAction);
    const text = render(policy, format, spoName(values.output ?? command));
    if (values.output === undefined) io.stdout(text);
    else {
      try {
        writeFileSync(resolve(io.cwd, values.output), text);
      } catch (e) {
        throw fail({ code: 'cli/cannot-write', where: values.output, message: 'cannot write the profile', errno: (e as NodeJS.ErrnoException).code ?? 'EIO', hint: 'check the directory exists and is writable' });
      }
    }
    const distinct = policy.rules[0]?.names.length ?? 0;
    const arches = policy.arches?.join(', ') || 'no arch';
    io.stderr(`seccomptrace record: ${rec.calls} syscalls, ${distinct} distinct, on ${arches}; default ${policyActionText(defaultAction)}${values.output === undefined ? '' : `; wrote ${values.output}`}\n`);
    return r.status;
  },
};
