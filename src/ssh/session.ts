// One SSH connection per host, reused for every exec. The only module that talks to ssh2.
//
// Order of events on connect: TCP (or a forwarded channel through the jump host) → key
// exchange → host key checked against known_hosts in `hostVerifier` (before any auth is
// sent) → auth (key file, else agent; password only when configured) → ready.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { gunzipBounded, isGzip } from '../gzip.js';
import ssh2 from 'ssh2';
import type { AuthenticationType, ClientChannel, ConnectConfig, Client as SshClient } from 'ssh2';
import { SshError, type Endpoint, type SshErrorDetails } from './errors.js';
import {
  appendKnownHost,
  checkHostKey,
  fingerprint,
  keyTypeOfBlob,
  knownHostsName,
  knownKeyTypes,
  readKnownHostsFiles,
} from './known-hosts.js';
import type { SshTarget } from './target.js';
import type { ExecOptions, ExecResult, Transport } from '../transport.js';

const { Client, utils } = ssh2;

export type { SshTarget } from './target.js';
export type { ExecResult } from '../transport.js';
export { SshError, formatSshError, type SshErrorReason, type SshErrorDetails } from './errors.js';

export interface SshOptions {
  knownHostsFile: string;
  /** Trust and record keys of hosts not in known_hosts (OpenSSH `accept-new`). */
  acceptNewHostKeys: boolean;
  /** TCP connect + SSH handshake + auth, per attempt. */
  connectTimeoutMs: number;
  /** Default per-command timeout; 0 = none. */
  commandTimeoutMs: number;
  /** SSH keepalive interval (default 15 s); 3 unanswered keepalives close the connection. */
  keepaliveIntervalMs?: number;
  /** Extra attempts after a connection-level failure (refused, reset, handshake timeout). */
  retries: number;
  /** First backoff delay (default 500 ms), doubled per attempt, plus up to 50 % jitter. */
  retryBaseDelayMs?: number;
  /** ssh-agent socket; default process.env.SSH_AUTH_SOCK. */
  agentSocket?: string;
  /** Share one connection per jump host among the routers behind it (see JumpHosts). */
  jumpHosts?: JumpHosts;
}

/** stdout + stderr of one command beyond this is an error (a runaway `logread`, say). */
export const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;
const KEEPALIVE_COUNT_MAX = 3;
const DEFAULT_KEEPALIVE_MS = 15_000;
const DEFAULT_RETRY_BASE_MS = 500;
const MAX_RETRY_DELAY_MS = 10_000;

/** Added, never by default, for old dropbear (White Russian): appended to ssh2's defaults. */
const LEGACY = {
  kex: ['diffie-hellman-group14-sha1', 'diffie-hellman-group1-sha1'],
  serverHostKey: ['ssh-rsa', 'ssh-dss'],
  cipher: ['aes128-cbc', '3des-cbc'],
  hmac: ['hmac-sha1'],
} as const;

