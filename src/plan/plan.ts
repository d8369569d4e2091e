// The planner: (playbook step, host, facts) → changes. Pure and synchronous: no I/O, so
// `--check --diff` prints exactly what apply would do. Idempotency lives here: a file whose
// content, mode and symlink state already match produces no change.
import { HostError } from '../errors.js';
import { restartMarkerPath } from '../remote/paths.js';
import type { Facts, UciSectionFact } from '../facts/types.js';
import type { HostSpec, TunnelSpec } from '../inventory/types.js';
import type { PlaybookStep } from '../playbook/types.js';
import { blockBody } from '../render/blocks.js';
import { CHAP_SECRETS, chapSecretLine, SecretFormatError } from '../render/chap-secrets.js';
import { renderInitScript } from '../render/init-script.js';
import { IP_DOWN, IP_UP, isOnlyOurs, renderIpScript, type IpScriptKind, type RouteContext } from '../render/ip-scripts.js';
import { removeFromEtcModules, renderEtcModules, renderModulesD } from '../render/modules.js';
import { OPTIONS_PPTP, peerPath, renderPeer } from '../render/peer.js';
import { removeFromOptionsPptp, renderOptionsPptp } from '../render/options-pptp.js';
import { FIREWALL_CONFIG, FIREWALL_RELOAD, LAN_ZONE, firewallSections, tunnelSections } from '../render/firewall.js';
import { uciChanges } from '../resources/uci.js';
import { blockChanges } from '../resources/managed-block.js';
import { currentContent, fileChanges, fileFact, type DesiredFile, type MaskSpec } from '../resources/file.js';
import { moduleChanges } from '../resources/module.js';
import { packageChanges } from '../resources/package.js';
import { ResourceError } from '../resources/problem.js';
import {
  ETC_MODULES,
  MODULES_D_FILE,
  firewallChains,
  initScriptPath,
  mppeDialect,
  rcdLinkPath,
  requiredModules,
  requiredPackages,
  tunnelIfname,
  unsupportedFirmware,
  usesUciFirewall,
} from './firmware.js';
import type { Change } from './types.js';

/**
 * Every path the planner reads from `facts.files` for these tunnels: the facts gatherer
 * must report each (type, mode, md5, and content for the text files we edit), or plans
 * are not idempotent (e.g. an rc.d link never seen is enabled on every run).
 */
export function plannerPaths(tunnelNames: string[]): string[] {
  return [
    CHAP_SECRETS,
    OPTIONS_PPTP,
    IP_UP,
    IP_DOWN,
    ETC_MODULES,
    MODULES_D_FILE,
    ...tunnelNames.flatMap((n) => [peerPath(n), `/etc/init.d/S70pptp-${n}`, `/etc/init.d/pptp-${n}`, rcdLinkPath(n), restartMarkerPath(n)]),
  ];
}

/**
 * Changes that bring `host` to the state `step` asks for. Runtime steps (tunnels-up, verify,
 * tunnels-down) have none: the engine runs them. Tunnels with `state: absent` are taken out
 * by every step that owns some of their files. Throws HostError when the router cannot be
 * brought there (no package manager, a password pppd cannot read, content not gathered).
 */
export function planStep(step: PlaybookStep, host: HostSpec, facts: Facts): Change[] {
  // Before any change, packages included: nothing this tool writes would work there.
  const unsupported = unsupportedFirmware(facts);
  if (unsupported !== null) throw new HostError(host.name, step.kind, unsupported, 'failed');
  try {
    switch (step.kind) {
      case 'packages':
        return packageChanges({ packages: requiredPackages(facts) }, facts);
      case 'modules':
        return planModules(host, facts, step.encryption);
      case 'pppd-files':
        return planPppdFiles(host, facts);
      case 'routing':
        return planRouting(host, facts);
      case 'boot':
        return planBoot(host, facts);
      case 'remove':
        return planRemove(host, facts);
      case 'tunnels-up':
      case 'verify':
      case 'tunnels-down':
        return [];
    }
  } catch (err) {
    if (err instanceof ResourceError || err instanceof SecretFormatError) {
      throw new HostError(host.name, step.kind, err.message, 'failed', { cause: err });
    }
    throw err;
  }
}

