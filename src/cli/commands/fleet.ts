// The commands that talk to routers: apply, up, down, status, ping.
//
// Example:
//   pptp-fleet apply -i inventory.yaml --limit 'branches:!r007' --check --diff
//   pptp-fleet apply -i inv.yaml --serial 1,10%,100% --max-fail-percent 5 --junit out.xml
//   pptp-fleet status -i inv.yaml --tunnel office
import type { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import os from 'node:os';
import { existsSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { loadInventory } from '../../inventory/load.js';
import { collect, inventorySources, NO_TUNNELS, PLAYBOOK_DIR_OPTION, playbookDirFromFlag, vaultSecretsFromFlags } from './inventory.js';
import { selectHosts } from '../../inventory/pattern.js';
import type { Inventory } from '../../inventory/load.js';
import type { HostSpec } from '../../inventory/types.js';
import { loadPlaybook } from '../../playbook/load.js';
import type { Playbook } from '../../playbook/types.js';
import { defaultOptions, loadSettings, resolveOptions, type Defaults, type ResolvedOptions, type Settings } from '../../config/settings.js';
import { parseSerial, batches as makeBatches, type SerialEntry } from '../../rollout/serial.js';
import { parseShard, shard, type ShardSpec } from '../../rollout/shard.js';
import { loadRetryFailed } from '../../rollout/retry.js';
import { parseMaxFailPercent } from '../../rollout/thresholds.js';
import { buildReport } from '../../report/json.js';
import { pingTable, statusTable, summaryTable } from '../../report/summary.js';
import { writeReportOutputs, reportExitCode, type ReportOutputFlags } from '../reports.js';
import { runFleet } from '../../engine/run.js';
import { sshConnect } from '../../engine/ssh-connect.js';
import { JumpHosts } from '../../ssh/session.js';
import { expandLimitFiles } from '../../inventory/limit-file.js';
import { resolveHostTargets, sshRequestFor } from '../../ssh/host-settings.js';
import { openSshConfigSource } from '../../ssh/openssh-config.js';
import { localUserName } from '../../ssh/config.js';
import type { CommandName, RunContext } from '../../engine/context.js';
import { createUi } from '../ui.js';
import { EXIT } from '../exit.js';

const packageRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const DEFAULT_PLAYBOOK = path.join(packageRoot, 'playbooks', 'pptp-client.yaml');

export interface FleetFlags {
  inventory?: string[];
  vaultPasswordFile?: string[];
  playbookDir?: string;
  vaultId?: string[];
  limit?: string;
  forks?: string;
  knownHosts?: string;
  key?: string;
  privateKey?: string;
  user?: string;
  acceptNewHostKeys?: boolean;
  connectTimeout?: string;
  commandTimeout?: string;
  retries?: string;
  reportJson?: string;
  junit?: string;
  quiet?: boolean;
  playbook?: string;
  check?: boolean;
  diff?: boolean;
  serial?: string;
  maxFailPercent?: string;
  anyErrorsFatal?: boolean;
  shard?: string;
  retryFailed?: string;
  rollback?: boolean;
  tunnel?: string;
  tunnelTimeout?: string;
  reportHtml?: string;
  reportMd?: string;
  detailedExitcode?: boolean;
}

function commonOptions(cmd: Command): Command {
  return cmd
    .option('-i, --inventory <source>', 'inventory: YAML, INI, ansible-inventory JSON, script or directory (repeatable)', collect, [])
    .option('--vault-password-file <file>', 'Ansible Vault password file, or a script printing it (repeatable)', collect, [])
    .option('--vault-id <[label@]file>', 'Ansible Vault id: password file with an optional label (repeatable)', collect, [])
    .option(...PLAYBOOK_DIR_OPTION)
    .option('-l, --limit <pattern>', "hosts to act on, Ansible pattern: 'r001', 'branches:&wr', 'all:!r007', 'r0*'")
    .option('-f, --forks <n>', 'hosts at once (default 20)')
    .option('--known-hosts <file>', 'OpenSSH known_hosts to verify routers against (default ~/.ssh/known_hosts)')
    .option('--key <file>', 'SSH private key (default: ssh-agent if SSH_AUTH_SOCK is set, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa)')
    .option('--private-key <file>', "SSH private key, as Ansible's --private-key (same as --key; a host's ansible_ssh_private_key_file wins)")
    .option('-u, --user <user>', "SSH user, as Ansible's -u (a host's ansible_user wins; default: ssh config User, else root)")
    .option('--accept-new-host-keys', 'trust and record unknown host keys (never changed ones)')
    .option('--connect-timeout <ms>', 'TCP + SSH handshake timeout per attempt (default 10000)')
    .option('--command-timeout <ms>', 'timeout for one remote command (default 60000)')
    .option('--retries <n>', 'connection retries with backoff (default 2)')
    .option('--report-json <file>', 'write a JSON report (- for stdout: then progress and summary go to stderr)')
    .option('--report-md <file>', 'write a Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)')
    .option('--junit <file>', 'write JUnit XML (one testsuite per batch, one testcase per host)')
    .option('--tunnel <name>', 'only this tunnel')
    .option('-q, --quiet', 'only the summary and errors');
}

/** Narrow the selected hosts: every command that contacts routers takes these. */
function selectionOptions(cmd: Command): Command {
  return cmd
    .option('--shard <k/n>', 'run only shard K of N (deterministic by host name; for CI matrices)')
    .option('--retry-failed <report.json>', 'only the hosts that failed or were unreachable in that report');
}

/** The self-contained HTML fleet report (apply, up, down, status). */
function htmlReportOption(cmd: Command): Command {
  return cmd.option('--report-html <file>', 'write a self-contained HTML fleet report');
}

function rolloutOptions(cmd: Command): Command {
  return htmlReportOption(selectionOptions(cmd))
    .option('--serial <spec>', "batches: a number, a percentage or a list, e.g. '1,10%,100%' (last repeats)")
    .option('--max-fail-percent <p>', 'stop the rollout when a batch has more than P% failed or unreachable hosts')
    .option('--any-errors-fatal', 'stop the rollout at the first failed or unreachable host');
}

export function registerFleetCommands(program: Command): void {
  rolloutOptions(
    commonOptions(
      program
        .command('apply')
        .description('provision routers as the playbook says (default playbooks/pptp-client.yaml)'),
    ),
  )
    .option('-p, --playbook <file>', 'playbook to run')
    .option('-C, --check', 'plan only: read the routers, change nothing')
    .option('-D, --diff', 'show unified diffs of planned file changes (passwords as ***)')
    .option('--no-rollback', 'keep a new config even when its tunnel does not verify')
    .option('--tunnel-timeout <s>', 'seconds to wait for a tunnel to come up (default 30)')
    .option('--detailed-exitcode', 'exit 4 when hosts have changes (pending with --check), 0 when none, 1 on failure')
    .action((flags: FleetFlags) => runCommand('apply', flags));

  rolloutOptions(commonOptions(program.command('up').description('bring tunnels up (those down or whose config changed) and verify them')))
    .option('--tunnel-timeout <s>', 'seconds to wait for a tunnel to come up (default 30)')
    .action((flags: FleetFlags) => runCommand('up', flags));

  rolloutOptions(commonOptions(program.command('down').description('stop tunnels by their own pid (never killall pppd)'))).action(
    (flags: FleetFlags) => runCommand('down', flags),
  );

  htmlReportOption(selectionOptions(commonOptions(program.command('status').description('per tunnel: running, interface, addresses, since when, last verdict')))).action(
    (flags: FleetFlags) => runCommand('status', flags),
  );

  selectionOptions(commonOptions(program.command('ping').description('connect and run `true` on every router (SSH reachability)'))).action(
    (flags: FleetFlags) => runCommand('ping', flags),
  );
}

function intFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InputError([{ file: '<command line>', path: name, message: `expected an integer from ${min} to ${max}, got "${value}"` }]);
  }
  return n;
}

