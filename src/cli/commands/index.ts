/** @module The verb registry: every command, in the order `--help` lists them. */

import type { Command } from '../command.js';
import { syscallsCommand } from './syscalls.js';
import { sysctlCommand } from './sysctl.js';
import { simCommand } from './sim.js';
import { logsCommand } from './logs.js';
import { runCommand } from './run.js';

export const COMMANDS: readonly Command[] = [syscallsCommand, sysctlCommand, simCommand, logsCommand, runCommand];