const present = (host: HostSpec): TunnelSpec[] => host.tunnels.filter((t) => t.state === 'present');
const absent = (host: HostSpec): TunnelSpec[] => host.tunnels.filter((t) => t.state === 'absent');

/** Passwords of every tunnel, to mask in diffs wherever they appear. */
const secretsOf = (host: HostSpec): string[] => host.tunnels.map((t) => t.password.reveal());
const maskFor = (host: HostSpec, chap = false): MaskSpec => ({ chapSecrets: chap, secrets: secretsOf(host) });

/** `what: missing` / `what: out of date` for a file about to be written. */
function why(facts: Facts, path: string, what: string): string {
  const f = fileFact(facts, path);
  return `${what}: ${f.type === 'missing' ? 'missing' : f.type === 'symlink' ? 'a symlink' : 'out of date'}`;
}

function mustRead(facts: Facts, path: string): string | null {
  const c = currentContent(facts, path);
  if (c === undefined) throw new ResourceError(`${path}: its content was not gathered, cannot plan its changes`);
  return c;
}

function tagged(changes: Change[], tunnels: string[]): Change[] {
  if (tunnels.length === 0) return changes;
  return changes.map((c) => (c.kind === 'write-file' || c.kind === 'delete-file' ? { ...c, tunnels } : c));
}

function stopIfRunning(facts: Facts, names: string[], reason: string): Change[] {
  return names
    .filter((n) => facts.pppd.some((p) => p.linkname === n && p.alive))
    .map((n): Change => ({ kind: 'tunnel-stop', resource: 'tunnel', target: n, reason }));
}

function planModules(host: HostSpec, facts: Facts, encryption: boolean): Change[] {
  // MPPE needs its modules whatever the playbook says.
  const mods = requiredModules(facts, encryption || present(host).some((t) => t.mppe !== false));
  const changes: Change[] = [];
  if (facts.modulesConfig === 'etc-modules') {
    const before = mustRead(facts, ETC_MODULES) ?? '';
    const after = renderEtcModules(before, mods);
    changes.push(...fileChanges({ path: ETC_MODULES, state: 'present', content: after, mode: fileFact(facts, ETC_MODULES).mode ?? '644', reason: why(facts, ETC_MODULES, 'PPP modules to load at boot') }, facts));
  } else {
    changes.push(...fileChanges({ path: MODULES_D_FILE, state: 'present', content: renderModulesD(mods), mode: '644', reason: why(facts, MODULES_D_FILE, 'PPP/PPTP modules to load at boot') }, facts));
  }
  changes.push(...moduleChanges({ modules: mods }, facts));
  return changes;
}

/** One tunnel's block in a text, for telling which tunnels a rewrite touches. */
function changedBlocks(before: string | null, after: string, names: string[]): string[] {
  return names.filter((n) => blockBody(before ?? '', n) !== blockBody(after, n));
}

function planPppdFiles(host: HostSpec, facts: Facts): Change[] {
  const on = present(host);
  const off = absent(host);
  const changes: Change[] = [...stopIfRunning(facts, off.map((t) => t.name), 'tunnel is absent from the inventory')];
  const mask = maskFor(host);
  for (const t of on) {
    const path = peerPath(t.name);
    changes.push(...tagged(fileChanges({ path, state: 'present', content: renderPeer(t, facts), mode: '600', reason: why(facts, path, `peer file of tunnel ${t.name}`), mask }, facts), [t.name]));
  }
  for (const t of off) {
    changes.push(...tagged(fileChanges({ path: peerPath(t.name), state: 'absent', reason: `tunnel ${t.name} is absent`, mask }, facts), [t.name]));
  }
  changes.push(...planChapSecrets(host, facts, on, off.map((t) => t.name)));
  if (on.length > 0) changes.push(...planOptionsPptp(host, facts, on));
  return changes;
}