/** RSA keys are offered under three signature algorithm names. */
function hostKeyAlgorithmsFor(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

/** A failed attempt, before it becomes an SshError (the attempt count is known only later). */
class Failure {
  constructor(
    readonly details: SshErrorDetails,
    readonly retryable: boolean,
    readonly cause?: unknown,
  ) {}
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Exponential backoff with jitter: base·2^n, capped, plus up to half of that at random. */
export function backoffDelay(attempt: number, baseMs: number): number {
  const d = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** attempt);
  return Math.round(d + Math.random() * d * 0.5);
}

/**
 * One connection per jump host, shared by the routers behind it (OpenSSH's ControlMaster, in
 * process): 200 routers behind one bastion cost it one login and 200 forwarded channels instead
 * of 200 logins. A jump connection is opened on first use, closed when its last router hands it
 * back, and opened anew if it died meanwhile. A failed jump connection fails every router that
 * waited for it, and the next router tries again.
 */
export class JumpHosts {
  private readonly shared = new Map<string, { session: Promise<SshSession>; users: number; open?: SshSession }>();

  /** The shared connection to TARGET; give it back with release(). */
  acquire(target: SshTarget, opts: SshOptions): Promise<SshSession> {
    const key = jumpKey(target);
    let entry = this.shared.get(key);
    if (!entry || (entry.open !== undefined && !entry.open.isOpen)) {
      const fresh: { session: Promise<SshSession>; users: number; open?: SshSession } = { session: SshSession.connect(target, opts), users: 0 };
      fresh.session.then(
        (s) => {
          fresh.open = s;
        },
        () => {
          if (this.shared.get(key) === fresh) this.shared.delete(key);
        },
      );
      this.shared.set(key, fresh);
      entry = fresh;
    }
    const e = entry;
    e.users++;
    return e.session.catch((err: unknown) => {
      e.users--;
      throw err;
    });
  }

  /** Hands SESSION back; the last router behind a jump host closes its connection. */
  async release(session: SshSession): Promise<void> {
    for (const [key, e] of this.shared) {
      if (e.open !== session) continue;
      e.users--;
      if (e.users > 0) return;
      this.shared.delete(key);
      break;
    }
    await session.close();
  }
}

/** Jump hosts are the same connection when reached the same way, as the same user with the same key. */
function jumpKey(t: SshTarget): string {
  const password = t.password ? createHash('sha256').update(t.password.reveal()).digest('hex') : '';
  return JSON.stringify([t.user, t.address, t.port, t.privateKeyFile ?? '', password, t.legacyAlgorithms ?? false, t.jump ? jumpKey(t.jump) : '']);
}

function describeTarget(t: SshTarget): string {
  return `${t.user}@${t.address}:${t.port}`;
}

export class SshSession implements Transport {
  private _execCount = 0;
  private _bytesSent = 0;
  private closedDetail: string | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly client: SshClient,
    readonly target: SshTarget,
    private readonly opts: SshOptions,
    private readonly endpoint: Endpoint,
    /** Closes or hands back the jump host's connection, once this one is closed. */
    private readonly releaseJump: () => Promise<void>,
  ) {
    client.on('error', (err: Error) => {
      this.closedDetail ??= err.message;
    });
    client.on('close', () => {
      this.closedDetail ??= 'the server closed the connection';
    });
  }

  /** Connected, and neither closed nor closing. */
  get isOpen(): boolean {
    return this.closedDetail === undefined && this.closing === undefined;
  }

  /** Commands run on this connection so far. */
  get execCount(): number {
    return this._execCount;
  }

  /** Command-line and stdin bytes sent on this connection so far. */
  get bytesSent(): number {
    return this._bytesSent;
  }

  /**
   * Connect, verify the host key, authenticate. Connection-level failures are retried with
   * backoff up to `opts.retries` times; host key and auth failures never are.
   *
   * @example const s = await SshSession.connect({ host: 'r001', address: '127.0.0.1', port: 2222, user: 'root', privateKeyFile: 'id' }, opts)
   */
  static async connect(target: SshTarget, opts: SshOptions): Promise<SshSession> {
    const t = target;
    const secrets = t.password ? [t.password.reveal()] : [];
    let jumpSession: SshSession | undefined;
    let releaseJump = (): Promise<void> => Promise.resolve();
    if (t.jump) {
      try {
        const pool = opts.jumpHosts;
        const js = pool ? await pool.acquire(t.jump, opts) : await SshSession.connect(t.jump, opts);
        jumpSession = js;
        releaseJump = pool ? () => pool.release(js) : () => js.close();
      } catch (err) {
        if (err instanceof SshError && 'address' in err.details) {
          // Same reason, reported on the router, saying it was the jump host that failed.
          const details = { ...err.details, jumpHost: true } as SshErrorDetails;
          throw new SshError(t.host, 'connect', details, { cause: err, secrets });
        }
        throw err;
      }
    }
    const endpoint: Endpoint = { address: t.address, port: t.port, ...(t.jump ? { via: describeTarget(t.jump) } : {}) };
    try {
      let attempt = 0;
      for (;;) {
        try {
          const client = await connectOnce(t, opts, endpoint, jumpSession);
          return new SshSession(client, t, opts, endpoint, releaseJump);
        } catch (err) {
          if (!(err instanceof Failure)) throw err;
          const d = err.details;
          if (!err.retryable || attempt >= opts.retries) {
            const final: SshErrorDetails = 'attempts' in d ? { ...d, attempts: attempt + 1 } : d;
            throw new SshError(t.host, 'connect', final, { cause: err.cause, secrets });
          }
          await sleep(backoffDelay(attempt, opts.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_MS));
          attempt++;
        }
      }
    } catch (err) {
      await releaseJump();
      throw err;
    }
  }

  /**
   * Run one command. `stdin` is written and closed (file contents and secrets go there,
   * never on the command line). A non-zero exit is a result, not an error; a timeout or
   * runaway output rejects with SshError (`command-timeout`, `output-too-large`) carrying the
   * partial result. With `gunzipStdout`, stdout that starts with gzip's magic bytes is
   * decompressed (the scripts of shell/compress.ts compress their output on routers with gzip);
   * a stream cut short yields what arrived, so parsers see a truncated output, not garbage.
   */
  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? this.opts.commandTimeoutMs;
    const secrets = this.target.password ? [this.target.password.reveal()] : [];
    if (this.closedDetail !== undefined || this.closing) {
      return Promise.reject(
        new SshError(this.target.host, 'exec', { reason: 'closed', ...this.endpoint, detail: this.closedDetail ?? 'session closed' }, { secrets }),
      );
    }
    const stdin = options.stdin !== undefined ? Buffer.from(options.stdin, 'utf8') : undefined;
    const bytesSent = Buffer.byteLength(command, 'utf8') + (stdin?.length ?? 0);
    this._execCount++;
    this._bytesSent += bytesSent;
    const start = performance.now();

    return new Promise<ExecResult>((resolve, reject) => {
      let settled = false;
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let size = 0;
      let exitCode: number | null = null;
      let signal: string | null = null;
      let timer: NodeJS.Timeout | undefined;
      let channel: ClientChannel | undefined;

      const result = (timedOut: boolean): ExecResult => {
        const out = Buffer.concat(stdout);
        return {
          command,
          exitCode,
          signal,
          stdout: (options.gunzipStdout ? gunzipIfCompressed(out) : out).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          durationMs: Math.round(performance.now() - start),
          timedOut,
          bytesSent,
          stdoutWireBytes: out.length,
        };
      };
      const fail = (details: SshErrorDetails, timedOut: boolean, cause?: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new SshError(this.target.host, 'exec', details, { cause, secrets, result: result(timedOut) }));
      };
      const collect = (into: Buffer[]) => (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        if (size > MAX_OUTPUT_BYTES) {
          channel?.close();
          fail({ reason: 'output-too-large', command, limitBytes: MAX_OUTPUT_BYTES }, false);
          return;
        }
        into.push(chunk);
      };

      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          // Closing the channel is all SSH offers: dropbear ignores "signal" requests.
          channel?.close();
          fail({ reason: 'command-timeout', command, timeoutMs }, true);
        }, timeoutMs);
      }

      try {
        this.client.exec(command, (err, stream) => {
          if (err) {
            fail({ reason: 'closed', ...this.endpoint, detail: `cannot open a session channel: ${err.message}` }, false, err);
            return;
          }
          channel = stream;
          if (settled) {
            stream.close();
            return;
          }
          stream.on('data', collect(stdout));
          stream.stderr.on('data', collect(stderr));
          stream.on('exit', (code: number | null, sig?: string) => {
            if (typeof code === 'number') exitCode = code;
            else if (sig) signal = sig;
          });
          stream.on('error', (e: Error) => {
            fail({ reason: 'closed', ...this.endpoint, detail: e.message }, false, e);
          });
          stream.on('close', () => {
            if (settled) return;
            if (exitCode === null && signal === null && this.closedDetail !== undefined) {
              fail({ reason: 'closed', ...this.endpoint, detail: `${this.closedDetail} while running a command` }, false);
              return;
            }
            settled = true;
            clearTimeout(timer);
            resolve(result(false));
          });
          if (stdin && stdin.length > 0) stream.end(stdin);
          else stream.end();
        });
      } catch (err) {
        fail({ reason: 'closed', ...this.endpoint, detail: (err as Error).message }, false, err);
      }
    });
  }

  /** Open a TCP channel from the far side of this connection (for ProxyJump). */
  forwardOut(address: string, port: number): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      try {
        this.client.forwardOut('127.0.0.1', 0, address, port, (err, stream) => {
          if (err) reject(err);
          else resolve(stream);
        });
      } catch (err) {
        reject(err as Error);
      }
    });
  }

  /** Close the connection (and hand back the jump host's); resolves once the socket is closed. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.closedDetail !== undefined) {
        resolve();
        return;
      }
      const force = setTimeout(() => {
        this.client.destroy();
        // After end(), ssh2's destroy() skips a socket that is no longer writable, and a peer
        // that stalled never closes its side: without this the process would never exit.
        (this.client as unknown as { _sock?: { destroy(): void } })._sock?.destroy();
        resolve();
      }, 2_000);
      this.client.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      this.client.end();
    }).then(() => this.releaseJump());
    return this.closing;
  }

}

interface AuthPlan {
  methods: Array<{ type: AuthenticationType; username: string; [k: string]: unknown }>;
  names: string[];
}

async function planAuth(t: SshTarget, opts: SshOptions, endpoint: Endpoint): Promise<AuthPlan> {
  const methods: AuthPlan['methods'] = [];
  const names: string[] = [];
  if (t.privateKeyFile) {
    let key: Buffer;
    try {
      key = await readFile(t.privateKeyFile);
    } catch (err) {
      throw new Failure({ reason: 'auth', ...endpoint, user: t.user, methods: [], detail: `cannot read private key ${t.privateKeyFile}: ${(err as Error).message}` }, false, err);
    }
    const parsed = utils.parseKey(key);
    if (parsed instanceof Error) {
      throw new Failure(
        { reason: 'auth', ...endpoint, user: t.user, methods: [], detail: `cannot use private key ${t.privateKeyFile}: ${parsed.message} (encrypted keys: load them into ssh-agent instead)` },
        false,
        parsed,
      );
    }
    methods.push({ type: 'publickey', username: t.user, key });
    names.push(`publickey ${t.privateKeyFile}`);
  } else {
    const agent = opts.agentSocket ?? process.env['SSH_AUTH_SOCK'];
    if (agent) {
      methods.push({ type: 'agent', username: t.user, agent });
      names.push('ssh-agent');
    }
  }
  if (t.password) {
    methods.push({ type: 'password', username: t.user, password: t.password.reveal() });
    names.push('password');
  }
  if (methods.length === 0) {
    throw new Failure(
      { reason: 'auth', ...endpoint, user: t.user, methods: [], detail: 'no private key file configured, no ssh-agent (SSH_AUTH_SOCK unset) and no password' },
      false,
    );
  }
  return { methods, names };
}

function algorithmsFor(t: SshTarget, preferredHostKeyTypes: string[]): ConnectConfig['algorithms'] {
  const prefer = preferredHostKeyTypes.flatMap(hostKeyAlgorithmsFor);
  const none: never[] = [];
  const algorithms: NonNullable<ConnectConfig['algorithms']> = {};
  if (prefer.length > 0 || t.legacyAlgorithms) {
    algorithms.serverHostKey = {
      prepend: prefer as never,
      append: (t.legacyAlgorithms ? [...LEGACY.serverHostKey] : none) as never,
      remove: none,
    };
  }
  if (t.legacyAlgorithms) {
    algorithms.kex = { append: [...LEGACY.kex], prepend: none, remove: none };
    algorithms.cipher = { append: [...LEGACY.cipher], prepend: none, remove: none };
    algorithms.hmac = { append: [...LEGACY.hmac], prepend: none, remove: none };
  }
  return algorithms;
}

const RETRYABLE_CODES = new Set(['ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/** Classify an error ssh2 emitted before `ready`. */
function classify(err: Error & { level?: string; code?: string }, t: SshTarget, opts: SshOptions, endpoint: Endpoint, auth: AuthPlan): Failure {
  if (err.level === 'client-authentication') {
    return new Failure({ reason: 'auth', ...endpoint, user: t.user, methods: auth.names, detail: 'the server accepted none of them' }, false, err);
  }
  if (err.level === 'client-timeout') {
    return new Failure({ reason: 'timeout', ...endpoint, timeoutMs: opts.connectTimeoutMs, attempts: 1 }, true, err);
  }
  if (err.code === 'ECONNREFUSED') {
    return new Failure({ reason: 'refused', ...endpoint, detail: err.message, attempts: 1 }, true, err);
  }
  if (err.code !== undefined && RETRYABLE_CODES.has(err.code)) {
    return new Failure({ reason: 'connect', ...endpoint, detail: err.message, attempts: 1 }, true, err);
  }
  if (/Connection lost before handshake/i.test(err.message)) {
    return new Failure({ reason: 'connect', ...endpoint, detail: err.message, attempts: 1 }, true, err);
  }
  if (/no matching|handshake failed/i.test(err.message)) {
    return new Failure(
      {
        reason: 'connect',
        ...endpoint,
        detail: err.message,
        attempts: 1,
        ...(t.legacyAlgorithms ? {} : { hint: 'an old dropbear (White Russian) needs ssh_legacy_algorithms: true' }),
      },
      false,
      err,
    );
  }
  return new Failure({ reason: 'connect', ...endpoint, detail: err.message, attempts: 1 }, false, err);
}

