// `pptp-fleet inventory`: show what an inventory resolves to, without contacting anything.
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { loadSettings } from '../../config/settings.js';
import { jsonText, maskedHostJson, renderGraph } from '../../inventory/format.js';
import { loadInventory } from '../../inventory/load.js';
import { selectHosts } from '../../inventory/pattern.js';
import { readVaultSecrets, type VaultSecret } from '../../inventory/vault.js';
import { expandLimitFiles } from '../../inventory/limit-file.js';

interface InventoryFlags {
  inventory?: string[];
  vaultPasswordFile?: string[];
  vaultId?: string[];
  playbookDir?: string;
  limit?: string;
  list?: boolean;
  graph?: boolean;
}

/** Why a host is skipped, and the message when no selected host has a tunnel. */
export const NO_TUNNELS = 'no tunnels defined for this host: are they in group_vars/ next to the inventory?';

/** `--playbook-dir`, as ansible-inventory's: for `inventory` and the fleet commands. */
export const PLAYBOOK_DIR_OPTION = ['--playbook-dir <dir>', 'an Ansible playbook directory whose group_vars/ and host_vars/ count too (default: the current directory, as ansible-inventory)'] as const;

/** The playbook directory: --playbook-dir, which must be one (a typo would drop a layer of variables), else the current directory. */
export async function playbookDirFromFlag(flag: string | undefined): Promise<string> {
  if (flag === undefined) return process.cwd();
  const st = await stat(flag).catch(() => undefined);
  if (!st?.isDirectory()) throw new InputError([{ file: flag, path: '--playbook-dir', message: 'not a directory' }]);
  return flag;
}

/** commander collector for repeatable options (`-i a -i b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The `-i` sources given, else the settings file's `inventory`. */
export function inventorySources(flags: readonly string[] | undefined, fromSettings: string | undefined): string[] {
  if (flags && flags.length > 0) return [...flags];
  return fromSettings === undefined ? [] : [fromSettings];
}

/** Vault passwords from --vault-id, --vault-password-file, else ANSIBLE_VAULT_PASSWORD_FILE. */
export function vaultSecretsFromFlags(flags: { vaultPasswordFile?: string[]; vaultId?: string[] }): Promise<VaultSecret[]> {
  return readVaultSecrets({ passwordFiles: flags.vaultPasswordFile, ids: flags.vaultId });
}

/**
 * Registers `inventory`, the counterpart of `ansible-inventory`:
 *
 *   pptp-fleet inventory -i inventory/ --list                 # JSON, every host's merged vars, secrets as ***
 *   pptp-fleet inventory -i hosts.ini -i extra.yaml --graph --limit eu
 *
 * `-i` falls back to `inventory` in the settings file. No secret is ever read (passwords and
 * vault values print as `***`); `--vault-password-file` / `--vault-id` only decrypt wholly
 * encrypted group_vars/host_vars files so their variables can be shown. Bad input is an
 * InputError: the top of the CLI prints each problem on its own line to stderr and exits 2.
 */
export function registerInventory(program: Command): void {
  program
    .command('inventory')
    .description('show hosts and merged variables (--list) or the group tree (--graph); contacts nothing')
    .option('-i, --inventory <source>', 'inventory: YAML, INI, ansible-inventory JSON, script or directory (repeatable)', collect, [])
    .option('--vault-password-file <file>', 'Ansible Vault password file, or a script printing it (repeatable)', collect, [])
    .option('--vault-id <[label@]file>', 'Ansible Vault id: password file with an optional label (repeatable)', collect, [])
    .option(...PLAYBOOK_DIR_OPTION)
    .option('-l, --limit <pattern>', 'host pattern: group, host, glob, ~regex, a:b, a:&b, a:!b')
    .option('--list', 'print hosts with merged variables as JSON (secrets masked)')
    .option('--graph', 'print the group tree like ansible-inventory --graph')
    .action(async (flags: InventoryFlags) => {
      if (flags.list === flags.graph) {
        throw new InputError([{ file: 'inventory', path: '', message: 'choose one of --list or --graph' }]);
      }
      const { settings } = await loadSettings();
      const sources = inventorySources(flags.inventory, settings.inventory);
      if (sources.length === 0) {
        throw new InputError([{ file: 'inventory', path: '', message: 'no inventory: pass -i SOURCE or set "inventory" in .pptp-fleetrc' }]);
      }
      const inv = await loadInventory(sources, { vaultSecrets: await vaultSecretsFromFlags(flags), playbookDir: await playbookDirFromFlag(flags.playbookDir) });
      const loadWarnings = inv.warnings.length;
      for (const w of inv.warnings) process.stderr.write(`warning: ${w}\n`);
      const hosts = selectHosts(inv, await expandLimitFiles(flags.limit));
      // (--limit's own, `[0-1]`)
      for (const w of inv.warnings.slice(loadWarnings)) process.stderr.write(`warning: ${w}\n`);
      if (flags.list) {
        process.stdout.write(`${jsonText({ hosts: hosts.map(maskedHostJson) }, 2)}\n`);
      } else {
        // the hosts --list shows (a host left out with a warning is in the tree, not drawn); empty
        // groups are drawn as ansible-inventory draws them, unless --limit selects
        process.stdout.write(`${renderGraph(inv.groups, new Set(hosts.map((h) => h.name)), flags.limit !== undefined).join('\n')}\n`);
      }
    });
}
