/** @module Where this package is installed: the directory holding its package.json, found from this module's own location. */

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeccompTraceError } from '../errors.js';

let cached: string | undefined;

/** The package root (the addon is under build/, bundled profiles under profiles/). */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  const here = fileURLToPath(import.meta.url);
  let d = dirname(here);
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new SeccompTraceError({ code: 'linux/no-package-root', message: `no package.json above ${here}`, hint: 'reinstall seccomptrace (npm install)' });
    d = up;
  }
  cached = d;
  return d;
}
