/** @module The reference interpreter on the executor case table. */

import { describe } from 'node:test';
import { runExecCases } from './exec.cases.js';
import { interpreter } from './interpret.js';

describe('interpret', () => runExecCases('interpreter', interpreter));
