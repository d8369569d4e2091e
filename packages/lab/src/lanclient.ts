// The "LAN client" check: would a packet from a client on the router's LAN to DEST be routed into
// a tunnel, forwarded by the router's firewall as it runs now, and masqueraded on the way out?
// Read from the router's simulated kernel state: its routes and interfaces, and its firewall —
// the iptables chains on White Russian and firewall3 (19.07/21.02), the zones firewall4 (22.03+)
// compiled on its last reload. Nothing here is forgiving: a rule the evaluator does not understand
// does not match, and a device in no zone meets the default forward policy (REJECT).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FIRMWARE_PROFILES, type FirewallKind } from './firmware.js';
import { parseCompiled } from './firewall-state.js';
import { readState } from './state.js';
import type { Firmware } from './types.js';

/** The kernel and firewall state of one router, as the lab keeps it under /lab/state. */
export interface RouterNetState {
  firewall: FirewallKind;
  /** The LAN device the client's packets arrive on (br0, br-lan). */
  lan: string;
  /** /lab/state/routes: "dest gw mask flags metric iface" per line. */
  routes: string;
  /** /lab/state/ifaces: "name encap hw addr peer/bcast mask flags mtu" per line. */
  ifaces: string;
  /** iptables/<table>.chains and .rules (White Russian, fw3). */
  iptables?: { filterChains: string; filterRules: string; natChains: string; natRules: string };
  /** fw/compiled (fw4). */
  compiled?: string;
}

export interface LanClientVerdict {
  dest: string;
  /** The device the route to DEST leaves by, null without a route. */
  device: string | null;
  /** That device is a point-to-point (PPP) tunnel interface that is up. */
  tunnel: boolean;
  forwarded: boolean;
  masqueraded: boolean;
  /** All of the above. */
  ok: boolean;
  /** Why not, in a sentence; '' when ok. */
  reason: string;
}

/** A LAN client's address (the lab LAN is 192.168.1.0/24, the router .1). */
export const LAN_CLIENT = '192.168.1.100';

function ipToInt(ip: string): number | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1, 5).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return (((parts[0] ?? 0) << 24) >>> 0) + ((parts[1] ?? 0) << 16) + ((parts[2] ?? 0) << 8) + (parts[3] ?? 0);
}

function maskBits(mask: number): number {
  let bits = 0;
  for (let m = mask; m & 0x80000000; m = (m << 1) >>> 0) bits++;
  return bits;
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split('/');
  const a = ipToInt(ip);
  const n = ipToInt(net ?? '');
  if (a === null || n === null) return false;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((n & mask) >>> 0);
}

/**
 * The device the kernel routes DEST by: the longest matching prefix, first one on a tie.
 * @example routeDevice('0.0.0.0 192.0.2.254 0.0.0.0 UG 0 eth1\n10.0.0.0 0.0.0.0 255.0.0.0 U 0 ppp0\n', '10.1.2.3') // 'ppp0'
 */
export function routeDevice(routes: string, dest: string): string | null {
  const d = ipToInt(dest);
  if (d === null) return null;
  let best: { bits: number; dev: string } | null = null;
  for (const line of routes.split('\n')) {
    const [net, , mask, flags, , dev] = line.trim().split(/\s+/);
    const n = ipToInt(net ?? '');
    const m = ipToInt(mask ?? '');
    if (n === null || m === null || !dev || !flags?.includes('U')) continue;
    if (((d & m) >>> 0) !== ((n & m) >>> 0)) continue;
    const bits = maskBits(m);
    if (!best || bits > best.bits) best = { bits, dev };
  }
  return best?.dev ?? null;
}

interface Packet {
  in: string;
  out: string;
  src: string;
  dst: string;
}

type Verdict = 'ACCEPT' | 'DROP' | 'RETURN' | 'MASQUERADE' | null;

function devMatches(pattern: string, dev: string): boolean {
  return pattern.endsWith('+') ? dev.startsWith(pattern.slice(0, -1)) : pattern === dev;
}