function planChapSecrets(host: HostSpec, facts: Facts, on: TunnelSpec[], remove: string[]): Change[] {
  const before = mustRead(facts, CHAP_SECRETS);
  const blocks = on.map((t) => ({ id: t.name, body: chapSecretLine(t, t.password.reveal()) }));
  const changes = blockChanges(
    { path: CHAP_SECRETS, mode: '600', blocks, remove, insert: 'before-first-record', reason: why(facts, CHAP_SECRETS, `secrets of ${on.map((t) => t.name).join(', ') || 'removed tunnels'}`), mask: maskFor(host, true) },
    facts,
  );
  return changes.map((c) => (c.kind === 'write-file' ? { ...c, tunnels: changedBlocks(before, c.content, [...on.map((t) => t.name), ...remove]) } : c));
}

function planOptionsPptp(host: HostSpec, facts: Facts, on: TunnelSpec[]): Change[] {
  const before = mustRead(facts, OPTIONS_PPTP);
  const r = renderOptionsPptp(before, host.pppOptions, mppeDialect(facts));
  const reason = [why(facts, OPTIONS_PPTP, 'options shared by all tunnels'), ...r.notes].join('; ');
  const mode = fileFact(facts, OPTIONS_PPTP).mode ?? '644';
  return tagged(fileChanges({ path: OPTIONS_PPTP, state: 'present', content: r.content, mode, reason, mask: maskFor(host) }, facts), on.map((t) => t.name));
}

/**
 * The WAN gateway and device the servers' host routes go through: the inventory's wan_gateway,
 * else the routing table's default route not via a tunnel, else, when the table has no WAN
 * default at all, the ones our ip-up already uses. That last case is a tunnel with
 * `default_route: replace` that is up: pppd has replaced the WAN default route, and forgetting
 * the gateway would plan an ip-up without the server's host route (the route loop the seed warns
 * about) on the very next run.
 */
function routeContext(host: HostSpec, facts: Facts): RouteContext {
  const noWan = facts.wan.gateway === null && facts.wan.device === null;
  const known = noWan ? (lastWanOfIpUp(currentContent(facts, IP_UP)) ?? facts.wan) : facts.wan;
  const ctx: RouteContext = { chains: firewallChains(facts), wanGateway: known.gateway, wanDevice: known.device };
  if (host.wanGateway !== undefined) ctx.fixedGateway = host.wanGateway;
  return ctx;
}

/**
 * Gateway and device of the first server host route in our own ip-up blocks (the planning-time
 * fallback `pf_wan='GW DEV'`, or a fixed `route add -host ... gw GW`), or null.
 * @example lastWanOfIpUp('  # host route to the VPN server through the WAN, ...\n  pf_run /sbin/route add -host 198.51.100.1 gw 192.0.2.254 dev vlan1\n')
 * // → { gateway: '192.0.2.254', device: 'vlan1' }
 */
export function lastWanOfIpUp(content: string | null | undefined): { gateway: string; device: string | null } | null {
  if (!content) return null;
  const lines = content.split('\n');
  for (let i = 0; i < lines.length - 1; i++) {
    if (!lines[i]!.includes('# host route to the VPN server through the WAN')) continue;
    for (const l of lines.slice(i + 1, i + 5)) {
      const f = /pf_wan='(\d{1,3}(?:\.\d{1,3}){3}) ([A-Za-z0-9_.@-]+)'/.exec(l);
      if (f?.[1]) return { gateway: f[1], device: f[2] === '-' ? null : (f[2] ?? null) };
      const m = /route add -host \S+ gw '?(\d{1,3}(?:\.\d{1,3}){3})'?(?: dev '?([A-Za-z0-9_.@-]+)'?)?/.exec(l);
      if (m?.[1]) return { gateway: m[1], device: m[2] ?? null };
    }
  }
  return null;
}

