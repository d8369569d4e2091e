// DIR/inventory.yaml: the Ansible-layout inventory `lab up` writes, ready for
// `pptp-fleet apply -i DIR/inventory.yaml`. Layout fixed by the lab contract.
import { writeFile } from 'node:fs/promises';
import { Document, isMap, isSeq, Scalar } from 'yaml';
import type { Firmware, Scenario } from './types.js';

/** Name of the password file next to the inventory (inventory `password: { file: ... }`). */
export const PASSWORD_FILE = 'vpn-password';

/** The lab's own SSH files, named in the inventory so `apply -i DIR/inventory.yaml` needs no flag. */
export interface LabSshFiles {
  /** Absolute path of the admin's private key. */
  keyFile: string;
  /** Absolute path of the lab's known_hosts. */
  knownHostsFile: string;
}

/** `-o UserKnownHostsFile=PATH` as Ansible's shlex and OpenSSH both read it back. */
export function knownHostsArg(file: string): string {
  if (/^[A-Za-z0-9_./@%+=:,-]+$/.test(file)) return `-o UserKnownHostsFile=${file}`;
  if (/["'\\]/.test(file)) throw new Error(`lab directory path ${JSON.stringify(file)}: quotes and backslashes are not supported`);
  return `'-o UserKnownHostsFile="${file}"'`;
}

export interface InventoryHost {
  name: string;
  port: number;
  firmware: Firmware;
  scenario: Scenario;
}

/**
 * Renders the lab inventory: one tunnel `office` to the simulated VPN server for all hosts,
 * hosts as one-line flow maps (200 hosts stay readable).
 * @example
 * renderLabInventory([{ name: 'r001', port: 40123, firmware: 'openwrt', scenario: 'ok' }])
 * // all:\n  vars:\n    ansible_user: root\n ... hosts:\n    r001: { ansible_host: 127.0.0.1, ansible_port: 40123, ... }
 */
export function renderLabInventory(hosts: readonly InventoryHost[], ssh?: LabSshFiles): string {
  const doc = new Document({
    all: {
      vars: {
        ansible_user: 'root',
        ...(ssh ? { ansible_ssh_private_key_file: ssh.keyFile, ansible_ssh_common_args: knownHostsArg(ssh.knownHostsFile) } : {}),
        tunnels: [
          {
            name: 'office',
            server: '198.51.100.1',
            username: 'LAB\\fleet',
            password: { file: PASSWORD_FILE },
            mppe: { required: true, stateless: true, no40: true, no56: true },
            refuse_eap: true,
            routes: ['10.20.0.0/16'],
            masquerade: true,
            forward: { outbound: true, inbound: false },
          },
        ],
      },
      hosts: Object.fromEntries(
        hosts.map((h) => [
          h.name,
          { ansible_host: '127.0.0.1', ansible_port: h.port, lab_firmware: h.firmware, lab_scenario: h.scenario },
        ]),
      ),
    },
  });

  const all = doc.get('all', true);
  const vars = isMap(all) ? all.get('vars', true) : undefined;
  const tunnels = isMap(vars) ? vars.get('tunnels', true) : undefined;
  const office = isSeq(tunnels) ? tunnels.items[0] : undefined;
  if (isMap(office)) {
    // Single quotes show the one backslash as it is: `LAB\fleet`.
    const username = office.get('username', true);
    if (username instanceof Scalar) username.type = Scalar.QUOTE_SINGLE;
    for (const key of ['password', 'mppe', 'routes', 'forward']) {
      const node = office.get(key, true);
      if (isMap(node) || isSeq(node)) node.flow = true;
    }
  }
  const hostsNode = isMap(all) ? all.get('hosts', true) : undefined;
  if (isMap(hostsNode)) {
    for (const pair of hostsNode.items) if (isMap(pair.value)) pair.value.flow = true;
  }
  return doc.toString({ lineWidth: 0 });
}

/**
 * Writes the lab inventory to PATH.
 * @example await writeLabInventory('/tmp/lab/inventory.yaml', hosts)
 */
export async function writeLabInventory(path: string, hosts: readonly InventoryHost[], ssh?: LabSshFiles): Promise<void> {
  await writeFile(path, renderLabInventory(hosts, ssh));
}