function runtimePlaybook(command: CommandName, timeoutSec: number): Playbook {
  const steps: Playbook['steps'] =
    command === 'up'
      ? [{ kind: 'tunnels-up', timeoutSec }, { kind: 'verify' }]
      : command === 'down'
        ? [{ kind: 'tunnels-down' }]
        : [];
  return { file: `<${command}>`, name: command, steps };
}

/** A fleet command's options: flags over settings over defaults, validated (pure). */
export interface FleetSettings extends Omit<ResolvedOptions, 'inventory'> {
  /** The inventory sources (-i, repeatable; else the settings' one). */
  inventory: string[];
  maxFailPercent?: number;
  serial: SerialEntry[];
  shard?: ShardSpec;
}

/**
 * Flags + settings + defaults → the options of a fleet command, before anything is read or
 * contacted. Bad values are InputErrors naming the flag.
 *
 * @example resolveFleetSettings({ inventory: 'inv.yaml', forks: '5' }, {}, defaultOptions()).forks // 5
 */
export function resolveFleetSettings(flags: FleetFlags, settings: Settings, defaults: Defaults): FleetSettings {
  const opts = resolveOptions(
    {
      inventory: flags.inventory?.[0],
      playbook: flags.playbook,
      forks: intFlag('--forks', flags.forks, 1, 10_000),
      knownHosts: flags.knownHosts,
      privateKey: flags.privateKey ?? flags.key,
      acceptNewHostKeys: flags.acceptNewHostKeys,
      timeouts: {
        connectMs: intFlag('--connect-timeout', flags.connectTimeout, 100, 600_000),
        commandMs: intFlag('--command-timeout', flags.commandTimeout, 100, 3_600_000),
        tunnelSec: intFlag('--tunnel-timeout', flags.tunnelTimeout, 1, 600),
      },
      retries: intFlag('--retries', flags.retries, 0, 10),
      reportJson: flags.reportJson,
      junit: flags.junit,
    },
    settings,
    defaults,
  );
  const inventory = inventorySources(flags.inventory, opts.inventory);
  if (inventory.length === 0) {
    throw new InputError([{ file: '<command line>', path: '--inventory', message: 'no inventory given (-i FILE or `inventory` in pptp-fleet settings)' }]);
  }
  return {
    ...opts,
    inventory,
    maxFailPercent: flags.maxFailPercent === undefined ? undefined : parseMaxFailPercent(flags.maxFailPercent),
    serial: parseSerial(flags.serial),
    shard: flags.shard ? parseShard(flags.shard) : undefined,
  };
}