// Whether one canonical iptables rule (without its chain) matches a new TCP packet; its target.
function matchRule(rule: string, p: Packet): { matches: boolean; target: string | null } {
  const t = rule.split(/\s+/).filter((x) => x !== '');
  let target: string | null = null;
  let matches = true;
  for (let i = 0; i < t.length; i++) {
    let neg = false;
    let opt = t[i];
    if (opt === '!') {
      neg = true;
      opt = t[++i];
    }
    const arg = t[i + 1] ?? '';
    const test = (ok: boolean): void => {
      if (ok === neg) matches = false;
    };
    switch (opt) {
      case '-i':
        test(devMatches(arg, p.in));
        i++;
        break;
      case '-o':
        test(devMatches(arg, p.out));
        i++;
        break;
      case '-s':
        test(inCidr(p.src, arg));
        i++;
        break;
      case '-d':
        test(inCidr(p.dst, arg));
        i++;
        break;
      case '-p':
        test(arg === 'all' || arg === 'tcp' || arg === '6');
        i++;
        break;
      case '-j':
        target = arg;
        i = t.length;
        break;
      case '-m': {
        const mod = arg;
        i++;
        if (mod === 'comment') {
          if (t[i + 1] === '--comment') i += 2;
        } else if (mod === 'state' || mod === 'conntrack') {
          if (t[i + 1] === '--state' || t[i + 1] === '--ctstate') {
            test((t[i + 2] ?? '').split(',').includes('NEW'));
            i += 2;
          }
        } else if (mod === 'tcp') {
          // --tcp-flags and the like: a first SYN is what a new connection sends
        } else {
          matches = false;
        }
        break;
      }
      default:
        // an option this check does not understand: the rule does not match
        if (opt?.startsWith('-')) matches = false;
    }
  }
  return { matches, target };
}

function parseTable(chains: string, rules: string): { policy: Map<string, string>; rules: Map<string, string[]> } {
  const policy = new Map<string, string>();
  const byChain = new Map<string, string[]>();
  for (const line of chains.split('\n')) {
    const [name, pol] = line.trim().split(/\s+/);
    if (name && pol) policy.set(name, pol);
  }
  for (const line of rules.split('\n')) {
    const sp = line.indexOf(' ');
    const chain = sp < 0 ? line.trim() : line.slice(0, sp);
    if (!chain) continue;
    const list = byChain.get(chain) ?? [];
    list.push(sp < 0 ? '' : line.slice(sp + 1));
    byChain.set(chain, list);
  }
  return { policy, rules: byChain };
}

// Runs CHAIN of a table for the packet; null when it fell off the end of a user chain.
function runChain(table: ReturnType<typeof parseTable>, chain: string, p: Packet, depth = 0): Verdict {
  if (depth > 32) return 'DROP';
  for (const rule of table.rules.get(chain) ?? []) {
    const { matches, target } = matchRule(rule, p);
    if (!matches || !target) continue;
    if (target === 'ACCEPT') return 'ACCEPT';
    if (target === 'DROP' || target === 'REJECT') return 'DROP';
    if (target === 'RETURN') return 'RETURN';
    if (target === 'MASQUERADE' || target === 'SNAT') return 'MASQUERADE';
    if (table.policy.has(target)) {
      const v = runChain(table, target, p, depth + 1);
      if (v !== null && v !== 'RETURN') return v;
    }
    // LOG, TCPMSS, MARK...: not terminating
  }
  return null;
}

function builtinVerdict(table: ReturnType<typeof parseTable>, chain: string, p: Packet): string {
  const v = runChain(table, chain, p);
  if (v === null || v === 'RETURN') return table.policy.get(chain) ?? 'ACCEPT';
  return v;
}

/**
 * The check on a router's state (see labLanClientCheck).
 * @example lanClientCheck(state, '10.20.0.5').ok
 */
