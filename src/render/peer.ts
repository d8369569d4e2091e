// /etc/ppp/peers/NAME: everything pppd needs to know about one tunnel (`pppd call NAME`).
import type { Facts } from '../facts/types.js';
import type { TunnelSpec } from '../inventory/types.js';
import { mppeDialect, pptpTransport, tunnelIfname } from '../plan/firmware.js';
import { shQuote } from '../shell/quote.js';
import { mppeLines } from './mppe.js';
import { pppdQuote } from './pppd-words.js';

export const PEERS_DIR = '/etc/ppp/peers';
export const OPTIONS_PPTP = '/etc/ppp/options.pptp';
export const MANAGED_HEADER = '# Managed by pptp-fleet — changes here are overwritten';

export const peerPath = (name: string): string => `${PEERS_DIR}/${name}`;

/**
 * The peer file of `tunnel` (mode 600), ending in "\n". On White Russian (pptp binary, ppp 2.4.3):
 *
 *     # Managed by pptp-fleet — changes here are overwritten
 *     pty "pptp 198.51.100.1 --nolaunchpppd"
 *     file /etc/ppp/options.pptp
 *     mppe required,no40,no56,stateless
 *     name LAB\\fleet
 *     remotename office
 *     ipparam office
 *     linkname office
 *     refuse-eap
 *
 * On OpenWrt 24.10 (pptp.so plugin, ppp 2.5) the transport is `plugin pptp.so` +
 * `pptp_server 198.51.100.1` and MPPE reads `require-mppe-128` + `nomppe-stateful`.
 * `file /etc/ppp/options.pptp` comes before the tunnel's own options so they win over the
 * shared ones (pppd: the last setting of an option counts). `defaultroute` goes with
 * `replacedefaultroute`: the latter is only a flag to the former.
 */
export function renderPeer(tunnel: TunnelSpec, facts: Facts): string {
  const lines = [MANAGED_HEADER];
  if (pptpTransport(facts) === 'pty') {
    lines.push(`pty ${pppdQuote(`pptp ${shQuote(tunnel.server)} --nolaunchpppd`)}`);
  } else {
    lines.push('plugin pptp.so', `pptp_server ${pppdQuote(tunnel.server)}`);
  }
  lines.push(`file ${OPTIONS_PPTP}`);
  if (tunnel.mppe) lines.push(...mppeLines(tunnel.mppe, mppeDialect(facts)));
  lines.push(
    `name ${pppdQuote(tunnel.username)}`,
    `remotename ${pppdQuote(tunnel.name)}`,
    `ipparam ${pppdQuote(tunnel.name)}`,
    `linkname ${pppdQuote(tunnel.name)}`,
  );
  // fw3/fw4: the interface its firewall zone names (OpenWrt's pppd; White Russian's has no ifname).
  const ifname = tunnelIfname(tunnel, facts);
  if (ifname !== null) lines.push(`ifname ${pppdQuote(ifname)}`);
  if (tunnel.defaultRoute === 'replace') lines.push('defaultroute', 'replacedefaultroute');
  if (tunnel.refuseEap) lines.push('refuse-eap');
  if (tunnel.lcpEchoInterval !== undefined) lines.push(`lcp-echo-interval ${tunnel.lcpEchoInterval}`);
  if (tunnel.lcpEchoFailure !== undefined) lines.push(`lcp-echo-failure ${tunnel.lcpEchoFailure}`);
  if (tunnel.persist) lines.push('persist');
  if (tunnel.demand) lines.push('demand');
  if (tunnel.idle !== undefined) lines.push(`idle ${tunnel.idle}`);
  for (const extra of tunnel.extraOptions) lines.push(...extra.split('\n').filter((l) => l.trim() !== ''));
  return lines.join('\n') + '\n';
}
