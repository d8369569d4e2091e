// Keys of a lab: the admin's key (OpenSSH format, what ssh2 and `ssh -i` read) and one
// dropbear host key per router, whose public half goes to DIR/known_hosts.
import { rm } from 'node:fs/promises';
import { run } from './exec.js';

/**
 * Generates an unencrypted ed25519 key pair at PATH and PATH.pub in OpenSSH format,
 * replacing any previous one.
 * @example await generateAdminKey('/tmp/lab/id_ed25519')
 */
export async function generateAdminKey(path: string, sshKeygen = '/usr/bin/ssh-keygen'): Promise<string> {
  await rm(path, { force: true });
  await rm(`${path}.pub`, { force: true });
  await run(sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-C', 'pptp-fleet-lab-admin', '-f', path]);
  return path;
}

/** Picks `ssh-ed25519 AAAA…` (type and base64, no comment) out of dropbearkey's output. */
export function parsePublicKey(output: string): string | null {
  for (const line of output.split('\n')) {
    const m = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) ([A-Za-z0-9+/=]+)(\s|$)/.exec(line.trim());
    if (m) return `${m[1]} ${m[2]}`;
  }
  return null;
}

/**
 * Generates a dropbear host key (ed25519, or a 2048-bit RSA key as old dropbears have) at PATH
 * and returns its public key as `ssh-ed25519 AAAA…` / `ssh-rsa AAAA…` (what a known_hosts line
 * needs after the host).
 * @example const pub = await generateHostKey(`${rootfs}/etc/dropbear/dropbear_rsa_host_key`, 'dropbearkey', 'rsa')
 */
export async function generateHostKey(path: string, dropbearkey = '/usr/bin/dropbearkey', type: 'ed25519' | 'rsa' = 'ed25519'): Promise<string> {
  await rm(path, { force: true });
  const gen = await run(dropbearkey, ['-t', type, ...(type === 'rsa' ? ['-s', '2048'] : []), '-f', path]);
  // dropbearkey prints the public half when it generates; `-y` reads it back if a version does not.
  const pub = parsePublicKey(gen.stdout) ?? parsePublicKey((await run(dropbearkey, ['-y', '-f', path])).stdout);
  if (!pub) throw new Error(`dropbearkey gave no public key for ${path}`);
  return pub;
}

/**
 * One known_hosts line for a server on a non-standard port of 127.0.0.1.
 * @example knownHostsLine(40123, 'ssh-ed25519 AAAA') // '[127.0.0.1]:40123 ssh-ed25519 AAAA'
 */
export function knownHostsLine(port: number, publicKey: string): string {
  return `[127.0.0.1]:${port} ${publicKey}`;
}