export function lanClientCheck(state: RouterNetState, dest: string): LanClientVerdict {
  const out: LanClientVerdict = { dest, device: null, tunnel: false, forwarded: false, masqueraded: false, ok: false, reason: '' };
  out.device = routeDevice(state.routes, dest);
  if (!out.device) return { ...out, reason: `no route to ${dest}` };
  const iface = state.ifaces.split('\n').find((l) => l.split(/\s+/)[0] === out.device);
  out.tunnel = !!iface && iface.split(/\s+/)[1] === 'PPP' && /(^|,)UP(,|$)/.test(iface.split(/\s+/)[6] ?? '');
  if (!out.tunnel) return { ...out, reason: `the route to ${dest} leaves by ${out.device}, not a tunnel` };
  const p: Packet = { in: state.lan, out: out.device, src: LAN_CLIENT, dst: dest };
  if (state.firewall === 'fw4') {
    const c = parseCompiled(state.compiled ?? '');
    const srcZone = c.zones.find((z) => z.devices.includes(p.in));
    const destZones = c.zones.filter((z) => z.devices.includes(p.out));
    if (srcZone && c.forwardings.some((f) => f.src === srcZone.name && destZones.some((z) => z.name === f.dest))) out.forwarded = true;
    else if (srcZone && destZones.some((z) => z.name === srcZone.name)) out.forwarded = srcZone.forward === 'ACCEPT';
    else out.forwarded = (c.defaults['forward'] ?? 'REJECT') === 'ACCEPT';
    out.masqueraded = destZones.some((z) => z.masq);
    if (!out.forwarded) {
      out.reason = destZones.length === 0 ? `${p.out} is in no firewall zone: the forward chain rejects it` : `no forwarding from ${srcZone?.name ?? 'the LAN zone'} to zone ${destZones.map((z) => z.name).join('/')}`;
    } else if (!out.masqueraded) out.reason = `no zone of ${p.out} masquerades`;
  } else {
    const t = state.iptables;
    if (!t) return { ...out, reason: 'no iptables state' };
    const filter = parseTable(t.filterChains, t.filterRules);
    const nat = parseTable(t.natChains, t.natRules);
    out.forwarded = builtinVerdict(filter, 'FORWARD', p) === 'ACCEPT';
    out.masqueraded = builtinVerdict(nat, 'POSTROUTING', p) === 'MASQUERADE';
    if (!out.forwarded) out.reason = `the FORWARD chain drops LAN traffic to ${p.out}`;
    else if (!out.masqueraded) out.reason = `nothing in POSTROUTING masquerades traffic to ${p.out}`;
  }
  out.ok = out.tunnel && out.forwarded && out.masqueraded;
  return out;
}

async function readOr(path: string, fallback = ''): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return fallback;
  }
}

/**
 * Reads a router's state from its rootfs (the host path of its `/`).
 * @example await routerNetState('/tmp/lab/routers/r001/root', 'openwrt')
 */
export async function routerNetState(rootfs: string, firmware: Firmware): Promise<RouterNetState> {
  const p = FIRMWARE_PROFILES[firmware];
  const s = (f: string): string => join(rootfs, 'lab', 'state', f);
  const state: RouterNetState = { firewall: p.firewall, lan: p.lan, routes: await readOr(s('routes')), ifaces: await readOr(s('ifaces')) };
  if (p.firewall === 'fw4') state.compiled = await readOr(s('fw/compiled'));
  else {
    state.iptables = {
      filterChains: await readOr(s('iptables/filter.chains')),
      filterRules: await readOr(s('iptables/filter.rules')),
      natChains: await readOr(s('iptables/nat.chains')),
      natRules: await readOr(s('iptables/nat.rules')),
    };
  }
  return state;
}

/**
 * Would a LAN client of lab router HOST reach DEST through a tunnel: routed into a PPP
 * interface, forwarded by the firewall as it runs now (iptables on White Russian and fw3, the
 * zones fw4 compiled on its last reload), and masqueraded?
 * @example const v = await labLanClientCheck('/tmp/lab1', 'r001', '10.20.0.5'); if (!v.ok) console.log(v.reason);
 */
export async function labLanClientCheck(dir: string, host: string, dest: string): Promise<LanClientVerdict> {
  const state = await readState(resolve(dir));
  const router = state.routers.find((r) => r.name === host);
  if (!router) throw new Error(`no router ${host} in the lab in ${resolve(dir)}`);
  return lanClientCheck(await routerNetState(router.rootfs, router.firmware), dest);
}
