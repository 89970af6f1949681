import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the folder holding package.json, found from this module (works from src/ and dist/). */
export const PACKAGE_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
})();

export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}

/** The shared data folder: $MEDICAL_NER_SHARED, else ../shared/data beside the package. */
export function sharedDataDir(): string {
  return process.env.MEDICAL_NER_SHARED ?? resolve(PACKAGE_ROOT, '..', 'shared', 'data');
}
