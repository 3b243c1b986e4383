/** @module `compile PROFILE`: OCI/Docker JSON or a policy file (or `docker-default`) → BPF as raw bytes, asm, a C array or JSON. */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join, resolve } from 'node:path';
import { archFromNode, parseArch, type ArchName } from '../../abi/arch.js';
import { formatAction } from '../../abi/actions.js';
import { disassemble } from '../../bpf/disasm.js';
import { encodeProgram } from '../../bpf/insn-codec.js';
import { fail } from '../../errors.js';
import type { CompiledProfile } from '../../policy/compile.js';
import { DOCKER_DEFAULT_CAPS } from '../../policy/oci-flatten.js';
import { compileProfile, type LoadedProfile, type ProfileOptions } from '../../policy/load-profile.js';
import { formatOci, formatPolicy } from '../../policy/policy-write.js';
import { packageRoot } from '../../linux/package-root.js';
import type { CliIo, Command } from '../command.js';
import { parseVerbArgs } from '../args.js';

const USAGE = `usage: seccomptrace compile PROFILE [--arch ARCH[,ARCH…]] [-o OUT] [--format raw|asm|c|json|oci|policy]
                           [--caps CAP,…|docker|none] [--kernel X.Y]
  PROFILE   an OCI/Docker seccomp JSON file, a policy file (docs/policy.md), or docker-default
  --arch    the filter's arches, exactly (default: the profile's for this host, plus the host's)
  --format  raw sock_filter bytes (default), asm, c, json; oci / policy print the translated profile
  --caps    capabilities for includes/excludes (default: Docker's 14)
  --kernel  kernel release for minKernel (default: the running kernel)`;

/** Built-in profile names → files under the package's profiles/ directory. */
const BUILTIN: Readonly<Record<string, string>> = { 'docker-default': 'docker-default.json' };

function hostArch(): ArchName {
  const a = archFromNode(process.arch);
  if (a === undefined) throw fail({ code: 'cli/unknown-host-arch', message: `no arch table for this host (${process.arch})`, hint: 'pass --arch' });
  return a.name;
}

/**
 * Reads a PROFILE argument: a file, or a built-in name when no such file is in the cwd. Returns the
 * text, the name errors show, and whether it is the bundled profile.
 */