/** One connection attempt; resolves with a ready client or rejects with a Failure. */
async function connectOnce(t: SshTarget, opts: SshOptions, endpoint: Endpoint, jump: SshSession | undefined): Promise<SshClient> {
  const auth = await planAuth(t, opts, endpoint);
  // The target's own trust settings (ssh config, inventory, flags) or the run's defaults.
  const trust = t.knownHosts ?? { files: [opts.knownHostsFile], globalFiles: [], acceptNew: opts.acceptNewHostKeys, hash: false };
  const knownHostsFile = trust.files[0] ?? opts.knownHostsFile;
  const readable = [...trust.files, ...trust.globalFiles];
  const entries = await readKnownHostsFiles(readable).catch((err: unknown) => {
    throw new Failure({ reason: 'connect', ...endpoint, detail: `cannot read ${readable.join(' or ')}: ${(err as Error).message}`, attempts: 1 }, false, err);
  });
  const name = knownHostsName(t.address, t.port);

  let sock: Duplex | undefined;
  if (jump) {
    try {
      sock = await jump.forwardOut(t.address, t.port);
    } catch (err) {
      const msg = (err as Error).message;
      const refused = /refused/i.test(msg);
      throw new Failure({ reason: refused ? 'refused' : 'connect', ...endpoint, detail: `the jump host could not open ${t.address}:${t.port}: ${msg}`, attempts: 1 }, true, err);
    }
  }

  const client = new Client();
  let hostKeyFailure: Failure | undefined;

  // Runs during key exchange, before any authentication is sent.
  const verifyHostKey = async (key: Buffer): Promise<boolean> => {
    const keyType = keyTypeOfBlob(key) ?? 'unknown';
    const fp = fingerprint(key);
    const base = { ...endpoint, knownHostsFile, name, keyType, fingerprint: fp };
    const status = checkHostKey(entries, t.address, t.port, keyType, key);
    switch (status.status) {
      case 'match':
        return true;
      case 'revoked':
        hostKeyFailure = new Failure({ reason: 'host-key-revoked', ...base }, false);
        return false;
      case 'changed':
        hostKeyFailure = new Failure({ reason: 'host-key-changed', ...base, expected: status.expectedKeys }, false);
        return false;
      case 'unknown':
        if (!trust.acceptNew) {
          hostKeyFailure = new Failure({ reason: 'host-key-unknown', ...base }, false);
          return false;
        }
        await appendKnownHost(knownHostsFile, t.address, t.port, keyType, key, { hash: trust.hash });
        return true;
    }
  };

  const config: ConnectConfig = {
    host: t.address,
    port: t.port,
    username: t.user,
    readyTimeout: opts.connectTimeoutMs,
    keepaliveInterval: opts.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_MS,
    keepaliveCountMax: KEEPALIVE_COUNT_MAX,
    algorithms: algorithmsFor(t, knownKeyTypes(entries, t.address, t.port)),
    hostVerifier: (key: Buffer, verify: (valid: boolean) => void): void => {
      verifyHostKey(key).then(verify, (err: unknown) => {
        hostKeyFailure = new Failure({ reason: 'connect', ...endpoint, detail: `cannot record the host key in ${knownHostsFile}: ${(err as Error).message}`, attempts: 1 }, false, err);
        verify(false);
      });
    },
    authHandler: auth.methods as unknown as ConnectConfig['authHandler'],
    ...(sock ? { sock } : {}),
  };

  return new Promise<SshClient>((resolve, reject) => {
    let done = false;
    const onError = (err: Error): void => {
      if (done) return;
      done = true;
      client.removeListener('close', onClose);
      client.destroy();
      sock?.destroy();
      reject(hostKeyFailure ?? classify(err, t, opts, endpoint, auth));
    };
    const onClose = (): void => {
      if (done) return;
      done = true;
      reject(hostKeyFailure ?? new Failure({ reason: 'connect', ...endpoint, detail: 'the server closed the connection during the handshake', attempts: 1 }, true));
    };
    client.once('ready', () => {
      if (done) return;
      done = true;
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      resolve(client);
    });
    client.on('error', onError);
    client.on('close', onClose);
    try {
      client.connect(config);
    } catch (err) {
      onError(err as Error);
    }
  });
}

/** What stdout reads when gzip data could not be decompressed. */
export const UNREADABLE_COMPRESSED = '(compressed output that could not be decompressed)\n';

/**
 * BUF decompressed when it is gzip data (magic 1f 8b), else BUF. A truncated stream gives what
 * could be decompressed. Data that is not gzip after all, or inflates beyond MAX_OUTPUT_BYTES,
 * gives UNREADABLE_COMPRESSED: never the raw bytes, which parsers would quote in their errors
 * (a stored deflate block carries file contents, chap-secrets included, verbatim).
 */
export function gunzipIfCompressed(buf: Buffer): Buffer {
  if (!isGzip(buf)) return buf;
  try {
    return gunzipBounded(buf, MAX_OUTPUT_BYTES);
  } catch {
    return Buffer.from(UNREADABLE_COMPRESSED);
  }
}
