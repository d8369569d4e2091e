// `pptp-fleet inventory`: show what an inventory resolves to, without contacting anything.
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { loadSettings } from '../../config/settings.js';
import { maskedHostJson, renderGraph } from '../../inventory/format.js';
import { loadInventory } from '../../inventory/load.js';
import { selectHosts } from '../../inventory/pattern.js';
import { expandLimitFiles } from '../../inventory/limit-file.js';

interface InventoryFlags {
  inventory?: string;
  limit?: string;
  list?: boolean;
  graph?: boolean;
}

/**
 * Registers `inventory`, the counterpart of `ansible-inventory`:
 *
 *   pptp-fleet inventory -i inventory/branch-offices.yaml --list            # JSON, secrets as ***
 *   pptp-fleet inventory -i inventory/branch-offices.yaml --graph --limit eu
 *
 * `-i` falls back to `inventory` in the settings file. Bad input (inventory, pattern) is an
 * InputError: the top of the CLI prints each problem on its own line to stderr and exits 2.
 */
export function registerInventory(program: Command): void {
  program
    .command('inventory')
    .description('show hosts and merged variables (--list) or the group tree (--graph); contacts nothing')
    .option('-i, --inventory <file>', 'inventory file (Ansible YAML layout)')
    .option('-l, --limit <pattern>', 'host pattern: group, host, glob, ~regex, a:b, a:&b, a:!b')
    .option('--list', 'print hosts with merged variables as JSON (secrets masked)')
    .option('--graph', 'print the group tree like ansible-inventory --graph')
    .action(async (flags: InventoryFlags) => {
      if (flags.list === flags.graph) {
        throw new InputError([{ file: 'inventory', path: '', message: 'choose one of --list or --graph' }]);
      }
      const { settings } = await loadSettings();
      const file = flags.inventory ?? settings.inventory;
      if (file === undefined) {
        throw new InputError([{ file: 'inventory', path: '', message: 'no inventory: pass -i FILE or set "inventory" in .pptp-fleetrc' }]);
      }
      const inv = await loadInventory(file);
      for (const w of inv.warnings) process.stderr.write(`warning: ${w}\n`);
      const hosts = selectHosts(inv, await expandLimitFiles(flags.limit));
      if (flags.list) {
        process.stdout.write(`${JSON.stringify({ hosts: hosts.map(maskedHostJson) }, null, 2)}\n`);
      } else {
        const only = flags.limit === undefined ? undefined : new Set(hosts.map((h) => h.name));
        process.stdout.write(`${renderGraph(inv.groups, only).join('\n')}\n`);
      }
    });
}
