// The host pipeline's round trips: each phase sends one script over the transport and returns
// what the router said, parsed. No decisions here (judge.ts) and no state (host.ts).
import { HostError } from '../errors.js';
import { FACTS_COMMAND, contentLimits, factsScript } from '../facts/gather.js';
import { parseFacts } from '../facts/parse.js';
import type { Facts } from '../facts/types.js';
import { APPLY_COMMAND, applyScript, parseApplyOutput } from '../apply/script.js';
import { plannerPaths } from '../plan/plan.js';
import type { Change } from '../plan/types.js';
import {
  TUNNELS_DOWN_COMMAND,
  TUNNELS_STATUS_COMMAND,
  TUNNELS_UP_COMMAND,
  parseTunnelsDownOutput,
  parseTunnelsStatusOutput,
  parseTunnelsUpOutput,
  tunnelsDownScript,
  tunnelsStatusScript,
  tunnelsUpScript,
  type TunnelRun,
  type TunnelStatus,
  type TunnelStop,
} from '../pptp/scripts.js';
import { NETIFD_UP_COMMAND, netifdUpScript, type NetifdUp } from '../pptp/netifd-tunnels.js';
import { netifdInterface } from '../render/netifd.js';
import type { TunnelManager } from '../inventory/types.js';
import { compressesOutput, gzipOutputFor } from '../shell/compress.js';
import type { ExecResult, Transport } from '../transport.js';
import type { HostStep } from './events.js';
import { firstLine } from './judge.js';
import { backupScript, restoreScript, ROLLBACK_COMMAND } from './rollback.js';

/** A transport bound to one host and counting its execs; errors name the host and the step. */
export class HostLink {
  execs = 0;

  constructor(
    readonly host: string,
    readonly transport: Transport,
  ) {}

  /** The fake root's path prefix in tests, '' on a router. */
  get root(): string {
    return this.transport.root ?? '';
  }

  /** One exec; a timed-out command is an error of STEP. Scripts that compress their output are unpacked. */
  async exec(step: HostStep, command: string, stdin: string, timeoutMs?: number): Promise<ExecResult> {
    this.execs++;
    const r = await this.transport.exec(command, { stdin, timeoutMs, gunzipStdout: true });
    if (r.timedOut) throw new HostError(this.host, step, `command timed out after ${r.durationMs} ms`);
    return r;
  }
}

// Hosts with the same tunnel names get the same facts script: it is built once per name list.
const factsScripts = new Map<string, string>();
function factsScriptFor(names: string[], root: string): string {
  const key = `${root}\n${names.join('\n')}`;
  let script = factsScripts.get(key);
  if (script === undefined) {
    // Every tunnel's possible netifd interface: its manager is known only once the facts are.
    const interfaces = [...new Set(names.map(netifdInterface))];
    // (both callers send it through gzipOutputFor(names.length, ...))
    script = factsScript(plannerPaths(names), { ...(root ? { root } : {}), interfaces, ...contentLimits(compressesOutput(names.length)) });
    factsScripts.set(key, script);
  }
  return script;
}

/** Facts of the router for the tunnels NAMES (every tunnel of the host). */
export async function gatherFacts(link: HostLink, names: string[]): Promise<Facts> {
  const r = await link.exec('facts', FACTS_COMMAND, gzipOutputFor(names.length, factsScriptFor(names, link.root)));
  if (r.exitCode !== 0) {
    throw new HostError(link.host, 'facts', `fact gathering exited ${r.exitCode}: ${firstLine(r.stderr)}`);
  }
  return parseFacts(r.stdout);
}

export interface ApplyInput {
  changes: Change[];
  hasSha256sum: boolean;
  /** Snapshot the files the changes touch first (rollback.ts). */
  snapshot: boolean;
  /** Tunnels that run after this apply: they get restart markers. */
  runningTunnels: string[];
  /** Re-gather facts for these tunnels in the same exec (after a package install). */
  refreshFactsOf?: string[];
  timeoutMs: number;
  /** The router's pppd version (facts): where its pid files are. */
  pppdVersion: string | null;
}

