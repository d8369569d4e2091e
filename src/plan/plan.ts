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
import { NETWORK_CONFIG, NETWORK_RELOAD, netifdClash, netifdFirewallSections, netifdInterface, netifdProblems, netifdSections, netifdStaleSections } from '../render/netifd.js';
import { SYSUPGRADE_CONF, renderSysupgradeConf } from '../render/sysupgrade.js';
import { byNetifd, handRunPppd, hasNetifdInterface, tunnelPppd } from './manager.js';
import { uciChanges } from '../resources/uci.js';
import { blockChanges } from '../resources/managed-block.js';
import { currentContent, fileChanges, fileFact, NOT_GATHERED, type DesiredFile, type MaskSpec } from '../resources/file.js';
import { moduleChanges } from '../resources/module.js';
import { packageChanges } from '../resources/package.js';
import { ResourceError } from '../resources/problem.js';
import {
  ETC_MODULES,
  MODULES_D_FILE,
  firewallChains,
  initScriptPath,
  mppeDialect,
  PPTP_PLUGIN_PACKAGE,
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
    SYSUPGRADE_CONF,
    ...tunnelNames.flatMap((n) => [peerPath(n), `/etc/init.d/S70pptp-${n}`, `/etc/init.d/pptp-${n}`, rcdLinkPath(n), restartMarkerPath(n)]),
  ];
}

/**
 * Changes that bring `host` to the state `step` asks for. Runtime steps (verify, tunnels-down)
 * have none, tunnels-up at most a network restart (planNetworkRestart): the engine runs them. Tunnels with `state: absent` are taken out
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
        return planNetworkRestart(host, facts);
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

/**
 * The network restart the tunnels-up step will run with FACTS from before this run's install:
 * netifd loads its protocol handlers only when it starts, so a ppp-mod-pptp installed now leaves
 * it without pptp until `/etc/init.d/network restart` (tunnels-netifd.sh proto_pptp). A plugin
 * installed earlier by hand and never followed by a restart is found only when the step asks
 * netifd; the run's report lists that restart too (engine/host.ts).
 */
export function planNetworkRestart(host: HostSpec, facts: Facts): Change[] {
  if (!facts.netifd || facts.packages.includes(PPTP_PLUGIN_PACKAGE) || netifdOn(host, facts).length === 0) return [];
  return [networkRestart(`${PPTP_PLUGIN_PACKAGE} is installed after netifd started: netifd has pptp only after a restart (every interface goes down for a moment)`)];
}

/** The network restart change, with REASON. */
export const networkRestart = (reason: string): Change => ({ kind: 'network-restart', resource: 'service', target: 'network', reason });
/** `ifup IFACE` after the network restart: up before it, `auto 0`, so the new netifd left it down. */
export const interfaceRestore = (iface: string): Change => ({
  kind: 'interface-restore',
  resource: 'service',
  target: iface,
  reason: "option auto '0', up by hand before the network restart: brought back with ifup",
});

const present = (host: HostSpec): TunnelSpec[] => host.tunnels.filter((t) => t.state === 'present');
const absent = (host: HostSpec): TunnelSpec[] => host.tunnels.filter((t) => t.state === 'absent');
/** Present tunnels netifd runs on this router (plan/manager.ts). */
const netifdOn = (host: HostSpec, facts: Facts): TunnelSpec[] => present(host).filter((t) => byNetifd(t, facts));
/** Present tunnels the tool runs with `pppd call`. */
const pppdOn = (host: HostSpec, facts: Facts): TunnelSpec[] => present(host).filter((t) => !byNetifd(t, facts));

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
  if (c === undefined) throw new ResourceError(`${path}: its content was not gathered (${NOT_GATHERED}), cannot plan its changes`);
  return c;
}

function tagged(changes: Change[], tunnels: string[]): Change[] {
  if (tunnels.length === 0) return changes;
  return changes.map((c) => (c.kind === 'write-file' || c.kind === 'delete-file' ? { ...c, tunnels } : c));
}

