/** @module The verb registry: every command, in the order `--help` lists them. */

import type { Command } from '../command.js';
import { asmCommand } from './asm.js';
import { disasmCommand } from './disasm.js';
import { verifyCommand } from './verify.js';
import { syscallsCommand } from './syscalls.js';
import { sysctlCommand } from './sysctl.js';
import { simCommand } from './sim.js';
import { logsCommand } from './logs.js';
import { runCommand } from './run.js';
import { compileCommand } from './compile.js';

export const COMMANDS: readonly Command[] = [asmCommand, disasmCommand, verifyCommand, syscallsCommand, sysctlCommand, simCommand, logsCommand, runCommand, compileCommand];