/**
 * The hosts a fleet command acts on: --limit, then the shard, then --retry-failed's hosts
 * (FAILED: the names read from that report). --tunnel must name a tunnel of one of them.
 */
export function selectFleetHosts(
  inventory: Inventory,
  inventoryFile: string,
  flags: Pick<FleetFlags, 'limit' | 'tunnel'>,
  shardSpec: ShardSpec | undefined,
  failed: ReadonlySet<string> | undefined,
): HostSpec[] {
  let hosts = selectHosts(inventory, flags.limit);
  // Shard first, then keep the failed ones: a CI job K re-reading its own report must get
  // back exactly its own failures, not a reshuffled subset.
  if (shardSpec) hosts = shard(hosts, shardSpec.k, shardSpec.n);
  if (failed) hosts = hosts.filter((h) => failed.has(h.name));
  // A shared Ansible inventory may hold hosts reached another way (localhost with
  // ansible_connection=local): selecting one is a mistake in --limit, not a router to try.
  const other = hosts.filter((h) => h.nonSshConnection !== undefined);
  if (other.length > 0) {
    throw new InputError(
      other.map((h) => ({
        file: h.nonSshConnection?.file ?? inventoryFile,
        path: h.nonSshConnection?.path ?? h.name,
        message: `host ${h.name} has ansible_connection "${h.nonSshConnection?.value ?? ''}": pptp-fleet reaches routers only over SSH; leave it out (--limit '!${h.name}')`,
      })),
    );
  }
  if (flags.tunnel && !hosts.some((h) => h.tunnels.some((t) => t.name === flags.tunnel))) {
    throw new InputError([{ file: inventoryFile, path: '--tunnel', message: `no selected host has a tunnel named "${flags.tunnel}"` }]);
  }
  return hosts;
}

