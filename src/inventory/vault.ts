// Ansible Vault (format 1.1 and 1.2, cipher AES256) decryption with Node's crypto, and the
// vault passwords given on the command line (--vault-password-file, --vault-id,
// ANSIBLE_VAULT_PASSWORD_FILE).
//
// Payload, as ansible-vault writes it (lib/ansible/parsing/vault/__init__.py):
//   $ANSIBLE_VAULT;1.1;AES256            (1.2 adds ;LABEL)
//   hex( hex(salt) "\n" hex(hmac) "\n" hex(ciphertext) ), wrapped at 80 columns
// Keys: PBKDF2-HMAC-SHA256(password, salt, 10000 iterations, 80 bytes) = AES key (32) |
// HMAC key (32) | counter block (16). The HMAC-SHA256 of the ciphertext is checked (in
// constant time) before anything is decrypted; the plaintext is PKCS#7 padded.
//
// Written here rather than taken from npm: the format is small and fixed, and this way a wrong
// password is one typed error whose message never holds key material or plaintext.
import { execFile } from 'node:child_process';
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describeFsError, isExecutable } from '../config/input.js';
import { InputError } from '../errors.js';

export const VAULT_HEADER = '$ANSIBLE_VAULT;';

/** One vault password and where it came from (for messages: never the password itself). */
export interface VaultSecret {
  /** Vault id label (`--vault-id LABEL@FILE`), `default` otherwise. */
  label: string;
  /** Where it was read from, e.g. `--vault-password-file ~/.vault_pass`. */
  source: string;
  password: Buffer;
}

/** Why a vault payload could not be decrypted; the message is safe to show. */
export class VaultError extends Error {
  override readonly name = 'VaultError';
}

export function isVaultText(text: string): boolean {
  return text.trimStart().startsWith(VAULT_HEADER);
}

/**
 * Decrypts a vault payload (a whole file or a `!vault` value) with the first secret that
 * verifies. Secrets whose label matches a 1.2 payload's label are tried first.
 *
 * Example: decryptVault(readFileSync('vault.yml', 'utf8'), [{ label: 'default', source: 'x', password: Buffer.from('pw') }])
 */
export function decryptVault(text: string, secrets: readonly VaultSecret[]): string {
  const lines = text.trim().split(/\r?\n/);
  const header = (lines.shift() ?? '').trim().split(';');
  if (header[0] !== '$ANSIBLE_VAULT' || header.length < 3) throw new VaultError('not an Ansible Vault payload (no $ANSIBLE_VAULT header)');
  const [, version = '', cipher = '', label] = header;
  if (version !== '1.1' && version !== '1.2') throw new VaultError(`unsupported vault format ${version} (1.1 and 1.2 are supported)`);
  if (cipher !== 'AES256') throw new VaultError(`unsupported vault cipher ${cipher} (only AES256)`);
  const outer = lines.map((l) => l.trim()).join('');
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(outer)) throw new VaultError('malformed vault payload (expected hexadecimal lines after the header)');
  const parts = Buffer.from(outer, 'hex').toString('latin1').split('\n');
  const [saltHex = '', hmacHex = '', dataHex = ''] = parts;
  if (parts.length !== 3 || ![saltHex, hmacHex, dataHex].every((p) => /^(?:[0-9a-fA-F]{2})+$/.test(p)) || hmacHex.length !== 64) {
    throw new VaultError('malformed vault payload (expected salt, HMAC and ciphertext)');
  }
  const salt = Buffer.from(saltHex, 'hex');
  const mac = Buffer.from(hmacHex, 'hex');
  const data = Buffer.from(dataHex, 'hex');
  if (secrets.length === 0) throw new VaultError('no vault password given (use --vault-password-file or --vault-id)');
  const ordered = label === undefined ? secrets : [...secrets.filter((s) => s.label === label), ...secrets.filter((s) => s.label !== label)];
  for (const s of ordered) {
    const keys = pbkdf2Sync(s.password, salt, 10_000, 80, 'sha256');
    const computed = createHmac('sha256', keys.subarray(32, 64)).update(data).digest();
    if (!timingSafeEqual(computed, mac)) continue;
    const decipher = createDecipheriv('aes-256-ctr', keys.subarray(0, 32), keys.subarray(64, 80));
    const padded = Buffer.concat([decipher.update(data), decipher.final()]);
    const pad = padded[padded.length - 1] ?? 0;
    if (pad < 1 || pad > 16 || pad > padded.length) throw new VaultError('malformed vault payload (bad padding)');
    return padded.subarray(0, padded.length - pad).toString('utf8');
  }
  const tried = ordered.map((s) => s.source).join(', ');
  throw new VaultError(`wrong vault password: no given vault password decrypts it (tried ${tried})`);
}

/**
 * Reads the vault passwords the command line names: each `--vault-id [LABEL@]FILE`, each
 * `--vault-password-file FILE`, and `ANSIBLE_VAULT_PASSWORD_FILE` when neither is given. An
 * executable file is run and its standard output is the password (Ansible's client scripts);
 * surrounding newlines are stripped as Ansible does. Problems are InputErrors naming the flag.
 */
export async function readVaultSecrets(
  opts: { passwordFiles?: readonly string[]; ids?: readonly string[]; env?: NodeJS.ProcessEnv },
): Promise<VaultSecret[]> {
  const wanted: { label: string; file: string; flag: string }[] = [];
  for (const id of opts.ids ?? []) {
    const at = id.indexOf('@');
    const label = at > 0 ? id.slice(0, at) : 'default';
    const file = at > 0 ? id.slice(at + 1) : id;
    wanted.push({ label, file, flag: '--vault-id' });
  }
  for (const file of opts.passwordFiles ?? []) wanted.push({ label: 'default', file, flag: '--vault-password-file' });
  const envFile = (opts.env ?? process.env).ANSIBLE_VAULT_PASSWORD_FILE;
  if (wanted.length === 0 && envFile) wanted.push({ label: 'default', file: envFile, flag: 'ANSIBLE_VAULT_PASSWORD_FILE' });

  const out: VaultSecret[] = [];
  for (const w of wanted) {
    if (w.file === 'prompt' || w.file === '') {
      throw new InputError([{ file: '<command line>', path: w.flag, message: 'prompting for a vault password is not supported; give a password file' }]);
    }
    let password: Buffer;
    try {
      password = (await isExecutable(w.file)) ? await runClient(w.file, w.label) : await readFile(w.file);
    } catch (err) {
      throw new InputError([{ file: '<command line>', path: w.flag, message: `cannot read vault password file "${w.file}": ${describeFsError(err)}` }], { cause: err });
    }
    const trimmed = Buffer.from(password.toString('utf8').replace(/^[\r\n]+|[\r\n]+$/g, ''), 'utf8');
    if (trimmed.length === 0) {
      throw new InputError([{ file: '<command line>', path: w.flag, message: `vault password file "${w.file}" is empty` }]);
    }
    out.push({ label: w.label, source: `${w.flag} ${w.file}`, password: trimmed });
  }
  return out;
}


function runClient(file: string, label: string): Promise<Buffer> {
  const args = label === 'default' ? [] : ['--vault-id', label];
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'buffer', timeout: 30_000, maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) reject(new Error(`the password script failed (${err.message.split('\n', 1)[0] ?? ''})`));
      else resolve(stdout);
    });
  });
}
