// /etc/ppp/ip-up and /etc/ppp/ip-down: the seed's `case "$6" in` scripts, one managed arm
// per tunnel (pppd passes the peer's `ipparam` as $6), arms people wrote kept verbatim.
//
// pppd runs these with a restricted PATH (commands not found exit 127 silently, says the
// seed), so every command has its full path. Each command is logged to /var/log/ppp with its
// exit status, like the seed's example scripts. Values are shell-quoted.
import type { TunnelSpec } from '../inventory/types.js';
import type { FirewallChains } from '../plan/firmware.js';
import { shQuote } from '../shell/quote.js';
import { bare, beginMarker, editBlocks, endMarker, findBlocks, splitLines, wrapBlock } from './blocks.js';

export const IP_UP = '/etc/ppp/ip-up';
export const IP_DOWN = '/etc/ppp/ip-down';
export const LOGFILE = '/var/log/ppp';
const IPTABLES = '/usr/sbin/iptables';
const ROUTE = '/sbin/route';
/** Block id of the `case` we add to a script whose shape we do not recognise. */
export const DISPATCH_BLOCK = 'dispatch';
export const CREATED_MARK = '# pptp-fleet: created this file; arms between BEGIN/END pptp-fleet markers are managed';

export type IpScriptKind = 'up' | 'down';