export function readProfile(arg: string, io: CliIo): { text: string; shown: string; builtin: boolean } {
  const name = BUILTIN[arg];
  const builtin = name !== undefined && !existsSync(resolve(io.cwd, arg));
  const path = builtin ? join(packageRoot(), 'profiles', name) : resolve(io.cwd, arg);
  try {
    return { text: readFileSync(path, 'utf8'), shown: arg, builtin };
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw fail({ code: 'cli/cannot-read', where: arg, message: code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})`, ...(code === undefined ? {} : { errno: code }), hint: `give a profile file or one of: ${Object.keys(BUILTIN).join(', ')}` });
  }
}

export interface ProfileFlags {
  readonly arch?: string | undefined;
  readonly caps?: string | undefined;
  readonly kernel?: string | undefined;
}

/** The compile context from --arch/--caps/--kernel (shared with sim/run/logs PROFILE targets). */
export function profileOptions(f: ProfileFlags): ProfileOptions {
  let arches: ArchName[] | undefined;
  if (f.arch !== undefined) {
    arches = f.arch.split(',').filter((x) => x !== '').map((x) => {
      const a = parseArch(x);
      if (!a.ok) throw fail({ code: 'cli/bad-arch', where: '--arch', message: a.error.message, ...(a.error.hint === undefined ? {} : { hint: a.error.hint }), usage: true });
      return a.value.name;
    });
    if (arches.length === 0) throw fail({ code: 'cli/bad-arch', where: '--arch', message: 'no arch given', usage: true });
  }
  const caps = f.caps === undefined || f.caps === 'docker' ? DOCKER_DEFAULT_CAPS : f.caps === 'none' ? [] : f.caps.split(',').map((c) => (c.toUpperCase().startsWith('CAP_') ? c.toUpperCase() : `CAP_${c.toUpperCase()}`));
  const kernel = f.kernel ?? release();
  if (!/^\d+\.\d+/.test(kernel)) throw fail({ code: 'cli/bad-kernel', where: '--kernel', message: `'${kernel}' is not a kernel version`, hint: 'write it as 6.1 or 5.15.0', usage: true });
  // The host is the first --arch when given (archMap and includes.arches are judged for it).
  return { hostArch: arches?.[0] ?? hostArch(), caps, kernel, ...(arches === undefined ? {} : { arches }) };
}

/**
 * Loads and compiles a PROFILE argument, printing warnings to stderr. Throws SeccompTraceError on bad
 * input. The bundled profile's warnings (Docker's quirks, e.g. MASKED_EQ without valueTwo) are
 * nothing the user can fix, so only `compile`, where a profile is inspected, prints them.
 */
export function compileProfileArg(arg: string, io: CliIo, flags: ProfileFlags, verb = 'compile'): CompiledProfile & { readonly loaded: LoadedProfile } {
  const { text, shown, builtin } = readProfile(arg, io);
  const c = compileProfile(text, shown, profileOptions(flags));
  if (!c.ok) throw c.error;
  if (!builtin || verb === 'compile') for (const w of c.value.warnings) io.stderr(`seccomptrace ${verb}: ${w.where}: warning: ${w.message}\n`);
  return c.value;
}

function cArray(c: CompiledProfile, name: string): string {
  const asm = disassemble(c.program, { arch: c.arches[0]! }).split('\n');
  const lines = c.program.map((i, n) => `\t{ 0x${i.code.toString(16).padStart(2, '0')}, ${i.jt}, ${i.jf}, 0x${(i.k >>> 0).toString(16).padStart(8, '0')} }, /* ${n}: ${(asm[n] ?? '').replace(/\*\//g, '* /').trim()} */`);
  return [
    `/* seccomptrace compile ${name}: ${c.program.length} instructions, arches ${c.arches.join(', ')}, install flags 0x${c.flags.toString(16)} */`,
    '#include <linux/filter.h>',
    '',
    'static struct sock_filter filter[] = {',
    ...lines,
    '};',
    'static const struct sock_fprog prog = { .len = sizeof(filter) / sizeof(filter[0]), .filter = filter };',
    '',
  ].join('\n');
}

function json(c: CompiledProfile & { readonly loaded: LoadedProfile }): string {
  const rules = c.rules.map((r) => ({
    id: r.id, names: r.names, action: formatAction(r.action), status: r.status, where: r.where,
    args: r.conds.map((a) => ({ index: a.index, op: a.op, value: `0x${a.value.toString(16)}`, ...(a.op === 'masked_eq' ? { valueTwo: `0x${a.valueTwo.toString(16)}` } : {}) })),
  }));
  // Entries Docker leaves out for this context (caps, arch, kernel) are listed, not silently dropped.
  const skipped = c.loaded.skipped.map((x) => ({ id: x.id, where: x.where, reason: x.reason }));
  return JSON.stringify({ arches: c.arches, flags: c.flags, default: formatAction(c.defaultAction), length: c.program.length, insns: c.program, rules, skipped, warnings: c.warnings }, null, 1) + '\n';
}

export const compileCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseVerbArgs('compile', { args: [...args], allowPositionals: true, options: { arch: { type: 'string' }, output: { type: 'string', short: 'o' }, format: { type: 'string' }, caps: { type: 'string' }, kernel: { type: 'string' } } });
    if (positionals.length !== 1) throw fail({ code: 'cli/usage', message: positionals.length === 0 ? 'missing PROFILE' : `one PROFILE expected, got ${positionals.length}`, hint: USAGE.split('\n')[0]!, usage: true });
    const format = values.format ?? 'raw';
    if (!['raw', 'asm', 'c', 'json', 'oci', 'policy'].includes(format)) throw fail({ code: 'cli/usage', where: '--format', message: `unknown format '${format}'`, hint: 'use raw, asm, c, json, oci or policy', usage: true });
    const c = compileProfileArg(positionals[0]!, io, values);
    let out: string | Uint8Array;
    switch (format) {
      case 'raw':
        out = encodeProgram(c.program);
        break;
      case 'asm':
        out = disassemble(c.program, { arch: c.arches[0]! });
        break;
      case 'c':
        out = cArray(c, positionals[0]!);
        break;
      case 'json':
        out = json(c);
        break;
      case 'policy':
        out = formatPolicy(c.loaded.policy);
        break;
      default: {
        const o = formatOci(c.loaded.policy);
        if (!o.ok) throw o.error.at(positionals[0]!);
        out = o.value;
      }
    }
    if (values.output !== undefined) {
      try {
        writeFileSync(resolve(io.cwd, values.output), out);
      } catch (e) {
        throw fail({ code: 'cli/cannot-write', where: values.output, message: `cannot write (${(e as { code?: string }).code ?? 'error'})` });
      }
    } else if (typeof out === 'string') io.stdout(out);
    else io.stdoutBytes(out);
    return 0;
  },
};
