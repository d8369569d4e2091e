import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { loadReport } from '../../src/cli/commands/report.js';
import { buildLabProgram } from '../../packages/lab/src/commands.js';
import { buildProgram } from '../../src/cli/program.js';
import { InputError } from '../../src/errors.js';
import { serializeReport } from '../../src/report/json.js';
import { fleetReport } from '../fixtures/reports/fleet.js';

const fixture = (name: string): string => new URL(`../fixtures/reports/${name}`, import.meta.url).pathname;

describe('loadReport (pptp-fleet report)', () => {
  it.each([
    ['not-a-report.json', /not-a-report\.json: version: not a pptp-fleet report/],
    ['bad-host-status.json', /bad-host-status\.json: hosts\.\d+\.status: /],
    ['missing.json', /missing\.json: cannot read a pptp-fleet report: .*ENOENT/],
  ])('%s is bad input naming the file and field', async (name, message) => {
    const err = await loadReport(fixture(name)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(message);
  });

  it('reads back what --report-json wrote, evidence, groups and status fields included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-rep-'));
    const report = fleetReport();
    report.hosts[0]!.tunnels[0]!.running = true;
    report.hosts[0]!.tunnels[0]!.iface = 'pptp-office';
    await writeFile(join(dir, 'r.json'), serializeReport(report));
    expect(await loadReport(join(dir, 'r.json'))).toEqual(JSON.parse(serializeReport(report)));
  });
});

describe('pptp-fleet report', () => {
  it('merges shard reports into one HTML page and one Markdown summary', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-rep-'));
    await writeFile(join(dir, 'a.json'), serializeReport(fleetReport('a')));
    await writeFile(join(dir, 'b.json'), serializeReport(fleetReport('b')));
    await buildProgram().exitOverride().parseAsync(['node', 'pptp-fleet', 'report', '--html', join(dir, 'f.html'), '--md', join(dir, 'f.md'), join(dir, 'a.json'), join(dir, 'b.json')]);
    const html = await readFile(join(dir, 'f.html'), 'utf8');
    const md = await readFile(join(dir, 'f.md'), 'utf8');
    const n = fleetReport('a').hosts.length * 2;
    expect(html.match(/<details id="h\d+" class="host /g)).toHaveLength(n);
    expect(md).toMatch(new RegExp(`^### ❌ pptp-fleet apply: \\d+ of ${n} hosts failed`));
    expect(md).toContain('| a02 |');
    expect(md).toContain('| b02 |');
  });

  it('asks for an output when given none', async () => {
    await expect(buildProgram().exitOverride().parseAsync(['node', 'pptp-fleet', 'report', fixture('rollout-stopped.json')])).rejects.toThrow(/--html: nothing to write/);
  });
});

describe('usage errors', () => {
  // Every command writes its errors to `err`; commander throws instead of exiting.
  async function usageError(args: string[]): Promise<string> {
    // `pptp-fleet lab …` is the lab package's own command tree (src/cli.ts dispatches to it).
    const lab = args[0] === 'lab';
    const program = lab ? buildLabProgram('pptp-fleet lab') : buildProgram();
    let err = '';
    const capture = (cmd: Command): void => {
      cmd.exitOverride().configureOutput({ writeOut: () => undefined, writeErr: (s) => void (err += s) });
      cmd.commands.forEach(capture);
    };
    capture(program);
    await program.parseAsync(lab ? args.slice(1) : args, { from: 'user' }).catch(() => undefined);
    return err;
  }

  it.each([
    [['apply', '-i', 'x.yaml', '--chekc'], ["error: unknown option '--chekc'", '(Did you mean --check?)', "(run 'pptp-fleet apply --help' for the options)"]],
    [['lab', 'up', '--bogus'], ["error: unknown option '--bogus'", "(run 'pptp-fleet lab up --help' for the options)"]],
    [['status', '--forks'], ["error: option '-f, --forks <n>' argument missing", "(run 'pptp-fleet status --help' for the options)"]],
  ])('%j prints the error and where to look, not the whole help', async (args, lines) => {
    expect((await usageError(args)).trimEnd().split('\n')).toEqual(lines);
  });
});