/** What the arms need to know about the router. */
export interface RouteContext {
  /** iptables chains for the forward/masquerade lines, null on a UCI firewall (fw3/fw4: a zone does it). */
  chains: FirewallChains | null;
  /**
   * The WAN gateway and device known when planning (facts, or what our ip-up used last): only a
   * fallback, ip-up reads the routing table's WAN default route when it runs.
   */
  wanGateway: string | null;
  wanDevice: string | null;
  /** The inventory's `wan_gateway` for the host: used as is, never looked up at run time. */
  fixedGateway?: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** `10.20.0.0/16` → [`10.20.0.0`, `255.255.0.0`]. */
export function cidrToNetmask(cidr: string): [string, string] {
  const [net, bitsText] = cidr.split('/');
  const bits = bitsText === undefined ? 32 : parseInt(bitsText, 10);
  if (!net || !IPV4.test(net) || !(bits >= 0 && bits <= 32)) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const m = [24, 16, 8, 0].map((s) => (mask >>> s) & 255).join('.');
  return [net, m];
}

const AWK = '/usr/bin/awk';
const NSLOOKUP = '/usr/bin/nslookup';
/**
 * Prints "GATEWAY DEVICE" of the routing table's first default route (busybox `route -n`) that
 * is not via this tunnel ($1, as t) nor another pppd tunnel (pppN, pptp-NAME).
 */
const WAN_AWK = `$1=="0.0.0.0" && $3=="0.0.0.0" && $8!=t && $8!~/^ppp[0-9]+$/ && $8!~/^pptp-/ {print $2, $8; exit}`;
/** Prints the first IPv4 address of the answer in busybox nslookup's output (old and new format). */
const NSLOOKUP_AWK = `/^Name:/{n=1} n&&/^Address/{for(i=2;i<=NF;i++)if($i~/^[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+$/){print $i;exit}}`;

/** Shell of one arm (the lines between `NAME)` and `;;`), indented two spaces. */
export function armBody(kind: IpScriptKind, t: TunnelSpec, ctx: RouteContext): string[] {
  const up = kind === 'up';
  const out = [
    `  # tunnel ${t.name}: managed by pptp-fleet — changes here are overwritten`,
    `  pf_run() { "$@"; echo " $? $*" >> ${LOGFILE}; }`,
  ];
  const serverRoute = (): string[] => {
    const fixed = t.wanGateway ?? ctx.fixedGateway;
    const lines = [
      fixed
        ? '  # host route to the VPN server through the WAN (wan_gateway), so the tunnel never carries itself (seed: route loop)'
        : '  # host route to the VPN server through the WAN gateway of the moment, so the tunnel never carries itself (seed: route loop)',
    ];
    let via: string;
    if (fixed) {
      via = [`gw ${shQuote(fixed)}`, ...(ctx.wanDevice ? [`dev ${shQuote(ctx.wanDevice)}`] : [])].join(' ');
    } else {
      // Read when ip-up runs (a DHCP or PPPoE renewal may have moved the gateway since planning);
      // the planning-time one only when the table has no WAN default (replacedefaultroute swapped it).
      lines.push(`  pf_wan=$(${ROUTE} -n 2>/dev/null | ${AWK} -v t="$1" ${shQuote(WAN_AWK)})`);
      if (ctx.wanGateway) lines.push(`  [ -n "$pf_wan" ] || pf_wan=${shQuote(`${ctx.wanGateway} ${ctx.wanDevice ?? '-'}`)}`);
      lines.push('  pf_gw=${pf_wan%% *}; pf_dev=${pf_wan#* }');
      via = '$pf_via';
      lines.push('  pf_via="gw $pf_gw"; [ "$pf_gw" = 0.0.0.0 ] && pf_via=; [ "$pf_dev" = - ] || pf_via="$pf_via dev $pf_dev"');
      lines.push(`  [ -n "$pf_wan" ] || echo " no WAN default route now nor at planning: no host route to ${t.server}" >> ${LOGFILE}`);
    }
    const have = fixed ? '' : '[ -n "$pf_wan" ] && ';
    let server = shQuote(t.server);
    if (!IPV4.test(t.server)) {
      lines.push(
        `  pf_srv=$(${NSLOOKUP} ${shQuote(t.server)} 2>/dev/null | ${AWK} ${shQuote(NSLOOKUP_AWK)})`,
        `  [ -n "$pf_srv" ] || echo " cannot resolve ${t.server}: no server route" >> ${LOGFILE}`,
      );
      server = '"$pf_srv"';
      const guard = `${have}[ -n "$pf_srv" ] && `;
      if (up) {
        lines.push(`  [ "$5" = "$pf_srv" ] && pf_run ${ROUTE} del -host "$5" dev "$1"`);
        lines.push(`  ${guard}pf_run ${ROUTE} add -host ${server} ${via}`);
      } else lines.push(`  [ -n "$pf_srv" ] && pf_run ${ROUTE} del -host ${server}`);
      return up ? lines : [lines[0] as string, ...lines.filter((l) => l.includes('pf_srv'))];
    }
    // pppd's own host route to the peer goes through the tunnel when the peer is the server.
    if (up) {
      lines.push(`  [ "$5" = ${server} ] && pf_run ${ROUTE} del -host "$5" dev "$1"`);
      lines.push(`  ${have}pf_run ${ROUTE} add -host ${server} ${via}`);
      return lines;
    }
    // ip-down removes it by destination: the gateway may have changed since ip-up.
    return [lines[0] as string, `  pf_run ${ROUTE} del -host ${server}`];
  };
  const fw = (add: boolean): string[] => {
    const c = ctx.chains;
    const lines: string[] = [];
    if (c === null) return lines;
    const f = (add ? c.forwardAdd : c.forwardDel).join(' ');
    const n = (add ? c.natAdd : c.natDel).join(' ');
    if (t.forward.outbound) lines.push(`  pf_run ${IPTABLES} ${f} -o "$1" -j ACCEPT`);
    if (t.forward.inbound) lines.push(`  pf_run ${IPTABLES} ${f} -i "$1" -j ACCEPT`);
    if (t.masquerade) lines.push(`  pf_run ${IPTABLES} ${n} -o "$1" -j MASQUERADE`);
    return lines;
  };
  const routes = (): string[] => {
    if (t.routes.length === 0) return [];
    if (t.demand) return ['  # demand: the routes are set by the boot script (they must exist before the link is up)'];
    return t.routes.map((cidr) => {
      const [net, mask] = cidrToNetmask(cidr);
      // The seed: `route add -net N netmask M $1`, removed with `route del -net N netmask M`.
      return up ? `  pf_run ${ROUTE} add -net ${shQuote(net)} netmask ${shQuote(mask)} "$1"` : `  pf_run ${ROUTE} del -net ${shQuote(net)} netmask ${shQuote(mask)}`;
    });
  };
  if (up) out.push(...serverRoute(), ...fw(true), ...routes());
  else out.push(...routes(), ...fw(false), ...serverRoute());
  out.push('  ;;');
  return out;
}

/** The managed arm with its markers: ` # BEGIN pptp-fleet NAME` / ` NAME)` / ... / ` # END ...`. */
export function armBlockBody(kind: IpScriptKind, t: TunnelSpec, ctx: RouteContext): string {
  return [` ${t.name})`, ...armBody(kind, t, ctx)].join('\n') + '\n';
}

/**
 * A fresh ip-up/ip-down with no arms yet (we add ours after the `case` line):
 *
 *     #!/bin/sh
 *     # parameters
 *     # $1 the interface name used by pppd (e.g. ppp3)
 *     ...
 *     # $6 the parameter specified by the 'ipparam' option to pppd
 *     # pptp-fleet: created this file; ...
 *
 *     logfile=/var/log/ppp
 *     echo "`/bin/date` $0 $1 $2 $3 $4 $5 $6" >> $logfile
 *
 *     case "$6" in
 *      *)
 *     esac
 *     exit 0
 */
export function emptyIpScript(): string {
  return [
    '#!/bin/sh',
    '# parameters',
    '# $1 the interface name used by pppd (e.g. ppp3)',
    '# $2 the tty device name',
    '# $3 the tty device speed',
    '# $4 the local IP address for the interface',
    '# $5 the remote IP address',
    "# $6 the parameter specified by the 'ipparam' option to pppd",
    CREATED_MARK,
    '',
    `logfile=${LOGFILE}`,
    'echo "`/bin/date` $0 $1 $2 $3 $4 $5 $6" >> $logfile',
    '',
    'case "$6" in',
    ' *)',
    'esac',
    'exit 0',
    '',
  ].join('\n');
}

const CASE_LINE = /^[ \t]*case[ \t]+("\$6"|\$6|"\$\{6\}"|\$\{6\})[ \t]+in[ \t]*(#.*)?$/;

/**
 * ip-up or ip-down with an arm for each of `tunnels`, arms of `remove` taken out, and
 * everything else kept verbatim. The arms go right after the script's `case "$6" in`
 * line (before any `*)`); a script without one keeps all its lines and gets our own
 * `case` block after its shebang and leading comments, so it runs before anything
 * that could `exit`. `existing` null: the file does not exist.
 */
export function renderIpScript(
  kind: IpScriptKind,
  existing: string | null,
  tunnels: TunnelSpec[],
  remove: string[],
  ctx: RouteContext,
): string {
  let text = existing === null || existing.trim() === '' ? emptyIpScript() : existing;
  const set = tunnels.map((t) => ({ id: t.name, body: armBlockBody(kind, t, ctx) }));
  let lines = splitLines(text);
  const caseAt = lines.findIndex((l) => CASE_LINE.test(bare(l)));
  if (caseAt < 0 && set.length > 0) {
    // Not our shape: keep it all, add a dispatch block of our own.
    if (!text.startsWith('#!')) text = '#!/bin/sh\n' + text;
    if (!text.endsWith('\n')) text += '\n';
    lines = splitLines(text);
    let at = 1;
    while (at < lines.length && /^[ \t]*#/.test(lines[at] ?? '')) at++;
    const dispatch = wrapBlock(DISPATCH_BLOCK, 'case "$6" in\nesac\n');
    lines.splice(at, 0, ...splitLines(dispatch));
    text = lines.join('');
  }
  text = editBlocks(text, {
    set,
    remove,
    insertAt: (l) => {
      const i = l.findIndex((x) => CASE_LINE.test(bare(x)));
      return i < 0 ? l.length : i + 1;
    },
    indent: ' ',
  });
  return dropEmptyDispatch(text);
}

/** Our dispatch block once it holds no arms is taken out again. */
function dropEmptyDispatch(text: string): string {
  const lines = splitLines(text);
  const d = findBlocks(lines).find((s) => s.id === DISPATCH_BLOCK);
  if (!d) return text;
  const inner = lines.slice(d.begin + 1, d.end).map(bare);
  if (inner.every((l) => /^[ \t]*(case "\$6" in|esac)[ \t]*$/.test(l))) {
    lines.splice(d.begin, d.end - d.begin + 1);
    return lines.join('');
  }
  return text;
}

/** True when `text` is only what pptp-fleet created: safe to delete the file. */
export function isOnlyOurs(text: string): boolean {
  return text === emptyIpScript();
}

export { beginMarker, endMarker };
