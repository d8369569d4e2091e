// The version is package.json's, read at run time: one place to bump, and `pptp-fleet --version`
// says what npm installed. (src/ and dist/ both sit one level below package.json.)
import { readFileSync } from 'node:fs';

/** package.json's `version`. @example packageVersion() // '0.1.0' */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error('package.json has no version');
  return pkg.version;
}
