// A fleet command's flags, settings and inventory resolve without I/O: flags over settings over
// defaults, bad values named by flag, hosts by --limit, --shard and --retry-failed.
import { describe, expect, it } from 'vitest';
import { resolveFleetSettings, selectFleetHosts, type FleetFlags } from '../../src/cli/commands/fleet.js';
import { defaultOptions, type Settings } from '../../src/config/settings.js';
import { InputError } from '../../src/errors.js';
import { loadInventoryText } from '../../src/inventory/load.js';

const DEFAULTS = defaultOptions('/home/u');

describe('resolveFleetSettings', () => {
  const CASES: Array<[string, FleetFlags, Settings, Record<string, unknown>]> = [
    ['defaults fill what neither gives', { inventory: ['i.yaml'] }, {}, { inventory: ['i.yaml'], forks: 20, retries: 2, timeouts: { connectMs: 10_000, commandMs: 60_000, tunnelSec: 30 }, serial: [] }],
    ['settings over defaults', {}, { inventory: 's.yaml', forks: 7, timeouts: { commandMs: 5000 } }, { inventory: ['s.yaml'], forks: 7, timeouts: { connectMs: 10_000, commandMs: 5000, tunnelSec: 30 } }],
    ['flags over settings', { inventory: ['f.yaml'], forks: '3', commandTimeout: '900' }, { inventory: 's.yaml', forks: 7, timeouts: { commandMs: 5000 } }, { inventory: ['f.yaml'], forks: 3, timeouts: { connectMs: 10_000, commandMs: 900, tunnelSec: 30 } }],
    ['-i repeated: every source, in order, over the settings', { inventory: ['hosts.ini', 'extra.yaml'] }, { inventory: 's.yaml' }, { inventory: ['hosts.ini', 'extra.yaml'] }],
    ['rollout flags parsed', { inventory: ['i.yaml'], serial: '1,50%', maxFailPercent: '10', shard: '2/3' }, {}, { serial: [{ kind: 'count', value: 1 }, { kind: 'percent', value: 50 }], maxFailPercent: 10, shard: { k: 2, n: 3 } }],
  ];
  for (const [what, flags, settings, expected] of CASES) it(what, () => expect(resolveFleetSettings(flags, settings, DEFAULTS)).toMatchObject(expected));

  const BAD: Array<[string, FleetFlags, RegExp]> = [
    ['no inventory anywhere', {}, /--inventory: no inventory given/],
    ['forks not a number', { inventory: ['i'], forks: 'many' }, /--forks: expected an integer from 1 to 10000, got "many"/],
    ['tunnel timeout out of range', { inventory: ['i'], tunnelTimeout: '0' }, /--tunnel-timeout: expected an integer from 1 to 600/],
    ['retries out of range', { inventory: ['i'], retries: '11' }, /--retries/],
    ['a shard past its count', { inventory: ['i'], shard: '4/3' }, /--shard/],
  ];
  for (const [what, flags, message] of BAD) {
    it(`refuses ${what}, naming the flag`, () => {
      expect(() => resolveFleetSettings(flags, {}, DEFAULTS)).toThrow(InputError);
      expect(() => resolveFleetSettings(flags, {}, DEFAULTS)).toThrow(message);
    });
  }
});

describe('selectFleetHosts', async () => {
  const text = ['all:', '  hosts:', ...['r001', 'r002', 'r003', 'r004'].flatMap((h, i) => [`    ${h}:`, `      ansible_host: 127.0.0.1`, `      ansible_port: ${2201 + i}`, `      tunnels:`, `        - { name: ${i === 3 ? 'home' : 'office'}, server: 198.51.100.1, username: u, password: { env: PW } }`])].join('\n');
  const inv = await loadInventoryText(text, 'inv.yaml', { env: { PW: 'pw' } });
  const names = (hosts: Array<{ name: string }>): string[] => hosts.map((h) => h.name);

  it('--limit, then the shard, then the failed hosts of a report', () => {
    expect(names(selectFleetHosts(inv, 'inv.yaml', {}, undefined, undefined))).toEqual(['r001', 'r002', 'r003', 'r004']);
    expect(names(selectFleetHosts(inv, 'inv.yaml', { limit: 'all:!r002' }, undefined, undefined))).toEqual(['r001', 'r003', 'r004']);
    const shard1 = selectFleetHosts(inv, 'inv.yaml', {}, { k: 1, n: 2 }, undefined);
    expect(names(selectFleetHosts(inv, 'inv.yaml', {}, { k: 1, n: 2 }, new Set(['r001', 'r002', 'r003', 'r004'])))).toEqual(names(shard1));
    expect(names(selectFleetHosts(inv, 'inv.yaml', {}, undefined, new Set(['r003', 'x'])))).toEqual(['r003']);
  });

  it('refuses a selected host that Ansible reaches another way (ansible_connection=local), naming where it is set', async () => {
    const shared = await loadInventoryText(`${text}\n    localhost:\n      ansible_connection: local\n    r005:\n      ansible_host: 127.0.0.1\n      ansible_connection: ssh\n`, 'inv.yaml', { env: { PW: 'pw' } });
    expect(() => selectFleetHosts(shared, 'inv.yaml', {}, undefined, undefined)).toThrow(/inv\.yaml: all\.hosts\.localhost\.ansible_connection: host localhost has ansible_connection "local"/);
    expect(names(selectFleetHosts(shared, 'inv.yaml', { limit: 'all:!localhost' }, undefined, undefined))).toEqual(['r001', 'r002', 'r003', 'r004', 'r005']);
  });

  it('--tunnel must name a tunnel of a selected host (error names the inventory and --tunnel)', () => {
    expect(names(selectFleetHosts(inv, 'inv.yaml', { tunnel: 'home' }, undefined, undefined))).toHaveLength(4);
    expect(() => selectFleetHosts(inv, 'inv.yaml', { tunnel: 'home', limit: 'r001' }, undefined, undefined)).toThrow(/inv\.yaml: --tunnel: no selected host has a tunnel named "home"/);
  });
});