function planIpScript(kind: IpScriptKind, host: HostSpec, facts: Facts, on: TunnelSpec[], remove: string[], deleteWhenOnlyOurs: boolean): Change[] {
  const path = kind === 'up' ? IP_UP : IP_DOWN;
  const before = mustRead(facts, path);
  if (before === null && on.length === 0) return [];
  const after = renderIpScript(kind, before, on, remove, routeContext(host, facts));
  const names = [...on.map((t) => t.name), ...remove];
  const touched = changedBlocks(before, after, names);
  if (deleteWhenOnlyOurs && isOnlyOurs(after)) {
    return tagged(fileChanges({ path, state: 'absent', reason: `only pptp-fleet's content was left in ${path}`, mask: maskFor(host) }, facts), touched);
  }
  const reason = why(facts, path, `ip-${kind} arms of ${on.map((t) => t.name).join(', ') || 'removed tunnels'}`);
  return tagged(fileChanges({ path, state: 'present', content: after, mode: '755', reason, mask: maskFor(host) }, facts), touched);
}

function planRouting(host: HostSpec, facts: Facts): Change[] {
  const on = present(host);
  const off = absent(host).map((t) => t.name);
  return [...planIpScript('up', host, facts, on, off, false), ...planIpScript('down', host, facts, on, off, false), ...planFirewall(host, facts, on, off)];
}

/**
 * fw3/fw4: each present tunnel's zone and forwardings (render/firewall.ts), the sections of
 * `remove` tunnels deleted, in one uci-batch change (none when they already match). A zone name
 * someone else uses, or no `lan` zone to forward from, is an error before anything is written.
 */
function planFirewall(host: HostSpec, facts: Facts, on: TunnelSpec[], remove: string[]): Change[] {
  if (!usesUciFirewall(facts)) return [];
  const sections: Record<string, UciSectionFact> = {};
  const unwanted: string[] = [];
  for (const t of on) {
    tunnelIfname(t, facts);
    if (facts.firewall.otherZones.includes(t.name)) {
      throw new ResourceError(`tunnel ${t.name}: /etc/config/firewall already has a zone named "${t.name}" that pptp-fleet does not manage; rename the tunnel or that zone`);
    }
    if ((t.forward.outbound || t.forward.inbound) && !facts.firewall.otherZones.includes(LAN_ZONE)) {
      throw new ResourceError(`tunnel ${t.name}: forward asks for a forwarding with the "${LAN_ZONE}" zone, and /etc/config/firewall has no zone named ${LAN_ZONE}`);
    }
    const want = firewallSections(t);
    for (const name of Object.keys(want)) {
      if (name in sections) throw new ResourceError(`tunnel ${t.name}: its firewall section ${name} is another tunnel's too (names differing only in "-" and "_")`);
    }
    Object.assign(sections, want);
    unwanted.push(...Object.values(tunnelSections(t.name)).filter((n) => !(n in want)));
  }
  for (const n of remove) unwanted.push(...Object.values(tunnelSections(n)));
  return uciChanges(
    { config: FIREWALL_CONFIG, sections, remove: unwanted, reload: FIREWALL_RELOAD, what: `firewall zone and forwardings of ${[...on.map((t) => t.name), ...remove].join(', ')}` },
    facts.firewall.sections,
  );
}


function planBoot(host: HostSpec, facts: Facts): Change[] {
  const changes: Change[] = [];
  for (const t of host.tunnels) {
    const path = initScriptPath(facts, t.name);
    if (t.state === 'present' && t.startOnBoot) {
      changes.push(...fileChanges({ path, state: 'present', content: renderInitScript(t, facts.initStyle, facts.pppdVersion), mode: '755', reason: why(facts, path, `boot script of tunnel ${t.name}`) }, facts));
      if (facts.initStyle === 'procd' && fileFact(facts, rcdLinkPath(t.name)).type === 'missing') {
        changes.push({ kind: 'enable-service', resource: 'service', target: path, reason: `start tunnel ${t.name} at boot` });
      }
    } else {
      changes.push(...unboot(facts, t.name, t.state === 'absent' ? `tunnel ${t.name} is absent` : `tunnel ${t.name} does not start on boot`));
    }
  }
  return changes;
}

