// Faults on the lab (issue 8): SSH cut at every distinct point of an apply, a shell cut off
// anywhere in its script, hung / stalled / slow routers, a dead package feed, a held package
// lock, a full disk, a changed host key, garbage router output, SIGINT mid-run. After each
// fault: nothing half-written, the host reported with its step, the rest of the fleet done,
// and a plain rerun converges (a second rerun changes nothing).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile, rm, cp, chmod, readdir, lstat, open as fsOpen } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab, LabRouter } from '../../packages/lab/src/index.js';
import { FACTS_COMMAND, factsScript } from '../../src/facts/gather.js';
import { parseFacts } from '../../src/facts/parse.js';
import { gzipOutputFor } from '../../src/shell/compress.js';
import { plannerPaths, restartMarkerPath } from '../../src/plan/plan.js';
import { LOGIN_SHELL } from '../../packages/lab/src/rootfs.js';
import { bytesWithin } from '../../packages/lab/src/ports.js';
import { auditLines, labArgs, root, routerPath, startLab, stopLab, tunnelDefinition } from './helpers.js';
import {
  FaultProxy,
  applyWith,
  freePort,
  hostKeyLine,
  hostOf,
  leftoverTemps,
  mixedFiles,
  routerExec,
  routerIdle,
  sleep,
  snapshot,
  startExtraRouter,
  stopExtraRouter,
  writeInventory,
  writeKnownHosts,
  waitFor,
  type ProxyPlan,
  type Report,
  type Snapshot,
} from './fault-helpers.js';

/** Every file pptp-fleet may write for tunnels office and office2, rootfs-relative. */
// Restart markers are not config: a cut between the config write and tunnels-up leaves one on
// purpose (so the rerun restarts the tunnel). They are checked on their own after each rerun.
const MARKERS = ['office', 'office2'].map((n) => restartMarkerPath(n).slice(1));
const FILES = plannerPaths(['office', 'office2'])
  .map((p) => p.slice(1))
  .filter((p) => !MARKERS.includes(p));

const router = (lab: Lab, name: string): LabRouter => {
  const r = lab.routers.find((x) => x.name === name);
  if (!r) throw new Error(`no router ${name}`);
  return r;
};

/** v1: the lab's tunnel office; office2 absent. v2: office with other options and a new route, office2 added. */
function v1(vars: Record<string, unknown>): void {
  const office = (vars['tunnels'] as Array<Record<string, unknown>>)[0]!;
  vars['tunnels'] = [office, { name: 'office2', state: 'absent' }];
}
function v2(vars: Record<string, unknown>): void {
  const office = { ...(vars['tunnels'] as Array<Record<string, unknown>>)[0]! };
  office['lcp_echo_interval'] = 10;
  office['lcp_echo_failure'] = 4;
  office['routes'] = ['10.20.0.0/16', '10.30.0.0/16'];
  vars['tunnels'] = [office, { ...office, name: 'office2', routes: ['10.40.0.0/16'], lcp_echo_interval: 20 }];
}

const failedLike = (s: string): boolean => s === 'failed' || s === 'unreachable';
/** Steps of the pipeline a host can be reported at. */
const STEPS = ['connect', 'facts', 'packages', 'apply', 'tunnels-up', 'verify', 'rollback'];

/** Big client→router chunks past the handshake are the scripts on stdin of the execs (facts, packages, config, tunnels-up). */
function scriptsIn(upChunks: Array<[number, number]>): Array<{ start: number; end: number; at: number }> {
  let offset = 0;
  const scripts: Array<{ start: number; end: number; at: number }> = [];
  upChunks.forEach(([at, n], i) => {
    if (i > 2 && n >= 1500) scripts.push({ start: offset, end: offset + n, at });
    offset += n;
  });
  return scripts;
}

