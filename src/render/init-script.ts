// Boot script starting one tunnel (`start_on_boot`).
import type { InitStyle } from '../facts/types.js';
import type { TunnelSpec } from '../inventory/types.js';
import { shQuote } from '../shell/quote.js';
import { cidrToNetmask } from './ip-scripts.js';
import { MANAGED_HEADER } from './peer.js';
import { PPPD, pidFile } from '../remote/paths.js';

// pppd's pid file for a tunnel: defined with every router path in src/remote/paths.ts.
export { pidFile };

/** Shell lines adding a demand tunnel's routes once pppd has made its interface (the seed's on-demand section). */
function demandRoutes(t: TunnelSpec, indent: string): string[] {
  if (!t.demand || t.routes.length === 0) return [];
  const pf = shQuote(pidFile(t.name));
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

function stopLines(t: TunnelSpec, indent: string): string[] {
  const pf = shQuote(pidFile(t.name));
  // By its own pid file, never `killall pppd`: that would also end a PPPoE WAN link.
  return [`${indent}[ -f ${pf} ] && kill "$(head -n 1 ${pf})" 2>/dev/null`];
}

/**
 * The boot script of tunnel `t` (mode 755), ending in "\n".
 * White Russian (`sysv`, `/etc/init.d/S70pptp-office`, run with `start` by rcS):
 *
 *     #!/bin/sh
 *     # Managed by pptp-fleet — changes here are overwritten
 *     case "$1" in
 *       stop)
 *         [ -f /var/run/ppp-office.pid ] && kill "$(head -n 1 /var/run/ppp-office.pid)" 2>/dev/null
 *         ...
 *         ;;
 *       *)
 *         /usr/sbin/pppd call office
 *         ;;
 *     esac
 *
 * procd firmware (`/etc/init.d/pptp-office`, enabled with `/etc/init.d/pptp-office enable`):
 * an rc.common script with `START=70`, `start()` running `pppd call office` (pppd
 * daemonizes itself) and `stop()` killing the pid from its pid file.
 */
export function renderInitScript(t: TunnelSpec, style: InitStyle): string {
  const call = `${PPPD} call ${shQuote(t.name)}`;
  if (style === 'sysv') {
    return [
      '#!/bin/sh',
      MANAGED_HEADER,
      `# Starts PPTP tunnel ${t.name} at boot.`,
      'case "$1" in',
      '  stop)',
      ...stopLines(t, '    '),
      '    ;;',
      '  *)',
      `    ${call}`,
      ...demandRoutes(t, '    '),
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
    '',
    'start() {',
    `\t${call}`,
    ...demandRoutes(t, '\t'),
    '}',
    '',
    'stop() {',
    ...stopLines(t, '\t'),
    '\treturn 0',
    '}',
    '',
  ].join('\n');
}