function stopIfRunning(facts: Facts, names: string[], reason: string): Change[] {
  return names
    .filter((n) => handRunPppd(facts, n) !== undefined)
    .map((n): Change => ({ kind: 'tunnel-stop', resource: 'tunnel', target: n, reason }));
}

/**
 * `ifdown` for the netifd interfaces of NAMES that /etc/config/network has (a PPTP interface of
 * ours): before its section goes, so netifd's pppd is gone before anything else runs the tunnel.
 */
function interfacesDown(facts: Facts, names: string[], reason: string): Change[] {
  return names
    .filter((n) => hasNetifdInterface(facts, n))
    .map((n): Change => ({ kind: 'interface-down', resource: 'tunnel', target: netifdInterface(n), reason }));
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

/**
 * Peer files, chap-secrets, options.pptp. A tunnel changing hands is stopped first, so no moment
 * has two pppds for it: one netifd now runs loses its hand-run pppd (by ppp-NAME.pid) and its
 * peer file; one pppd now runs (or an absent one) loses its netifd interface (`ifdown`, its
 * section deleted by the routing step) before its peer file is written.
 */
function planPppdFiles(host: HostSpec, facts: Facts): Change[] {
  const on = pppdOn(host, facts);
  const viaNetifd = netifdOn(host, facts);
  const off = absent(host);
  const changes: Change[] = [
    ...stopIfRunning(facts, off.map((t) => t.name), 'tunnel is absent from the inventory'),
    ...stopIfRunning(facts, viaNetifd.map((t) => t.name), 'netifd runs this tunnel now: its hand-run pppd stops first'),
    ...interfacesDown(facts, [...on, ...off].map((t) => t.name), 'this tunnel is no longer a netifd interface'),
  ];
  const mask = maskFor(host);
  for (const t of on) {
    const path = peerPath(t.name);
    changes.push(...tagged(fileChanges({ path, state: 'present', content: renderPeer(t, facts), mode: '600', reason: why(facts, path, `peer file of tunnel ${t.name}`), mask }, facts), [t.name]));
  }
  for (const t of off) {
    changes.push(...tagged(fileChanges({ path: peerPath(t.name), state: 'absent', reason: `tunnel ${t.name} is absent`, mask }, facts), [t.name]));
  }
  for (const t of viaNetifd) {
    changes.push(...tagged(fileChanges({ path: peerPath(t.name), state: 'absent', reason: `netifd runs tunnel ${t.name}: no peer file`, mask }, facts), [t.name]));
  }
  const allOn = present(host);
  // netifd's pppd reads both too: the secret from chap-secrets (no UCI password), and ppp.sh
  // passes `file /etc/ppp/options.pptp`.
  changes.push(...planChapSecrets(host, facts, allOn, off.map((t) => t.name)));
  if (allOn.length > 0) changes.push(...planOptionsPptp(host, facts, allOn));
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

/**
 * ip-up/ip-down arms for the tunnels the tool runs with pppd (netifd runs /lib/netifd/ppp-up,
 * not /etc/ppp/ip-up, and keeps the route to the server itself: the arms of a tunnel netifd now
 * runs go), the netifd interfaces with their routes, and the firewall zones.
 */
function planRouting(host: HostSpec, facts: Facts): Change[] {
  const on = pppdOn(host, facts);
  const viaNetifd = netifdOn(host, facts);
  const off = absent(host).map((t) => t.name);
  const noArms = [...off, ...viaNetifd.map((t) => t.name)];
  return [
    ...uciReverts(facts),
    ...planIpScript('up', host, facts, on, noArms, false),
    ...planIpScript('down', host, facts, on, noArms, false),
    ...planNetwork(facts, viaNetifd, host.tunnels.filter((t) => !viaNetifd.includes(t)).map((t) => t.name)),
    ...planFirewall(host, facts, present(host), off),
  ];
}

/**
 * Our sections' pending (uncommitted) changes, left by a run cut between its `uci batch` and its
 * commit, reverted: the plan is made against what is committed, so on a converged router
 * nothing else would remove them, and the next `uci commit CONFIG` by anyone (LuCI's Save &
 * Apply) would apply a stale half batch.
 */
function uciReverts(facts: Facts): Change[] {
  return Object.entries(facts.uciPending ?? {}).map(([config, sections]) => ({
    kind: 'uci-revert',
    resource: 'uci',
    target: config,
    sections,
    reason: `uncommitted changes of ${sections.join(', ')} left by an interrupted run`,
  }));
}

/**
 * /etc/config/network on netifd routers: the interface and `config route` sections of each
 * tunnel of ON (those netifd runs, render/netifd.ts) and the sections of the tunnels named in
 * OTHERS (run by pppd now, or absent) deleted, in one uci-batch change whose reload (`network
 * reload`) makes netifd start new interfaces and restart changed ones. Nothing when they match.
 */
function planNetwork(facts: Facts, on: TunnelSpec[], others: string[]): Change[] {
  if (!facts.netifd) return [];
  const dialect = mppeDialect(facts);
  const sections: Record<string, UciSectionFact> = {};
  const owner = new Map<string, string>();
  const stale: string[] = [];
  for (const t of on) {
    const problems = netifdProblems(t);
    const clash = netifdClash(t, facts.network);
    if (clash !== null) problems.push(clash);
    if (problems.length > 0) throw new ResourceError(`tunnel ${t.name}: ${problems.join('; ')}`);
    const want = netifdSections(t, dialect);
    for (const name of Object.keys(want)) {
      const other = owner.get(name);
      if (other !== undefined) throw new ResourceError(`tunnel ${t.name}: its netifd section ${name} is tunnel ${other}'s too (names differing only in "-" and "_")`);
      owner.set(name, t.name);
    }
    Object.assign(sections, want);
    stale.push(...netifdStaleSections(t.name, facts.network, want));
  }
  for (const n of others) stale.push(...netifdStaleSections(n, facts.network, {}));
  const changes = uciChanges(
    { config: NETWORK_CONFIG, sections, remove: stale, reload: NETWORK_RELOAD, what: `netifd interfaces of ${[...on.map((t) => t.name), ...others].join(', ')}` },
    facts.network,
  );
  // The tunnels whose interface or routes change: the reload restarts them.
  return changes.map((c) => (c.kind === 'uci-batch' ? { ...c, tunnels: on.filter((t) => c.sections.some((s) => owner.get(s) === t.name)).map((t) => t.name) } : c));
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
    const viaNetifd = byNetifd(t, facts);
    if (!viaNetifd) tunnelIfname(t, facts);
    if (facts.firewall.otherZones.includes(t.name)) {
      throw new ResourceError(`tunnel ${t.name}: /etc/config/firewall already has a zone named "${t.name}" that pptp-fleet does not manage; rename the tunnel or that zone`);
    }
    if ((t.forward.outbound || t.forward.inbound) && !facts.firewall.otherZones.includes(LAN_ZONE)) {
      throw new ResourceError(`tunnel ${t.name}: forward asks for a forwarding with the "${LAN_ZONE}" zone, and /etc/config/firewall has no zone named ${LAN_ZONE}`);
    }
    // A netifd tunnel's zone names its interface (`list network`), a hand-run one's its device.
    const want = viaNetifd ? netifdFirewallSections(t) : firewallSections(t);
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
    if (t.state === 'present' && byNetifd(t, facts)) {
      // netifd starts the interface at boot (`auto`), after the WAN.
      changes.push(...unboot(facts, t.name, `netifd runs tunnel ${t.name}: no boot script`));
    } else if (t.state === 'present' && t.startOnBoot) {
      changes.push(...fileChanges({ path, state: 'present', content: renderInitScript(t, facts.initStyle, facts.pppdVersion), mode: '755', reason: why(facts, path, `boot script of tunnel ${t.name}`) }, facts));
      if (facts.initStyle === 'procd' && fileFact(facts, rcdLinkPath(t.name)).type === 'missing') {
        changes.push({ kind: 'enable-service', resource: 'service', target: path, reason: `start tunnel ${t.name} at boot` });
      }
    } else {
      changes.push(...unboot(facts, t.name, t.state === 'absent' ? `tunnel ${t.name} is absent` : `tunnel ${t.name} does not start on boot`));
    }
  }
  changes.push(...planSysupgrade(facts, keptFiles(host, facts)));
  return changes;
}

/**
 * The files the tool keeps on the router outside /etc/config for these tunnels: what sysupgrade
 * must be told to keep. netifd tunnels need only chap-secrets and options.pptp (their interface
 * is in /etc/config/network); pppd ones also their peer file, ip-up/ip-down, boot script and
 * its rc.d link.
 */
export function keptFiles(host: HostSpec, facts: Facts): string[] {
  if (present(host).length === 0) return [];
  const files = [CHAP_SECRETS, OPTIONS_PPTP];
  if (facts.modulesConfig === 'modules.d') files.push(MODULES_D_FILE);
  const on = pppdOn(host, facts);
  if (on.length > 0) files.push(IP_UP, IP_DOWN);
  for (const t of on) {
    files.push(peerPath(t.name));
    if (t.startOnBoot) files.push(initScriptPath(facts, t.name), ...(facts.initStyle === 'procd' ? [rcdLinkPath(t.name)] : []));
  }
  return files;
}

/** /etc/sysupgrade.conf's pptp-fleet block listing FILES, on OpenWrt (procd; White Russian has no sysupgrade). */
function planSysupgrade(facts: Facts, files: string[]): Change[] {
  if (facts.initStyle !== 'procd') return [];
  const before = mustRead(facts, SYSUPGRADE_CONF);
  if (before === null && files.length === 0) return [];
  const after = renderSysupgradeConf(before ?? '', files);
  if (after === before) return [];
  return fileChanges({ path: SYSUPGRADE_CONF, state: 'present', content: after, mode: fileFact(facts, SYSUPGRADE_CONF).mode ?? '644', reason: why(facts, SYSUPGRADE_CONF, 'files sysupgrade keeps') }, facts);
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
  const changes: Change[] = [...stopIfRunning(facts, names, reason), ...interfacesDown(facts, names, reason)];
  for (const n of names) changes.push(...unboot(facts, n, reason));
  for (const n of names) changes.push(...tagged(fileChanges({ path: peerPath(n), state: 'absent', reason, mask: maskFor(host) }, facts), [n]));
  changes.push(...planChapSecrets(host, facts, [], names));
  changes.push(...planIpScript('up', host, facts, [], names, true), ...planIpScript('down', host, facts, [], names, true));
  changes.push(...uciReverts(facts));
  changes.push(...planNetwork(facts, [], names));
  changes.push(...planFirewall(host, facts, [], names));
  changes.push(...planSysupgrade(facts, []));
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
    if (c.kind === 'write-file' || c.kind === 'delete-file' || c.kind === 'uci-batch') for (const n of c.tunnels ?? []) touched.add(n);
  }
  // A marker left by an earlier apply whose tunnels-up never ran (connection lost) counts too.
  const marked = (n: string): boolean => (facts.files[restartMarkerPath(n)]?.type ?? 'missing') !== 'missing';
  return present(host)
    .filter((t) => touched.has(t.name) || marked(t.name) || tunnelPppd(t, facts) === undefined)
    .map((t) => t.name);
}

// The restart marker of one tunnel: defined with every router path in src/remote/paths.ts.
export { restartMarkerPath };
