// SSH failures as data, and the one pure function that turns them into messages.
import { HostError } from '../errors.js';
import type { KnownKey } from './known-hosts.js';
import type { ExecResult } from '../transport.js';

export type SshErrorReason =
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'host-key-revoked'
  | 'auth'
  | 'timeout'
  | 'refused'
  | 'connect'
  | 'closed'
  | 'command-timeout'
  | 'output-too-large';

/** Where a connection went: `address:port`, and through which jump host if any. */
export interface Endpoint {
  address: string;
  port: number;
  /** `user@host:port` of the jump host the connection went through. */
  via?: string;
  /** The failure is the jump host's, not the router's. */
  jumpHost?: boolean;
}

export type SshErrorDetails =
  | (Endpoint & { reason: 'host-key-unknown'; knownHostsFile: string; name: string; keyType: string; fingerprint: string })
  | (Endpoint & {
      reason: 'host-key-changed';
      knownHostsFile: string;
      name: string;
      keyType: string;
      fingerprint: string;
      expected: KnownKey[];
    })
  | (Endpoint & { reason: 'host-key-revoked'; knownHostsFile: string; name: string; keyType: string; fingerprint: string })
  | (Endpoint & { reason: 'auth'; user: string; methods: string[]; detail?: string })
  | (Endpoint & { reason: 'timeout'; timeoutMs: number; attempts: number })
  | (Endpoint & { reason: 'refused' | 'connect'; detail: string; attempts: number; hint?: string })
  | (Endpoint & { reason: 'closed'; detail: string })
  | { reason: 'command-timeout'; command: string; timeoutMs: number }
  | { reason: 'output-too-large'; command: string; limitBytes: number };

const MAX_COMMAND_IN_MESSAGE = 120;

function shortCommand(command: string): string {
  const one = command.replace(/\n/g, '\\n');
  return one.length > MAX_COMMAND_IN_MESSAGE ? `${one.slice(0, MAX_COMMAND_IN_MESSAGE)}…` : one;
}

function where(e: Endpoint): string {
  return `${e.jumpHost ? 'jump host ' : ''}${e.address}:${e.port}${e.via ? ` (via jump host ${e.via})` : ''}`;
}

function attemptsText(n: number): string {
  return n > 1 ? ` after ${n} attempts` : '';
}

/** One message per failure; never contains a secret (callers redact what they pass in). */
export function formatSshError(d: SshErrorDetails): string {
  switch (d.reason) {
    case 'host-key-unknown':
      return (
        `host key of ${where(d)} is not known: ${d.name} is not in ${d.knownHostsFile}; ` +
        `the server presented ${d.keyType} ${d.fingerprint}. ` +
        `Check that fingerprint, then re-run with --accept-new-host-keys to trust it`
      );
    case 'host-key-changed':
      return (
        `REMOTE HOST IDENTIFICATION HAS CHANGED for ${d.name} (${where(d)}): ` +
        `${d.knownHostsFile} expects ${d.expected.map((k) => `${k.keyType} ${k.fingerprint}`).join(', ')} ` +
        `but the server presented ${d.keyType} ${d.fingerprint}. Someone could be intercepting the ` +
        `connection, or the router was reinstalled; nothing was sent to it. If the change is expected, ` +
        `remove the old key (ssh-keygen -R '${d.name}' -f ${d.knownHostsFile}) and re-run with --accept-new-host-keys`
      );
    case 'host-key-revoked':
      return (
        `host key ${d.keyType} ${d.fingerprint} of ${where(d)} is marked @revoked in ${d.knownHostsFile}; ` +
        `refusing to connect`
      );
    case 'auth':
      return (
        `authentication as ${d.user} on ${where(d)} failed` +
        (d.methods.length > 0 ? ` (tried: ${d.methods.join(', ')})` : '') +
        (d.detail ? `: ${d.detail}` : '')
      );
    case 'timeout':
      return `no SSH handshake with ${where(d)} within ${d.timeoutMs} ms${attemptsText(d.attempts)}`;
    case 'refused':
      return `connection to ${where(d)} refused${attemptsText(d.attempts)}: ${d.detail}${d.hint ? `; ${d.hint}` : ''}`;
    case 'connect':
      return `cannot connect to ${where(d)}${attemptsText(d.attempts)}: ${d.detail}${d.hint ? `; ${d.hint}` : ''}`;
    case 'closed':
      return `SSH connection to ${where(d)} closed: ${d.detail}`;
    case 'command-timeout':
      return `command did not finish within ${d.timeoutMs} ms: ${shortCommand(d.command)}`;
    case 'output-too-large':
      return `command output exceeded ${d.limitBytes} bytes: ${shortCommand(d.command)}`;
  }
}

/** Replace every occurrence of each secret value (3+ characters) with `***`. */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('***');
  return out;
}

/** An SSH failure on one host. `reason` says what kind; `result` is set for command failures. */
export class SshError extends HostError {
  readonly reason: SshErrorReason;
  readonly details: SshErrorDetails;
  readonly result?: ExecResult;

  constructor(
    host: string,
    step: string,
    details: SshErrorDetails,
    options?: { cause?: unknown; secrets?: readonly string[]; result?: ExecResult },
  ) {
    const connectionLevel = details.reason !== 'command-timeout' && details.reason !== 'output-too-large';
    super(
      host,
      step,
      redact(formatSshError(details), options?.secrets ?? []),
      connectionLevel ? 'unreachable' : 'failed',
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.reason = details.reason;
    this.details = details;
    if (options?.result) this.result = options.result;
  }
}
