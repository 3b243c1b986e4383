/** @module The verb registry: every command, in the order `--help` lists them. */

import type { Command } from '../command.js';
import { syscallsCommand } from './syscalls.js';
import { sysctlCommand } from './sysctl.js';

export const COMMANDS: readonly Command[] = [syscallsCommand, sysctlCommand];
