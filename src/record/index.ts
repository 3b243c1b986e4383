/** @module The recorder's public API: collect what a run did and turn it into a profile that allows exactly that. */

export { Recorder, recordedPolicy } from './recording.js';
export type { Recording, UnnamedSyscall } from './recording.js';
