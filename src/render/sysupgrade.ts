// /etc/sysupgrade.conf: the files sysupgrade keeps besides /etc/config/* and what packages list
// in /lib/upgrade/keep.d (base-files' sysupgrade reads both, one path a line, `#` lines being
// comments). Everything the tool writes outside /etc/config would otherwise be lost at the next
// sysupgrade: chap-secrets, options.pptp, and in pppd mode the peer files, ip-up/ip-down, the
// init script and its /etc/rc.d link, the modules.d file. The tool keeps its list in its own
// managed block (blocks.ts); the admin's lines around it stay as they are.
import { blockBody, editBlocks } from './blocks.js';

export const SYSUPGRADE_CONF = '/etc/sysupgrade.conf';
/** The block's id: `# BEGIN pptp-fleet sysupgrade` … `# END pptp-fleet sysupgrade`. */
export const SYSUPGRADE_BLOCK = 'sysupgrade';

/**
 * The paths to list, from the files the tool manages on a router: absolute, outside
 * /etc/config (kept anyway), each once, sorted (a rerun with the same files writes nothing).
 * @example sysupgradeKeepPaths(['/etc/ppp/chap-secrets', '/etc/config/network']) // ['/etc/ppp/chap-secrets']
 */
export function sysupgradeKeepPaths(files: readonly string[]): string[] {
  const keep = new Set<string>();
  for (const f of files) {
    if (!f.startsWith('/') || /[\s#]/.test(f)) throw new Error(`internal error: not a path sysupgrade.conf can list: ${JSON.stringify(f)}`);
    if (f === '/etc/config' || f.startsWith('/etc/config/')) continue;
    keep.add(f);
  }
  return [...keep].sort();
}

/**
 * /etc/sysupgrade.conf with the tool's block listing FILES (see sysupgradeKeepPaths); no block
 * when nothing is left to keep. CURRENT is the file as it is ('' when absent). The block goes
 * at the end.
 * @example renderSysupgradeConf('## This file contains files and directories\n', ['/etc/ppp/chap-secrets'])
 * // '## This file …\n# BEGIN pptp-fleet sysupgrade\n/etc/ppp/chap-secrets\n# END pptp-fleet sysupgrade\n'
 */
export function renderSysupgradeConf(current: string, files: readonly string[]): string {
  const paths = sysupgradeKeepPaths(files);
  const body = paths.map((p) => `${p}\n`).join('');
  return editBlocks(current, {
    set: paths.length > 0 ? [{ id: SYSUPGRADE_BLOCK, body }] : [],
    remove: paths.length > 0 ? [] : [SYSUPGRADE_BLOCK],
    insertAt: (lines) => lines.length,
  });
}

/**
 * The paths the tool's block lists now (empty without a block).
 * @example keptByTool('# BEGIN pptp-fleet sysupgrade\n/etc/ppp/chap-secrets\n# END pptp-fleet sysupgrade\n') // ['/etc/ppp/chap-secrets']
 */
export function keptByTool(current: string): string[] {
  const body = blockBody(current, SYSUPGRADE_BLOCK);
  return body === null ? [] : body.split('\n').filter((l) => l.trim() !== '');
}