/** Sends CHANGES as one script; returns the re-gathered facts when asked for, else undefined. */
export async function applyChanges(link: HostLink, step: HostStep, input: ApplyInput): Promise<Facts | undefined> {
  const root = link.root;
  const names = input.refreshFactsOf;
  const trailer = names ? factsScriptFor(names, root) : undefined;
  const backups = input.snapshot ? backupScript(input.changes, root) : '';
  const body = backups + applyScript(input.changes, { hasSha256sum: input.hasSha256sum, trailer, runningTunnels: input.runningTunnels, pppdVersion: input.pppdVersion, ...(root ? { root } : {}) });
  // With re-gathered facts the output is as large as the facts' own.
  const script = names ? gzipOutputFor(names.length, body) : body;
  // The audit log names the phase: packages (with re-gathered facts) or config.
  const command = names ? APPLY_COMMAND.replace(/apply$/, 'packages') : APPLY_COMMAND;
  const r = await link.exec(step, command, script, input.timeoutMs);
  const out = parseApplyOutput(r.stdout);
  if (out.failed) {
    const f = out.failed;
    // The command's own complaint (e.g. cat: "No space left on device") is on stderr.
    const why = firstLine(r.stderr);
    throw new HostError(link.host, step, `${f.kind} ${f.target} failed (exit ${f.exitCode}): ${f.message}${why ? ` (${why})` : ''}`);
  }
  if (r.exitCode !== 0) {
    throw new HostError(link.host, step, `apply script exited ${r.exitCode}: ${firstLine(r.stderr)}`);
  }
  return names ? parseFacts(out.trailerOutput) : undefined;
}

/** Starts (or restarts) TUNNELS and waits up to timeoutSec each for an outcome; PPPDVERSION from the facts. */
export async function startTunnels(link: HostLink, step: HostStep, tunnels: Array<{ name: string; restart: boolean }>, timeoutSec: number, pppdVersion: string | null): Promise<TunnelRun[]> {
  const script = tunnelsUpScript(tunnels, timeoutSec, { pppdVersion, ...(link.root ? { root: link.root } : {}) });
  const r = await link.exec(step, TUNNELS_UP_COMMAND, gzipOutputFor(tunnels.length, script), (timeoutSec + 30) * 1000);
  return parseTunnelsUpOutput(r.stdout);
}

/** Brings netifd tunnels up (`ifup`) and waits up to timeoutSec each for netifd's outcome. */
export async function startNetifdTunnels(link: HostLink, step: HostStep, tunnels: NetifdUp[], timeoutSec: number): Promise<TunnelRun[]> {
  // (+20 s: a network restart for netifd's pptp protocol may come first, tunnels-netifd.sh proto_pptp)
  const r = await link.exec(step, NETIFD_UP_COMMAND, gzipOutputFor(tunnels.length, netifdUpScript(tunnels, timeoutSec, link.root)), (timeoutSec + 50) * 1000);
  return parseTunnelsUpOutput(r.stdout);
}

/** Stops the hand-run tunnels NAMES by their own pid files and takes the netifd tunnels VIANETIFD down (`ifdown`), in one exec. */
export async function stopTunnels(link: HostLink, names: string[], pppdVersion: string | null, viaNetifd: string[] = []): Promise<TunnelStop[]> {
  // Up to 60 log lines a tunnel: 8 netifd tunnels on a 25.12 router (debug) measured 16-19 KB.
  const script = tunnelsDownScript(names, 15, { pppdVersion, netifd: viaNetifd, ...(link.root ? { root: link.root } : {}) });
  const r = await link.exec('tunnels-down', TUNNELS_DOWN_COMMAND, gzipOutputFor(names.length + viaNetifd.length, script), 60_000);
  return parseTunnelsDownOutput(r.stdout);
}

/** Each tunnel's pppd or netifd interface, device, since when and log (manager: the inventory's, if it names one). */
export async function readStatus(link: HostLink, tunnels: Array<{ name: string; manager?: TunnelManager }>): Promise<TunnelStatus[]> {
  const r = await link.exec('status', TUNNELS_STATUS_COMMAND, gzipOutputFor(tunnels.length, tunnelsStatusScript(tunnels, link.root ? { root: link.root } : {})));
  return parseTunnelsStatusOutput(r.stdout);
}

/**
 * Puts back every file of the snapshot the last apply took; IFDOWN (netifd interfaces the apply
 * added or changed) go down first, and RELOADS (the apply's own, after `uci commit`) run after.
 */
export async function restoreSnapshot(link: HostLink, timeoutMs: number, opts: { ifdown?: string[]; reloads?: string[] } = {}): Promise<void> {
  const reloads = (opts.reloads ?? []).map((c) => link.root + c);
  const r = await link.exec('rollback', ROLLBACK_COMMAND, restoreScript(link.root, { ifdown: opts.ifdown ?? [], reloads }), timeoutMs);
  if (r.exitCode !== 0) {
    throw new HostError(link.host, 'rollback', `restoring previous files failed: ${firstLine(r.stderr || r.stdout)}`);
  }
}

/** `true` on the router: SSH reachability. */
export async function ping(link: HostLink): Promise<void> {
  const r = await link.exec('ping', 'true', '');
  if (r.exitCode !== 0) throw new HostError(link.host, 'ping', `true exited ${r.exitCode}`);
}
