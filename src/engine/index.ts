/** @module The engine's public API: filter stacks in linux and proposed modes, the kernel decisions, rings, and the --cases and STACK.json readers. */

export { FilterStack } from './stack.js';
export type { FilterStackOptions, LogLayerHandle, ProgramInput } from './stack.js';
export { prepareProgram, fromVerified, constantProgram } from './program.js';
export type { Executor, FilterProgram, InputSize } from './program.js';
export { evaluateLinux } from './linux-mode.js';
export { evaluateProposed, endsWalk, LAYER_IGNORE, LAYER_RING, LAYER_PASS } from './proposed-mode.js';
export type { SideEventStats } from './proposed-mode.js';
export { pickOutcome, takesPrecedence, decide, shouldLog, seccompUprobeException, recordCode, ACTION_ALLOW, SIGSYS, ENOSYS } from './decide.js';
export type { Decision, Effect, FilterResult, Outcome } from './decide.js';
export type { Evaluation, FilterEntry, LogDestination, LogEvent, LogLayerEntry, LogRecord, Mode, StackEntry } from './evaluation.js';
export {
  DEFAULT_ACTIONS_LOGGED,
  NO_ACTIONS_LOGGED,
  LOGGABLE_NAMES,
  actionsLoggedFromNames,
  actionsLoggedNames,
  formatActionsLogged,
  isLogged,
  parseActionsLoggedWrite,
} from './actions-logged.js';
export type { ActionsLogged } from './actions-logged.js';
export { FILTER_FLAGS, FLAG_LOG, checkFilterFlags, flagNames, flagsFromNames } from './filter-flags.js';
export type { FilterFlagName } from './filter-flags.js';
export { RingBuffer, DEFAULT_RING_CAPACITY } from './ring-buffer.js';
export type { RingItem } from './ring-buffer.js';
export { InputWords } from './input-words.js';
export { logDataWords, SECCOMP_LOG_DATA_SIZE, LOG_DATA_OFFSETS } from './log-data.js';
export { recordSinks, configChangeRecorded } from './audit-route.js';
export type { AuditState, RecordSink } from './audit-route.js';
export { readCases, readCase } from './cases.js';
export type { SimCase } from './cases.js';
export { parseStackFile } from './stack-file.js';
export type { StackFile, StackFileEntry } from './stack-file.js';
