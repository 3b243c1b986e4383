/** @module Loads a `sim` target — a .bpf or .s file, a PROFILE, or a STACK.json — into a FilterStack plus the raw programs for `--kernel`. */

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { decodeProgram, encodeProgram, type RawInsn } from '../../bpf/insn-codec.js';
import type { ActionsLogged } from '../../engine/actions-logged.js';
import { prepareProgram, type InputSize } from '../../engine/program.js';
import { FilterStack } from '../../engine/stack.js';
import { fail, SeccompTraceError } from '../../errors.js';
import type { CliIo } from '../command.js';

/** A loaded target: the stack to evaluate and each filter's bytes and flags, oldest first, for the kernel. */
export interface LoadedTarget {
  readonly stack: FilterStack;
  readonly kernelFilters: readonly { readonly program: Uint8Array; readonly flags: number }[];
}

function readBytes(path: string, shown: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw fail({
      code: 'cli/cannot-read',
      where: shown,
      message: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot read it',
      ...(code === undefined ? {} : { errno: code }),
      hint: 'check the path',
    });
  }
}

/** Unwraps, putting the file in front of the error's own place: `FILE: pc N: …` as `verify` prints it. */
function orThrow<T>(r: { ok: true; value: T } | { ok: false; error: SeccompTraceError }, file?: string): T {
  if (r.ok) return r.value;
  const e = r.error;
  if (file === undefined) throw e;
  throw new SeccompTraceError({
    code: e.code,
    message: e.message,
    where: e.where === undefined ? file : `${file}: ${e.where}`,
    ...(e.hint === undefined ? {} : { hint: e.hint }),
    ...(e.errno === undefined ? {} : { errno: e.errno }),
  });
}

/** One program: a .bpf or .s file, else a PROFILE (file or built-in name) with the install flags it asks for. */
async function loadProgram(arg: string, baseDir: string, shown: string, size: InputSize, io: CliIo): Promise<{ raw: RawInsn[]; flags: number; program: ReturnType<typeof prepareProgram> }> {
  const path = resolve(baseDir, arg);
  let raw: RawInsn[];
  let flags = 0;
  if (arg.endsWith('.bpf')) raw = orThrow(decodeProgram(readBytes(path, shown)), shown);
  else if (arg.endsWith('.s')) {
    const { assemble } = await import('../../bpf/asm.js'); // the assembler loads only for .s files (start-up time is import time)
    raw = orThrow(assemble(new TextDecoder().decode(readBytes(path, shown)), { file: shown }));
  }
  else {
    const { compileProfileTarget } = await import('./sim-profile.js'); // only profiles need the compiler
    ({ raw, flags } = await compileProfileTarget(arg, baseDir, io));
  }
  return { raw, flags, program: prepareProgram(raw, size) };
}

/** One program file (or PROFILE) as a one-filter linux-mode stack. */
export async function loadSingleTarget(target: string, io: CliIo, actionsLogged: ActionsLogged): Promise<LoadedTarget> {
  const stack = new FilterStack({ mode: 'linux', actionsLogged });
  const { raw, flags, program } = await loadProgram(target, io.cwd, target, 64, io);
  orThrow(stack.install(orThrow(program, target), flags), target);
  return { stack, kernelFilters: [{ program: encodeProgram(raw), flags }] };
}

/** A STACK.json: entries installed in order with the kernel's checks; paths relative to the file. */
export async function loadStackTarget(file: string, io: CliIo, liveActionsLogged: () => ActionsLogged): Promise<LoadedTarget> {
  const path = resolve(io.cwd, file);
  const { parseStackFile } = await import('../../engine/stack-file.js'); // only --stack reads one
  const spec = orThrow(parseStackFile(new TextDecoder().decode(readBytes(path, file)), file));
  const stack = new FilterStack({ mode: spec.mode, actionsLogged: spec.actionsLogged ?? liveActionsLogged() });
  const kernelFilters: { program: Uint8Array; flags: number }[] = [];
  for (const e of spec.entries) {
    const shown = `${e.where} ${e.path}`;
    const { raw, flags, program } = await loadProgram(e.path, dirname(path), shown, e.kind === 'filter' ? 64 : 80, io);
    const p = orThrow(program, shown);
    if (e.kind === 'filter') {
      orThrow(stack.install(p, e.flags | flags), shown);
      kernelFilters.push({ program: encodeProgram(raw), flags: e.flags | flags });
    } else {
      orThrow(stack.installLogLayer(p, { ring: e.ring }), shown);
    }
  }
  return { stack, kernelFilters };
}