function unboot(facts: Facts, name: string, reason: string): Change[] {
  const path = initScriptPath(facts, name);
  const changes: Change[] = [];
  if (facts.initStyle === 'procd' && fileFact(facts, rcdLinkPath(name)).type !== 'missing' && fileFact(facts, path).type !== 'missing') {
    changes.push({ kind: 'disable-service', resource: 'service', target: path, reason });
  }
  changes.push(...fileChanges({ path, state: 'absent', reason }, facts));
  return changes;
}

/**
 * pptp-remove: every tunnel of the host goes, whatever its state. Kept: packages (ppp also
 * serves PPPoE), modules already loaded, module lines that were there before us (only our
 * /etc/modules block and our modules.d file go), ip-up/ip-down unless only our content is
 * left in a file we created, options.pptp lines of the package (a commented-out `mppe` line
 * stays commented: that pppd rejects it).
 */
function planRemove(host: HostSpec, facts: Facts): Change[] {
  const names = host.tunnels.map((t) => t.name);
  const reason = 'pptp-fleet remove';
  const changes: Change[] = [...stopIfRunning(facts, names, reason)];
  for (const n of names) changes.push(...unboot(facts, n, reason));
  for (const n of names) changes.push(...tagged(fileChanges({ path: peerPath(n), state: 'absent', reason, mask: maskFor(host) }, facts), [n]));
  changes.push(...planChapSecrets(host, facts, [], names));
  changes.push(...planIpScript('up', host, facts, [], names, true), ...planIpScript('down', host, facts, [], names, true));
  changes.push(...planFirewall(host, facts, [], names));
  const opts = mustRead(facts, OPTIONS_PPTP);
  if (opts !== null) {
    const after = removeFromOptionsPptp(opts);
    const d: DesiredFile = after === null
      ? { path: OPTIONS_PPTP, state: 'absent', reason: `${reason}: pptp-fleet created this file` }
      : { path: OPTIONS_PPTP, state: 'present', content: after, mode: fileFact(facts, OPTIONS_PPTP).mode ?? '644', reason };
    if (after !== opts) changes.push(...fileChanges(d, facts));
  }
  if (facts.modulesConfig === 'etc-modules') {
    const mods = mustRead(facts, ETC_MODULES);
    if (mods !== null) {
      const after = removeFromEtcModules(mods);
      if (after !== mods) changes.push(...fileChanges({ path: ETC_MODULES, state: 'present', content: after, mode: fileFact(facts, ETC_MODULES).mode ?? '644', reason }, facts));
    }
  } else {
    changes.push(...fileChanges({ path: MODULES_D_FILE, state: 'absent', reason }, facts));
  }
  return changes;
}

/**
 * Tunnels to (re)start after the changes: present tunnels whose own configuration changed
 * (peer file, their chap-secrets block, their ip-up/ip-down arm, options.pptp for all) and
 * present tunnels pppd is not running for.
 */
export function tunnelsToRestart(host: HostSpec, facts: Facts, changes: Change[]): string[] {
  const touched = new Set<string>();
  for (const c of changes) {
    if (c.kind === 'write-file' || c.kind === 'delete-file') for (const n of c.tunnels ?? []) touched.add(n);
  }
  // A marker left by an earlier apply whose tunnels-up never ran (connection lost) counts too.
  const marked = (n: string): boolean => (facts.files[restartMarkerPath(n)]?.type ?? 'missing') !== 'missing';
  return present(host)
    .map((t) => t.name)
    .filter((n) => touched.has(n) || marked(n) || !facts.pppd.some((p) => p.linkname === n && p.alive));
}

// The restart marker of one tunnel: defined with every router path in src/remote/paths.ts.
export { restartMarkerPath };