async function runCommand(command: CommandName, flags: FleetFlags): Promise<void> {
  const startedAt = new Date();
  const { settings } = await loadSettings({ cwd: process.cwd() });
  // Everything is validated before any router is contacted.
  const opts = resolveFleetSettings(flags, settings, defaultOptions());
  const sources = opts.inventory;
  const { forks, retries, maxFailPercent, serial } = opts;
  const { connectMs: connectTimeoutMs, commandMs: commandTimeoutMs, tunnelSec: tunnelTimeoutSec } = opts.timeouts;
  const reportJson = opts.reportJson;
  const junitFile = opts.junit;

  // Only ping contacts hosts without tunnels; every other command skips them (and the inventory
  // leaves out those whose variables it cannot read).
  const contactsHostsWithoutTunnels = command === 'ping';
  const inventory = await loadInventory(sources, {
    vaultSecrets: await vaultSecretsFromFlags(flags),
    playbookDir: await playbookDirFromFlag(flags.playbookDir),
    contactsHostsWithoutTunnels,
  });
  const ui = createUi({ quiet: Boolean(flags.quiet), command, stderrOnly: reportJson === '-' });
  // before the checks below: a host left out (its file and field in the warning) may be why a
  // --limit matches nothing
  const loadWarnings = inventory.warnings.length;
  for (const w of inventory.warnings) ui.warn(w);
  if (inventory.hosts.length === 0) {
    throw new InputError([{ file: sources.join(', '), path: '', message: 'the inventory has no hosts' }]);
  }
  const failed = flags.retryFailed ? await loadRetryFailed(flags.retryFailed) : undefined;
  // --limit @FILE: one pattern per line, as Ansible's retry files.
  const limit = await expandLimitFiles(flags.limit);
  let hosts = selectFleetHosts(inventory, sources.join(', '), { limit, tunnel: flags.tunnel }, opts.shard, failed);
  // A host with no tunnels has nothing to do: reported skipped, never contacted; when no
  // selected host has one, the run is an input error, not a green run that did nothing.
  const noTunnels = contactsHostsWithoutTunnels ? [] : hosts.filter((h) => h.tunnels.length === 0);
  if (noTunnels.length > 0 && noTunnels.length === hosts.length) {
    throw new InputError([{ file: sources.join(', '), path: '', message: `${NO_TUNNELS} (selected: ${hosts.length} host(s), none has a tunnel)` }]);
  }
  hosts = hosts.filter((h) => !noTunnels.includes(h));
  // Secrets only for the hosts this command contacts, and tunnel passwords only when needed.
  hosts = await inventory.resolveSecrets(hosts, { tunnelPasswords: command === 'apply' || command === 'up' });
  const playbook =
    command === 'apply' ? await loadPlaybook(opts.playbook ?? DEFAULT_PLAYBOOK) : runtimePlaybook(command, tunnelTimeoutSec);

  // Every selected host's SSH settings (inventory, flags, ansible_ssh_*_args, ssh config as
  // OpenSSH resolves it), before anything is contacted: a bad one is exit 2.
  const explicitKnownHosts = flags.knownHosts ?? settings.knownHosts;
  const sshResolved = await resolveHostTargets(
    hosts.map(sshRequestFor),
    {
      ...(flags.user !== undefined ? { user: flags.user } : {}),
      ...(opts.privateKey ? { privateKeyFile: expandHome(opts.privateKey) } : {}),
      ...(explicitKnownHosts !== undefined ? { knownHostsFile: expandHome(opts.knownHosts) } : {}),
      acceptNewHostKeys: opts.acceptNewHostKeys,
      ...(process.env.SSH_AUTH_SOCK ? {} : { fallbackKeyFile: defaultIdentity() }),
    },
    await openSshConfigSource(),
    { home: os.homedir(), localUser: localUserName() },
  );
  if (sshResolved.problems.length > 0) {
    throw new InputError(
      sshResolved.problems.map((p) =>
        p.field.startsWith('ssh config')
          ? { file: 'ssh config', path: p.host, message: p.message }
          : { file: sources.join(', '), path: `${p.host}.${p.field}`, message: p.message },
      ),
    );
  }

  // (reading the secrets may have added notes)
  for (const w of inventory.warnings.slice(loadWarnings)) ui.warn(w);
  for (const w of sshResolved.warnings) ui.warn(w);

  const abort = new AbortController();
  const onSigint = (): void => {
    if (abort.signal.aborted) return;
    ui.warn('interrupted: no new hosts are started; hosts in flight finish their current step');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);

  const ctx: RunContext = {
    command,
    playbook,
    check: Boolean(flags.check),
    diff: Boolean(flags.diff),
    connect: sshConnect(
      {
        knownHostsFile: expandHome(opts.knownHosts),
        acceptNewHostKeys: opts.acceptNewHostKeys,
        connectTimeoutMs,
        commandTimeoutMs,
        retries,
        // Routers behind one bastion share its connection.
        jumpHosts: new JumpHosts(),
      },
      // Hosts that name no key: --key or settings, else ssh-agent, else OpenSSH's defaults.
      opts.privateKey ? expandHome(opts.privateKey) : process.env.SSH_AUTH_SOCK ? undefined : defaultIdentity(),
      sshResolved.targets,
    ),
    commandTimeoutMs,
    tunnelTimeoutSec,
    tunnel: flags.tunnel,
    rollback: flags.rollback !== false,
    emit: ui.onEvent,
    signal: abort.signal,
  };

  const groupsByHost = new Map(hosts.map((h) => [h.name, h.groups]));
  const batchList = makeBatches(hosts, serial);
  ui.start(batchList.map((b) => b.map((h) => h.name)), forks);
  const outcome = await runFleet(ctx, {
    forks,
    batches: batchList,
    maxFailPercent,
    anyErrorsFatal: Boolean(flags.anyErrorsFatal),
  });
  for (const h of noTunnels) outcome.hosts.push({ name: h.name, status: 'skipped', changes: [], tunnels: [], sshExecs: 0, durationMs: 0, error: NO_TUNNELS });
  await ui.stop();
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigint);

  const report = buildReport({
    command,
    check: ctx.check,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    hosts: outcome.hosts,
    batches: serial.length > 0 ? outcome.batches : undefined,
    stoppedBy: outcome.stoppedBy,
    groupsOf: (name) => groupsByHost.get(name),
  });
  const outputs: ReportOutputFlags = { json: reportJson, junit: junitFile, html: flags.reportHtml, md: flags.reportMd };
  await writeReportOutputs(report, outputs);
  ui.summary(
    command === 'status' ? statusTable(report) : command === 'ping' ? pingTable(report) : summaryTable(report, { onlyProblems: Boolean(flags.quiet) }),
  );

  // status fails when a tunnel is not up, so `pptp-fleet status` can gate a pipeline.
  const tunnelDown = command === 'status' && outcome.hosts.some((h) => h.tunnels.some((t) => t.verdict !== 'up' || t.running === false));
  const bad = tunnelDown || outcome.hosts.some((h) => h.status === 'failed' || h.status === 'unreachable');
  process.exitCode = outcome.interrupted
    ? EXIT.interrupted
    : bad || outcome.stoppedBy
      ? EXIT.failed
      : reportExitCode(report, Boolean(flags.detailedExitcode));
}

/** Without ssh-agent, the first of OpenSSH's default identities that exists. */
function defaultIdentity(): string | undefined {
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const file = path.join(os.homedir(), '.ssh', name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

function expandHome(p: string): string {
  return p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p;
}
