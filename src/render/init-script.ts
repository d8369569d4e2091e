// Boot script starting one tunnel (`start_on_boot`).
import type { InitStyle } from '../facts/types.js';
import type { TunnelSpec } from '../inventory/types.js';
import { shQuote } from '../shell/quote.js';
import { cidrToNetmask } from './ip-scripts.js';
import { MANAGED_HEADER } from './peer.js';
import { PPPD, pidFile } from '../remote/paths.js';
import { PROGRAMS } from '../remote/program.js';

// pppd's pid file for a tunnel: defined with every router path in src/remote/paths.ts.
export { pidFile };

/** Seconds `stop` waits for the tunnel's pppd to exit (it runs ip-down first). */
const STOP_WAIT_SEC = 10;

/** Shell lines adding a demand tunnel's routes once pppd has made its interface (the seed's on-demand section). */
function demandRoutes(t: TunnelSpec, indent: string, pppdVersion: string | null | undefined): string[] {
  if (!t.demand || t.routes.length === 0) return [];
  const pf = shQuote(pidFile(t.name, pppdVersion));
  return [
    `${indent}# demand: the routes must exist before the link is up, so they are set here (seed: on demand dial)`,
    `${indent}sleep 2`,
    `${indent}iface=$(sed -n 2p ${pf} 2>/dev/null)`,
    `${indent}[ -n "$iface" ] || iface=ppp0`,
    ...t.routes.map((cidr) => {
      const [net, mask] = cidrToNetmask(cidr);
      return `${indent}/sbin/route add -net ${shQuote(net)} netmask ${shQuote(mask)} "$iface"`;
    }),
  ];
}

function stopLines(t: TunnelSpec, indent: string, pppdVersion: string | null | undefined): string[] {
  const pf = shQuote(pidFile(t.name, pppdVersion));
  // By its own pid file, never `killall pppd`: that would also end a PPPoE WAN link. stop_pid
  // (src/remote/programs/pppd-pid.sh) signals it only while it is a live pppd.
  return [`${indent}stop_pid "$(head -n 1 ${pf} 2>/dev/null)" ${STOP_WAIT_SEC}`];
}

/** Seconds the boot script waits for the WAN's default route before starting pppd anyway. */
export const WAN_WAIT_SEC = 60;
/** Seconds pppd waits between attempts after a failure at boot (`holdoff`). */
export const BOOT_HOLDOFF_SEC = 10;

/**
 * wait_wan: up to WAN_WAIT_SEC for a default route (the WAN is up), from `route -n` (busybox on
 * every firmware). At boot the init scripts run before the WAN has its address; a pppd started
 * then fails its first attempt.
 */
const WAIT_WAN = [
  'wait_wan() {',
  '	_w=0',
  `	while [ "$_w" -lt ${WAN_WAIT_SEC} ]; do`,
  "		/sbin/route -n 2>/dev/null | grep -q '^0\\.0\\.0\\.0 ' && return 0",
  '		sleep 1; _w=$((_w + 1))',
  '	done',
  '	return 1',
  '}',
].join('\n');

/** pppd-pid.sh's functions (alive, wait_gone, stop_pid) as the boot script carries them. */
const PPPD_PID_FUNCTIONS = PROGRAMS['pppd-pid.sh'].trimEnd();

/**
 * The boot script of tunnel `t` (mode 755), ending in "\n", for a router whose pppd is
 * `pppdVersion` (facts.pppdVersion: where its pid files are; unknown counts as 2.4).
 * White Russian (`sysv`, `/etc/init.d/S70pptp-office`, run with `start` by rcS):
 *
 *     #!/bin/sh
 *     # Managed by pptp-fleet — changes here are overwritten
 *     alive() { ... }  wait_gone() { ... }  stop_pid() { ... }  wait_wan() { ... }
 *     case "$1" in
 *       stop)
 *         stop_pid "$(head -n 1 /var/run/ppp-office.pid 2>/dev/null)" 10
 *         ;;
 *       *)
 *         (
 *           wait_wan
 *           /usr/sbin/pppd call office persist maxfail 0 holdoff 10
 *         ) </dev/null >/dev/null 2>&1 &
 *         ;;
 *     esac
 *
 * procd firmware (`/etc/init.d/pptp-office`, enabled with `/etc/init.d/pptp-office enable`):
 * an rc.common script with `START=70`, `start()` running the same in the background (pppd
 * daemonizes itself) and `stop()` stopping the pid from its pid file (in /var/run/pppd with
 * pppd 2.5).
 */
export function renderInitScript(t: TunnelSpec, style: InitStyle, pppdVersion?: string | null): string {
  // In the background after the WAN, and kept up: options after `call NAME` win over the peer
  // file's, so the boot-time pppd retries for ever (`persist`, `maxfail 0`) every holdoff
  // seconds, whatever the peer says for the tool's own supervised attempts.
  const call = `${PPPD} call ${shQuote(t.name)} persist maxfail 0 holdoff ${BOOT_HOLDOFF_SEC}`;
  const start = (indent: string): string[] => [`${indent}(`, `${indent}  wait_wan`, `${indent}  ${call}`, ...demandRoutes(t, `${indent}  `, pppdVersion), `${indent}) </dev/null >/dev/null 2>&1 &`];
  if (style === 'sysv') {
    return [
      '#!/bin/sh',
      MANAGED_HEADER,
      `# Starts PPTP tunnel ${t.name} at boot.`,
      PPPD_PID_FUNCTIONS,
      WAIT_WAN.replace(/\t/g, '  '),
      'case "$1" in',
      '  stop)',
      ...stopLines(t, '    ', pppdVersion),
      '    ;;',
      '  *)',
      ...start('    '),
      '    ;;',
      'esac',
      'exit 0',
      '',
    ].join('\n');
  }
  return [
    '#!/bin/sh /etc/rc.common',
    MANAGED_HEADER,
    `# Starts PPTP tunnel ${t.name} at boot.`,
    'START=70',
    'STOP=30',
    PPPD_PID_FUNCTIONS,
    WAIT_WAN,
    '',
    'start() {',
    ...start('\t'),
    '}',
    '',
    'stop() {',
    ...stopLines(t, '\t', pppdVersion),
    '\treturn 0',
    '}',
    '',
  ].join('\n');
}