describe('faults on a 15-router lab', () => {
  let lab: Lab;
  let work: string;
  const proxies: FaultProxy[] = [];
  const mounts: string[] = [];
  const extras: Array<ReturnType<typeof startExtraRouter>> = [];

  beforeAll(async () => {
    lab = await startLab({
      routers: 15,
      firmware: [
        ['openwrt', 1],
        ['openwrt-24', 1],
        ['whiterussian', 1],
        ['openwrt-apk', 1],
        ['openwrt', 9],
        ['openwrt-24', 1],
        ['openwrt', 1],
      ],
      scenario: [
        ['ok', 5],
        ['feed_down', 1],
        ['ssh_hang', 1],
        ['slow', 1],
        ['ok', 7],
      ],
    });
    work = await mkdtemp(path.join(os.tmpdir(), 'pf-faults-'));
  });

  afterAll(async () => {
    for (const p of proxies) await p.close();
    for (const e of extras) await stopExtraRouter(e);
    for (const m of mounts) {
      try {
        execFileSync('umount', [m]);
      } catch {
        // Not mounted any more.
      }
    }
    await stopLab(lab);
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** A proxy in front of each of `names`, with an inventory (edited by `vars`) and known_hosts that send them all through theirs. */
  async function proxiedAll(names: string[], vars: (v: Record<string, unknown>) => void, tag: string) {
    const byName = new Map<string, FaultProxy>();
    const hosts: Record<string, { port: number }> = {};
    const keyLines: string[] = [];
    for (const name of names) {
      const r = router(lab, name);
      const proxy = new FaultProxy(r.port);
      const port = await proxy.start();
      proxies.push(proxy);
      byName.set(name, proxy);
      hosts[name] = { port };
      keyLines.push(await hostKeyLine(lab, r, port));
    }
    const inventory = await writeInventory(lab, path.join(work, `${tag}-proxy.yaml`), hosts, vars);
    const knownHosts = await writeKnownHosts(lab, path.join(work, `${tag}-known_hosts`), keyLines);
    const direct = await writeInventory(lab, path.join(work, `${tag}-direct.yaml`), {}, vars);
    return { proxies: byName, inventory, knownHosts, direct };
  }

  /** A proxy in front of `name`, with an inventory (edited by `vars`) and known_hosts that use it. */
  async function proxied(name: string, vars: (v: Record<string, unknown>) => void, tag: string) {
    const { proxies: byName, ...rest } = await proxiedAll([name], vars, tag);
    return { proxy: byName.get(name)!, ...rest };
  }

  it(
    'SSH cut at every distinct point of an apply (handshake, facts, config transfer, tunnels-up): every file old or new, host failed with its step, the rest finishes, a rerun converges',
    async () => {
      // Four OpenWrt routers of scenario ok, each behind its own proxy and cut at its own point, so one
      // apply covers four points (a failing host never stops the others). The later tests of this file
      // leave these alone or provision them themselves: r009 (timeouts: stalled, then provisioned from
      // the lab inventory, which v1 equals), r012 (full disk: applies v1 itself first), r013 (changed
      // host key: refused before any command). r005, r010, r011 and r015 must stay fresh (first installs).
      const SWEEP = ['r001', 'r009', 'r012', 'r013'];
      // netifd's routers keep the tunnels in UCI: a cut leaves each of these files as it was before
      // the cut or as the rerun's converged run has it (uci commit writes whole files). Not the
      // versions of the first runs: our batch deletes and sets a changed section again, which puts
      // it at the end of its file, so after v1 → v2 → v1 the same sections stand in another order.
      const UCI = ['etc/config/network', 'etc/config/firewall'];
      let uciCut = 0; // cuts that left a UCI file changed (the check above is not only of untouched files)
      const limitOf = (names: string[]): string[] => ['--limit', [...names, 'r002'].join(',')];
      const rootfs = (name: string): string => router(lab, name).rootfs;
      const old = await writeInventory(lab, path.join(work, 'v1.yaml'), {}, v1);
      const { proxies: px, inventory, knownHosts, direct } = await proxiedAll(SWEEP, v2, 'sweep');
      // Provision with v1, then record what a v1 → v2 apply sends to each router, uncut.
      const first = await applyWith(lab, { inventory: old, reportName: 'sweep-v1', args: limitOf(SWEEP) });
      expect(first.code, first.stdout + first.stderr).toBe(0);
      const oldSnap = new Map<string, Snapshot>();
      for (const name of SWEEP) oldSnap.set(name, await snapshot(rootfs(name), FILES));
      const profileRun = await applyWith(lab, { inventory, knownHosts, reportName: 'sweep-profile', args: limitOf(SWEEP) });
      expect(profileRun.code, profileRun.stdout + profileRun.stderr).toBe(0);
      const newSnap = new Map<string, Snapshot>();
      for (const name of SWEEP) newSnap.set(name, await snapshot(rootfs(name), FILES));
      // Each router's cut offsets come from its own uncut connection (the byte offsets of one host
      // need not hold for another).
      const pointsOf = new Map<string, Array<{ point: string; k: number }>>();
      const scriptsOf = new Map<string, Array<{ start: number; end: number; at: number }>>();
      for (const name of SWEEP) {
        const conn = px.get(name)!.connections.at(-1)!;
        const scripts = scriptsIn(conn.upChunks);
        expect(scripts.length, `${name}: ${JSON.stringify(conn.upChunks)}`).toBe(3);
        scriptsOf.set(name, scripts);
        const points = [
          { point: 'handshake+10', k: 10 },
          { point: 'handshake+600', k: 600 },
          { point: 'before the first script', k: scripts[0]!.start - 150 },
        ];
        scripts.forEach((s, i) => {
          const script = ['facts', 'config', 'tunnels-up'][i]!;
          points.push(
            { point: `${script} exec requested, none of its stdin sent`, k: s.start },
            { point: `half the ${script} script (one SSH packet: none of it arrives)`, k: s.start + Math.floor((s.end - s.start) / 2) },
            { point: `the whole ${script} script arrived, dies while it runs`, k: s.end },
            { point: `${script} script arrived and stdin closed`, k: s.end + 48 },
          );
        });
        pointsOf.set(name, points);
      }
      const count = pointsOf.get(SWEEP[0]!)!.length;
      const back = await applyWith(lab, { inventory: old, reportName: 'sweep-reset0', args: limitOf(SWEEP) });
      expect(back.code, back.stdout + back.stderr).toBe(0);
      for (const name of SWEEP) expect(await snapshot(rootfs(name), FILES), name).toEqual(oldSnap.get(name));

      // Point p is cut on router p mod 4 in round ⌊p / 4⌋: every point once, each router a mix of phases.
      const outcomes: string[] = [];
      for (let round = 0; round * SWEEP.length < count; round++) {
        const cuts = SWEEP.flatMap((name, i) => {
          const p = pointsOf.get(name)![round * SWEEP.length + i];
          return p ? [{ name, ...p, tag: `${name} K=${p.k} (${p.point})` }] : [];
        });
        const limit = limitOf(cuts.map((c) => c.name));
        const preUci = new Map<string, Snapshot>();
        for (const c of cuts) preUci.set(c.name, await snapshot(rootfs(c.name), UCI));
        for (const c of cuts) px.get(c.name)!.plan = { cutAfterBytes: c.k };
        const cut = await applyWith(lab, { inventory, knownHosts, reportName: `sweep-cut-${round}`, args: [...limit, '--retries', '0'] });
        for (const c of cuts) px.get(c.name)!.plan = {};
        const h2 = hostOf(cut.report, 'r002');
        // Judge every cut host as the CLI left it, before any assertion can stop the round.
        const seen: Array<(typeof cuts)[number] & { h: ReturnType<typeof hostOf>; mid: Snapshot; midUci: Snapshot; temps: Awaited<ReturnType<typeof leftoverTemps>> }> = [];
        for (const c of cuts) seen.push({ ...c, h: hostOf(cut.report, c.name), mid: await snapshot(rootfs(c.name), FILES), midUci: await snapshot(rootfs(c.name), UCI), temps: await leftoverTemps(rootfs(c.name)) });
        for (const { tag, h, temps } of seen) {
          outcomes.push(`${tag}: ${h.status} at ${h.step ?? '-'}: ${h.error ?? ''}; ${temps.length} temp file(s) left`);
          console.log(outcomes.at(-1));
        }
        // Each cut host is reported failed or unreachable, with the step it was at; r002 finishes.
        expect({ cuts: cuts.map((c) => c.tag), code: cut.code }).toEqual({ cuts: cuts.map((c) => c.tag), code: 1 });
        expect(['ok', 'changed'], `round ${round} r002 ${JSON.stringify(h2)}`).toContain(h2.status);
        for (const { name, tag, h, mid, temps } of seen) {
          expect(failedLike(h.status), `${tag} ${JSON.stringify(h)}`).toBe(true);
          expect(h.step, tag).toBeTruthy();
          // (soft: SSH errors are reported at step "exec", not the pipeline step: a bug, see the report)
          expect.soft(STEPS, `${tag} step of ${JSON.stringify(h)}`).toContain(h.step);
          expect(h.error, tag).toBeTruthy();
          // Every managed file is the whole old or the whole new version; temp files are private.
          expect(mixedFiles(oldSnap.get(name)!, mid, newSnap.get(name)!), tag).toEqual([]);
          for (const t of temps) expect(t.mode, `${tag} ${t.path}`).toBe('600');
        }

        const rerun = await applyWith(lab, { inventory: direct, reportName: `sweep-rerun-${round}`, args: limit });
        expect(rerun.code, `round ${round} rerun: ${rerun.stdout}${rerun.stderr}`).toBe(0);
        for (const { name, tag, midUci } of seen) {
          expect(await snapshot(rootfs(name), FILES), `${tag} rerun`).toEqual(newSnap.get(name));
          expect(mixedFiles(preUci.get(name)!, midUci, await snapshot(rootfs(name), UCI)), `${tag}: UCI files`).toEqual([]);
          if (UCI.some((f) => midUci[f] !== preUci.get(name)![f])) uciCut++;
          expect(await snapshot(rootfs(name), MARKERS), `${tag}: restart markers consumed by the rerun`).toEqual(
            Object.fromEntries(MARKERS.map((m) => [m, 'missing'])),
          );
          // Converged means running too: the tunnel carries v2's extra route (its ip-up ran with v2).
          const routes = await readFile(routerPath(lab, name, 'lab/state/routes'), 'utf8');
          // (soft: a failure here is the stale-tunnel bug described in the report; the sweep goes on)
          expect.soft(routes, `${tag}: office runs the v2 config after the rerun`).toContain('10.30.0.0');
          if (!routes.includes('10.30.0.0')) outcomes.push(`${tag}: STALE — the rerun left office running its v1 config`);
        }
        const again = await applyWith(lab, { inventory: direct, reportName: `sweep-again-${round}`, args: limit });
        expect(again.code).toBe(0);
        for (const { name, tag } of cuts) {
          // (soft: the lab's route stand-in can lose routes when two ip-up/ip-down run at once — lab bug, see the report)
          expect.soft(hostOf(again.report, name), `${tag} second rerun`).toMatchObject({ status: 'ok', changes: [] });
        }

        const reset = await applyWith(lab, { inventory: old, reportName: `sweep-reset-${round}`, args: limit });
        expect(reset.code, `round ${round} reset: ${reset.stdout}`).toBe(0);
        for (const { name, tag } of cuts) expect(await snapshot(rootfs(name), FILES), `${tag} reset`).toEqual(oldSnap.get(name));
      }
      console.log(`UCI files changed at ${uciCut} cut points`);
      expect(uciCut, 'cut points after the config script committed UCI').toBeGreaterThan(0);
      const scripts = SWEEP.map((name) => `${name} ${JSON.stringify(scriptsOf.get(name))}`).join('; ');
      console.log(`cut sweep over ${count} points on ${SWEEP.length} routers (scripts at ${scripts}):\n${outcomes.join('\n')}`);
    },
    1_200_000,
  );

  it(
    'an apply shell cut off anywhere in its script (truncated stdin or SIGKILL) leaves every managed file the whole old or new version',
    async () => {
      const r1 = router(lab, 'r001');
      const old = await writeInventory(lab, path.join(work, 'rp-v1.yaml'), { r001: {} }, v1);
      const nu = await writeInventory(lab, path.join(work, 'rp-v2.yaml'), { r001: {} }, v2);
      const limit = ['--limit', 'r001'];
      expect((await applyWith(lab, { inventory: old, reportName: 'rp-v1', args: limit })).code).toBe(0);
      // Capture the real config script of a v1 → v2 apply: a login shell that tees the apply's stdin.
      const shellPath = routerPath(lab, 'r001', 'lab/bin/login-shell');
      const tee = LOGIN_SHELL.replace(
        '\texec /bin/sh -c "$2"',
        '\tcase "$2" in *pptp-fleet:apply) /bin/busybox tee /tmp/pf-captured | /bin/sh -c "$2"; exit $? ;; esac\n\texec /bin/sh -c "$2"',
      );
      expect(tee).not.toBe(LOGIN_SHELL);
      await writeFile(shellPath, tee);
      try {
        expect((await applyWith(lab, { inventory: nu, reportName: 'rp-v2', args: limit })).code).toBe(0);
      } finally {
        await writeFile(shellPath, LOGIN_SHELL);
      }
      const script = await readFile(routerPath(lab, 'r001', 'tmp/pf-captured'), 'utf8');
      expect(script).toContain('PF-END');
      // Go back to v1 and keep a copy of its files inside the router.
      expect((await applyWith(lab, { inventory: old, reportName: 'rp-v1b', args: limit })).code).toBe(0);
      // r001 (23.05) runs office as a netifd interface: its definition and zone are UCI files
      const files = [...FILES, 'etc/config/network', 'etc/config/firewall'].map((f) => `/${f}`);
      // The cut points: every line boundary around the lines that write, check, chmod or rename a file,
      // and bytes inside those lines and inside each file's content (the here-document).
      const cuts = new Set<number>([0, Buffer.byteLength(script)]);
      let at = 0;
      let inDoc = false;
      for (const line of script.split('\n')) {
        const len = Buffer.byteLength(line) + 1;
        const critical = /pf_tmp|pf_sum|mv -f|chmod|PF-OK/.test(line);
        if (critical) {
          cuts.add(at);
          cuts.add(at + Math.floor(len / 3));
          cuts.add(at + Math.floor((2 * len) / 3));
        }
        if (inDoc && len > 2) cuts.add(at + Math.floor(len / 2));
        if (/<<'\w?PFEOF_/.test(line)) inDoc = true;
        else if (/^\w?PFEOF_/.test(line)) inDoc = false;
        at += len;
        if (critical) cuts.add(Math.min(at, Buffer.byteLength(script)));
      }
      const kills = Array.from({ length: 20 }, (_, i) => 2 + i * 6);
      // One exec: for each cut, put the v1 files back, run the truncated script, print the state.
      const loop = `
set -u
F='${files.join(' ')}'
mkdir -p /tmp/pf-old
i=0; for f in $F; do rm -rf /tmp/pf-old/$i; [ -e $f ] || [ -L $f ] && cp -a $f /tmp/pf-old/$i; i=$((i+1)); done
restore() { rm -rf /tmp/.uci; i=0; for f in $F; do rm -f $f; [ -e /tmp/pf-old/$i ] || [ -L /tmp/pf-old/$i ] && cp -a /tmp/pf-old/$i $f; i=$((i+1)); done; }
state() { for f in $F; do if [ -L $f ]; then echo "$f link $(readlink $f)"; elif [ -f $f ]; then echo "$f $(ls -ln $f | cut -c1-10) $(md5sum < $f | cut -c1-32)"; else echo "$f missing"; fi; done; }
echo "@ old"; state
for k in ${[...cuts].sort((a, b) => a - b).join(' ')}; do
  restore
  head -c $k /tmp/pf-captured | /bin/sh -s -- pptp-fleet:apply >/dev/null 2>&1
  echo "@ cut $k"; state
done
for d in ${kills.join(' ')}; do
  restore
  /bin/sh -s -- pptp-fleet:apply < /tmp/pf-captured >/dev/null 2>&1 &
  p=$!; /bin/busybox usleep $((d * 1000)); kill -9 $p 2>/dev/null; wait $p 2>/dev/null
  echo "@ kill $d"; state
done
restore
/bin/sh -s -- pptp-fleet:apply < /tmp/pf-captured >/dev/null 2>&1
echo "@ new"; state
restore
`;
      const res = await routerExec(lab, r1, '/bin/sh -s', loop, 900_000);
      expect(res.exitCode, res.stderr).toBe(0);
      const states = new Map<string, Snapshot>();
      let cur: Snapshot | undefined;
      for (const line of res.stdout.split('\n')) {
        if (line.startsWith('@ ')) {
          cur = {};
          states.set(line.slice(2), cur);
        } else if (cur && line.trim()) {
          const [f, ...rest] = line.split(' ');
          cur[f!] = rest.join(' ');
        }
      }
      const before = states.get('old')!;
      const after = states.get('new')!;
      expect(before).toBeDefined();
      expect(after).toBeDefined();
      expect(after).not.toEqual(before);
      for (const f of Object.keys(after)) if (after[f] !== 'missing') expect(after[f], f).not.toContain('rw-r--r--x');
      const bad: string[] = [];
      let sawPartial = 0;
      for (const [label, st] of states) {
        const mixed = mixedFiles(before, st, after);
        if (mixed.length > 0) bad.push(`${label}: ${mixed.map((m) => `${m}=${st[m]}`).join(', ')}`);
        if (label !== 'old' && label !== 'new' && JSON.stringify(st) !== JSON.stringify(before) && JSON.stringify(st) !== JSON.stringify(after)) sawPartial++;
      }
      console.log(`replayed ${cuts.size} truncations and ${kills.length} kills of a ${Buffer.byteLength(script)}-byte apply script; ${sawPartial} stopped part-way`);
      expect(bad).toEqual([]);
      // The sweep did stop scripts part-way (some files new, some old), or it proved nothing.
      expect(sawPartial).toBeGreaterThan(3);
      // The apply script never truncates a target in place: mv is the only command that touches it.
      for (const line of script.split('\n')) {
        if (/"\$pf_dst"/.test(line) && !/^pf_dst=/.test(line)) expect(line, line).toMatch(/^(mv -f "\$pf_tmp" "\$pf_dst"|if \[ -L "\$pf_dst" \])/);
      }
      // A plain apply still converges from whatever the replays left, and changes nothing the second time.
      expect((await applyWith(lab, { inventory: nu, reportName: 'rp-after', args: limit })).code).toBe(0);
      const again = await applyWith(lab, { inventory: nu, reportName: 'rp-after2', args: limit });
      expect(hostOf(again.report, 'r001'), JSON.stringify(hostOf(again.report, 'r001'))).toMatchObject({ status: 'ok', changes: [] });
    },
    1_200_000,
  );

  it(
    'a cut during the package install or the first tunnel start leaves no half file, and the rerun converges',
    async () => {
      // r003 (whiterussian) and r004 (openwrt-apk) are fresh: their first apply installs packages.
      const cases: Array<{ name: string; plan: (p: { start: number; end: number; at: number }[]) => ProxyPlan; expectStep: string[] }> = [
        // The packages script arrives whole, then the connection dies while the package manager runs.
        { name: 'r003', plan: (s) => ({ cutAfterBytes: s[1]!.end }), expectStep: ['packages'] },
        // Cut while the package manager runs, by time (timing varies with load: any step, but one).
        { name: 'r004', plan: (s) => ({ cutAfterMs: s[1]!.at + 60 }), expectStep: STEPS },
        // Cut while the first tunnel start runs: 300 ms after its script arrived (by time since
        // connect, a loaded machine could finish the run first).
        { name: 'r005', plan: () => ({ cutAfterScripts: { count: 4, delayMs: 300 } }), expectStep: STEPS },
      ];
      // The byte/time profile of a first apply, measured on fresh r015 (the garbage test reprovisions it anyway).
      const profile = await proxied('r015', () => undefined, 'pk-profile');
      const p = await applyWith(lab, { inventory: profile.inventory, knownHosts: profile.knownHosts, reportName: 'pk-profile', args: ['--limit', 'r015'] });
      expect(p.code, p.stdout).toBe(0);
      const scripts = scriptsIn(profile.proxy.connections.at(-1)!.upChunks);
      expect(scripts.length).toBe(4); // facts, packages, config, tunnels-up
      const names = cases.map((c) => c.name);
      const pristine = new Map<string, Snapshot>();
      for (const name of names) pristine.set(name, await snapshot(router(lab, name).rootfs, FILES));
      const { proxies: px, inventory, knownHosts, direct } = await proxiedAll(names, () => undefined, 'pk');
      // The routers are independent: the cuts by bytes and by script count (which load does not move)
      // share one apply; the cut by time since connect gets an apply of its own, as loaded as the profile's.
      const mid = new Map<string, Snapshot>();
      for (const group of [['r003', 'r005'], ['r004']]) {
        for (const c of cases.filter((x) => group.includes(x.name))) px.get(c.name)!.plan = c.plan(scripts);
        const cut = await applyWith(lab, { inventory, knownHosts, reportName: `pk-cut-${group.join('-')}`, args: ['--limit', `${group.join(',')},r002`, '--retries', '0'] });
        for (const name of group) px.get(name)!.plan = {};
        for (const c of cases.filter((x) => group.includes(x.name))) {
          const h = hostOf(cut.report, c.name);
          expect(failedLike(h.status), JSON.stringify(h)).toBe(true);
          expect.soft(c.expectStep, JSON.stringify(h)).toContain(h.step);
        }
        expect(['ok', 'changed']).toContain(hostOf(cut.report, 'r002').status);
        for (const name of group) mid.set(name, await snapshot(router(lab, name).rootfs, FILES));
      }
      // Let whatever still runs on the routers finish before judging convergence.
      for (const name of names) await waitFor(`${name}: the cut scripts finished`, () => routerIdle(lab, router(lab, name)));
      const rerun = await applyWith(lab, { inventory: direct, reportName: 'pk-rerun', args: ['--limit', names.join(',')] });
      expect(rerun.code, `${names.join(',')}: ${rerun.stdout}${rerun.stderr}`).toBe(0);
      for (const name of names) {
        expect(hostOf(rerun.report, name).tunnels[0]?.verdict, name).toBe('up');
        const done = await snapshot(router(lab, name).rootfs, FILES);
        expect(mixedFiles(pristine.get(name)!, mid.get(name)!, done), name).toEqual([]);
      }
      const again = await applyWith(lab, { inventory: direct, reportName: 'pk-again', args: ['--limit', names.join(',')] });
      for (const name of names) expect(hostOf(again.report, name), name).toMatchObject({ status: 'ok', changes: [] });
    },
    600_000,
  );

  it(
    'hung handshake, stalled connection, slow router and dead feed each fail alone within their timeouts',
    async () => {
      const stallFacts = await proxied('r009', () => undefined, 'stall');
      // Stall once the facts exec is requested: the router never gets the script, nothing comes back.
      stallFacts.proxy.plan = { stallAfterBytes: 3000 };
      const t0 = Date.now();
      const res = await applyWith(lab, {
        inventory: stallFacts.inventory,
        knownHosts: stallFacts.knownHosts,
        reportName: 'timeouts',
        args: ['--limit', 'r002,r006,r007,r008,r009', '--forks', '10', '--connect-timeout', '2000', '--command-timeout', '2500', '--retries', '1'],
        deadlineMs: 60_000,
      });
      // (soft: the CLI writes its report, then never exits while the stalled socket stays half-open — bug, see the report)
      expect.soft(res.hung, 'the CLI exits after its last host').toBe(false);
      expect(res.report, res.stdout).not.toBeNull();
      const wall = Date.now() - t0;
      stallFacts.proxy.plan = {};
      if (!res.hung) expect(res.code, res.stdout + res.stderr).toBe(1);
      const byName = Object.fromEntries(res.report!.hosts.map((h) => [h.name, h]));
      // ssh_hang: TCP accepted, no SSH banner: unreachable at connect after 2 attempts of 2 s.
      expect(byName['r007']).toMatchObject({ status: 'unreachable', step: 'connect' });
      expect(byName['r007']!.error).toMatch(/no SSH handshake .* within 2000 ms after 2 attempts/);
      // slow: every exec waits 3 s, more than the 2.5 s command timeout.
      expect(byName['r008']!.status).toBe('failed');
      expect.soft(byName['r008']!.step, 'slow: step').toBe('facts');
      expect(byName['r008']!.error).toMatch(/did not finish within 2500 ms|timed out/);
      // Stalled mid-command: the facts exec never answers.
      expect(failedLike(byName['r009']!.status)).toBe(true);
      expect.soft(byName['r009']!.step, 'stalled: step').toBe('facts');
      // feed_down: fails at packages before any configuration is pushed.
      expect(byName['r006']).toMatchObject({ status: 'failed', step: 'packages' });
      expect(byName['r006']!.error).toBeTruthy();
      // The healthy router was not held up by any of them.
      expect(['ok', 'changed']).toContain(byName['r002']!.status);
      // (Bounds are generous: the machine is shared. A host that hangs instead waits the CLI's deadline.)
      expect(byName['r002']!.durationMs).toBeLessThan(20_000);
      // Nobody waits much longer than its own timeouts (+ close and backoff slack).
      for (const n of ['r007', 'r008', 'r009']) expect(byName[n]!.durationMs, n).toBeLessThan(30_000);
      if (!res.hung) expect(wall).toBeLessThan(60_000);
      const audit6 = await auditLines(lab, 'r006');
      expect(audit6.some((l) => l.includes('pptp-fleet:apply')), audit6.join(' | ')).toBe(false);
      await expect(readdir(routerPath(lab, 'r006', 'etc/ppp/peers'))).rejects.toThrow();
      await expect(tunnelDefinition(lab, 'r006', 'office'), 'r006: no netifd interface either').rejects.toThrow(/no interface office/);
      expect((await snapshot(router(lab, 'r006').rootfs, ['etc/ppp/chap-secrets']))['etc/ppp/chap-secrets']).toBe('link:/rom/etc/ppp/chap-secrets');
      expect(await auditLines(lab, 'r007')).toEqual([]);
      console.log(`timeouts run: ${wall} ms; ${res.report!.hosts.map((h) => `${h.name} ${h.status}@${h.step ?? '-'} ${h.durationMs}ms: ${h.error ?? ''}`).join('\n')}`);

      // A router that stops answering after the config script arrived (the command runs, no output comes back).
      const stallApply = await proxied('r009', () => undefined, 'stall2');
      stallApply.proxy.plan = {};
      const ok = await applyWith(lab, { inventory: stallApply.inventory, knownHosts: stallApply.knownHosts, reportName: 'stall-first', args: ['--limit', 'r009'] });
      expect(ok.code, ok.stdout).toBe(0);
      const v2Inv = await writeInventory(lab, path.join(work, 'stall-v2.yaml'), { r009: { port: stallApply.proxy.port } }, v2);
      // Measure the bytes of a connection that only gathers facts, then stall once the config exec is under way.
      const probe = await applyWith(lab, { inventory: v2Inv, knownHosts: stallApply.knownHosts, reportName: 'stall-probe', args: ['--limit', 'r009', '--check'] });
      expect(probe.code).toBe(0);
      const factsEnd = stallApply.proxy.connections.at(-1)!.up;
      stallApply.proxy.plan = { stallAfterBytes: factsEnd + 800 };
      const t1 = Date.now();
      const st = await applyWith(lab, { inventory: v2Inv, knownHosts: stallApply.knownHosts, reportName: 'stall-apply', args: ['--limit', 'r009', '--command-timeout', '2000'], deadlineMs: 40_000 });
      expect.soft(st.hung, 'the CLI exits after a stalled apply').toBe(false);
      stallApply.proxy.plan = {};
      const h9 = hostOf(st.report, 'r009');
      expect(failedLike(h9.status), JSON.stringify(h9)).toBe(true);
      if (!st.hung) expect(Date.now() - t1).toBeLessThan(35_000);
      const fixed = await applyWith(lab, { inventory: await writeInventory(lab, path.join(work, 'stall-v2d.yaml'), {}, v2), reportName: 'stall-rerun', args: ['--limit', 'r009'] });
      expect(fixed.code, fixed.stdout).toBe(0);
    },
    300_000,
  );

  it(
    'a package lock held by another run is waited for; held too long, the host fails clearly and nothing is configured',
    async () => {
      const r10 = router(lab, 'r010');
      const r11 = router(lab, 'r011');
      // hold-lock runs in the background on the router like a concurrent opkg.
      await routerExec(lab, r10, '/lab/bin/hold-lock 8 </dev/null >/dev/null 2>&1 &');
      await routerExec(lab, r11, '/lab/bin/hold-lock 90 </dev/null >/dev/null 2>&1 &');
      for (const r of [r10, r11]) await waitFor(`${r.name}: the lock is held`, async () => (await routerExec(lab, r, '[ -s "$(cat /lab/pkg-lock)" ]')).exitCode === 0);
      const res = await applyWith(lab, { reportName: 'lock', args: ['--limit', 'r010,r011'] });
      const h10 = hostOf(res.report, 'r010');
      const h11 = hostOf(res.report, 'r011');
      expect(['changed']).toContain(h10.status);
      expect(h10.tunnels[0]?.verdict).toBe('up');
      expect(h11).toMatchObject({ status: 'failed', step: 'packages' });
      expect(h11.error).toMatch(/locked after 10 tries/);
      await expect(readdir(routerPath(lab, 'r011', 'etc/ppp/peers'))).rejects.toThrow();
      await expect(tunnelDefinition(lab, 'r011', 'office'), 'r011: no netifd interface either').rejects.toThrow(/no interface office/);
      // Free the lock (the holder's pid is in the lock file), then a rerun converges.
      await routerExec(lab, r11, 'kill "$(cat "$(cat /lab/pkg-lock)")"; true');
      await waitFor('r011: the lock is released', async () => (await routerExec(lab, r11, '[ ! -e "$(cat /lab/pkg-lock)" ]')).exitCode === 0);
      const again = await applyWith(lab, { reportName: 'lock-rerun', args: ['--limit', 'r011'] });
      expect(again.code, again.stdout + again.stderr).toBe(0);
    },
    300_000,
  );

  it(
    'a full disk fails the write, keeps the old file whole and says which file',
    async () => {
      const r12 = router(lab, 'r012');
      const old = await writeInventory(lab, path.join(work, 'disk-v1.yaml'), {}, v1);
      expect((await applyWith(lab, { inventory: old, reportName: 'disk-v1', args: ['--limit', 'r012'] })).code).toBe(0);
      const before = await snapshot(r12.rootfs, FILES);
      // /etc/ppp becomes a 64 KiB tmpfs holding the same files, then filled up.
      const etcPpp = path.join(r12.rootfs, 'etc/ppp');
      const saved = path.join(work, 'r012-etc-ppp');
      await cp(etcPpp, saved, { recursive: true, verbatimSymlinks: true });
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=755', 'tmpfs', etcPpp]);
      mounts.push(etcPpp);
      await cp(saved, etcPpp, { recursive: true, verbatimSymlinks: true });
      for (const f of await readdir(saved, { recursive: true })) {
        // cp keeps contents; modes are part of "old" too.
        const st = await lstat(path.join(saved, f));
        if (!st.isSymbolicLink()) await chmod(path.join(etcPpp, f), st.mode & 0o777);
      }
      const filler = await fsOpen(path.join(etcPpp, '.filler'), 'w');
      try {
        for (;;) await filler.write(Buffer.alloc(4096, 1));
      } catch {
        // ENOSPC: full.
      } finally {
        await filler.close();
      }
      expect(await snapshot(r12.rootfs, FILES)).toEqual(before);
      // A second dropbear of r012 sees the tmpfs (mounts made after a sandbox started do not propagate).
      const port = await freePort();
      const extra = startExtraRouter(r12, port);
      extras.push(extra);
      await waitFor(`the second dropbear of r012 on port ${port} answers`, async () => /^SSH-2\.0-/.test(await bytesWithin(port, 1000).catch(() => '')));
      const inventory = await writeInventory(lab, path.join(work, 'disk-v2.yaml'), { r012: { port } }, v2);
      const knownHosts = await writeKnownHosts(lab, path.join(work, 'disk-known_hosts'), [await hostKeyLine(lab, r12, port)]);
      const res = await applyWith(lab, { inventory, knownHosts, reportName: 'disk', args: ['--limit', 'r012,r002'] });
      const h = hostOf(res.report, 'r012');
      console.log(`disk full: ${h.status} at ${h.step}: ${h.error}`);
      expect(h).toMatchObject({ status: 'failed', step: 'apply' });
      expect(h.error).toMatch(/write-file \/etc\/ppp\/\S+ failed/);
      expect(['ok', 'changed']).toContain(hostOf(res.report, 'r002').status);
      expect(await snapshot(r12.rootfs, FILES)).toEqual(before);
      expect((await leftoverTemps(r12.rootfs)).filter((t) => t.path.startsWith('etc/ppp'))).toEqual([]);
      // The error should say the disk is full, not only that a temp file could not be written.
      expect(h.error, 'the message names the cause (no space left)').toMatch(/space|full/i);
    },
    300_000,
  );

  it(
    'a changed host key is refused before any command, with both fingerprints, even with --accept-new-host-keys',
    async () => {
      const r13 = router(lab, 'r013');
      const keyDir = await mkdtemp(path.join(work, 'key-'));
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(keyDir, 'k')]);
      const fake = (await readFile(path.join(keyDir, 'k.pub'), 'utf8')).trim().split(' ').slice(0, 2).join(' ');
      const real = (await readFile(lab.knownHostsPath, 'utf8')).split('\n').find((l) => l.startsWith(`[127.0.0.1]:${r13.port} `))!;
      const khText = (await readFile(lab.knownHostsPath, 'utf8')).replace(real, `[127.0.0.1]:${r13.port} ${fake}`);
      const kh = path.join(work, 'changed_known_hosts');
      await writeFile(kh, khText);
      const fp = (line: string): string => {
        const f = path.join(keyDir, 'fp.pub');
        execFileSync('sh', ['-c', `printf '%s\\n' "$1" > "$2"`, 'sh', line, f]);
        return execFileSync('ssh-keygen', ['-lf', f], { encoding: 'utf8' }).split(' ')[1]!;
      };
      const expectedFp = fp(fake);
      const presentedFp = fp(real.split(' ').slice(1).join(' '));
      for (const extra of [[], ['--accept-new-host-keys']]) {
        const auditBefore = (await auditLines(lab, 'r013')).length;
        const res = await applyWith(lab, { knownHosts: kh, reportName: `hostkey-${extra.length}`, args: ['--limit', 'r013,r002', ...extra] });
        const h = hostOf(res.report, 'r013');
        expect(h).toMatchObject({ status: 'unreachable', step: 'connect' });
        expect(h.error).toContain('HAS CHANGED');
        expect(h.error).toContain(expectedFp);
        expect(h.error).toContain(presentedFp);
        expect(res.stdout + res.stderr).toContain(presentedFp);
        expect((await auditLines(lab, 'r013')).length, 'not one command reached the router').toBe(auditBefore);
        expect(await readFile(kh, 'utf8'), 'known_hosts untouched').toBe(khText);
        expect(['ok', 'changed']).toContain(hostOf(res.report, 'r002').status);
      }
    },
    120_000,
  );

  it(
    'router output the parsers do not expect (garbage pppd, 100 KB lsmod) gives a clear per-host error or a sane result, never a crash',
    async () => {
      // Provision both, then replace their tools with garbage printers.
      const pre = await applyWith(lab, { reportName: 'garbage-pre', args: ['--limit', 'r014,r015'] });
      expect(pre.code, pre.stdout).toBe(0);
      const garbage = `#!/bin/sh\nhead -c 102400 /dev/urandom | /bin/busybox od -An -tx1 -v | head -c 102400\necho\nexit 0\n`;
      const line = `#!/bin/sh\nhead -c 102400 /dev/zero | tr '\\\\000' 'x'\nexit 0\n`;
      await writeFile(routerPath(lab, 'r014', 'usr/sbin/pppd'), line, { mode: 0o755 });
      await writeFile(routerPath(lab, 'r015', 'sbin/lsmod'), garbage, { mode: 0o755 });
      // Facts output size with that garbage: what one exec sends back.
      for (const name of ['r014', 'r015']) {
        const f = await routerExec(lab, router(lab, name), FACTS_COMMAND, factsScript(plannerPaths(['office'])));
        console.log(`facts output of ${name} with garbage: ${Buffer.byteLength(f.stdout)} bytes`);
      }
      const res = await applyWith(lab, { reportName: 'garbage', args: ['--limit', 'r014,r015,r002'] });
      expect([0, 1]).toContain(res.code);
      expect(res.report, res.stderr).not.toBeNull();
      expect(res.stderr).not.toMatch(/TypeError|RangeError|at .*\.js:\d+/);
      for (const name of ['r014', 'r015']) {
        const h = hostOf(res.report, name);
        console.log(`garbage ${name}: ${h.status} at ${h.step ?? '-'}: ${(h.error ?? '').slice(0, 300)}`);
        if (failedLike(h.status)) {
          expect(h.error!.length).toBeLessThan(2000);
          expect(h.error).not.toMatch(/undefined|\[object/);
        }
      }
      expect(['ok', 'changed']).toContain(hostOf(res.report, 'r002').status);
    },
    180_000,
  );
});

describe('SIGINT mid-run and facts output size on a 20-router lab', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await startLab({
      routers: 20,
      firmware: [
        ['whiterussian', 5],
        ['openwrt', 5],
        ['openwrt-24', 5],
        ['openwrt-apk', 5],
      ],
    });
  });

  afterAll(async () => {
    await stopLab(lab);
  });

  it(
    'SIGINT during a 20-router apply with --forks 2: exit 130, report written, no half-written file, rerun converges',
    async () => {
      const pristine = new Map<string, Snapshot>();
      for (const r of lab.routers) pristine.set(r.name, await snapshot(r.rootfs, FILES));
      const reportFile = path.join(lab.dir, 'sigint.json');
      const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), 'apply', ...labArgs(lab), '--forks', '2', '--report-json', reportFile], {
        cwd: root,
        env: { ...process.env, CI: 'true', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
      // Wait until some hosts are done and others are in flight.
      for (let i = 0; i < 300 && (out.match(/ changed \(/g) ?? []).length < 3; i++) await sleep(100);
      child.kill('SIGINT');
      const code = await exited;
      expect(code, out).toBe(130);
      const report = JSON.parse(await readFile(reportFile, 'utf8')) as Report;
      expect(report.hosts).toHaveLength(20);
      const skipped = report.hosts.filter((h) => h.status === 'skipped');
      expect(skipped.length, 'hosts not started are skipped').toBeGreaterThan(0);
      for (const h of skipped) expect(h.error).toBe('interrupted');
      const mid = new Map<string, Snapshot>();
      for (const r of lab.routers) mid.set(r.name, await snapshot(r.rootfs, FILES));
      const rerun = await applyWith(lab, { reportName: 'sigint-rerun', args: ['--forks', '10'] });
      expect(rerun.code, rerun.stdout).toBe(0);
      for (const r of lab.routers) {
        const done = await snapshot(r.rootfs, FILES);
        expect(mixedFiles(pristine.get(r.name)!, mid.get(r.name)!, done), r.name).toEqual([]);
        expect(hostOf(rerun.report, r.name).tunnels[0]?.verdict, r.name).toBe('up');
      }
      const again = await applyWith(lab, { reportName: 'sigint-again', args: ['--forks', '10'] });
      for (const h of again.report!.hosts) expect({ n: h.name, c: h.changes }).toEqual({ n: h.name, c: [] });
      console.log(`SIGINT: ${report.hosts.map((h) => `${h.name}=${h.status}`).join(' ')}`);
    },
    600_000,
  );

  it('keeps the facts output of one exec under 14 KB with one, two and three tunnels (compressed from two where the router has gzip)', async () => {
    const sizes: string[] = [];
    const inventories = new Map<number, string>();
    for (const count of [2, 3]) {
      const file = path.join(lab.dir, `tunnels-${count}.yaml`);
      await writeInventory(lab, file, {}, (vars) => {
        const office = (vars['tunnels'] as Array<Record<string, unknown>>)[0]!;
        vars['tunnels'] = [office, ...Array.from({ length: count - 1 }, (_, i) => ({ ...office, name: `office${i + 2}`, routes: [`10.${40 + i}.0.0/16`] }))];
      });
      inventories.set(count, file);
    }
    const pick = ['r001', 'r006', 'r011', 'r016'];
    for (const count of [1, 2, 3]) {
      if (count > 1) {
        const r = await applyWith(lab, { inventory: inventories.get(count)!, reportName: `tunnels-${count}`, args: ['--limit', pick.join(',')] });
        expect(r.code, r.stdout).toBe(0);
      }
      for (const name of pick) {
        const r = lab.routers.find((x) => x.name === name)!;
        const names = ['office', 'office2', 'office3'].slice(0, count);
        // As the engine sends it (engine/host.ts): compressed from two tunnels on.
        const f = await routerExec(lab, r, FACTS_COMMAND, gzipOutputFor(count, factsScript(plannerPaths(names))));
        const wire = f.stdoutWireBytes + Buffer.byteLength(f.stderr);
        const text = f.stdout;
        const compressed = f.stdoutWireBytes !== Buffer.byteLength(text);
        sizes.push(`${r.firmware} ${count} tunnel(s): ${wire} bytes on the wire${compressed ? ` (${Buffer.byteLength(text)} before gzip)` : ''}`);
        // Every tunnel is there and up, whatever the encoding.
        // (hand-run pppd on White Russian: ppp-NAME.pid by linkname; netifd's pppd: pptp-NAME.pid by interface)
        const alive = parseFacts(text).pppd.filter((p) => p.alive);
        const netifd = r.firmware !== 'whiterussian';
        expect(alive.map((p) => `${p.by ?? 'linkname'}:${p.linkname}`).sort(), `${r.firmware} ${count}`).toEqual(names.map((n) => (netifd ? `ifname:pptp-${n}` : `linkname:${n}`)).sort());
        // Started together, each pppd still has its own unit, as the kernel hands them out (netifd's: its own process).
        if (netifd) expect(new Set(alive.map((p) => p.pid)).size, `${r.firmware} ${count}: ${alive.map((p) => p.pid).join(' ')}`).toBe(count);
        else expect(new Set(alive.map((p) => p.iface)).size, `${r.firmware} ${count}: ${alive.map((p) => p.iface).join(' ')}`).toBe(count);
        expect(compressed, `${r.firmware} ${count}: compressed only from two tunnels, and only with gzip`).toBe(count >= 2 && r.firmware !== 'whiterussian');
        // The limit is that of OpenWrt 18.06+ dropbear; White Russian's older dropbear has none.
        if (r.firmware !== 'whiterussian' || count <= 2) expect(wire, `${r.firmware} with ${count} tunnel(s)`).toBeLessThan(14 * 1024);
      }
    }
    console.log(`facts output sizes:\n${sizes.join('\n')}`);
  }, 240_000);
});
