// A fleet of cheap fake routers in one process, for measuring the orchestrator alone at 1000+
// hosts where a lab of real dropbear routers would not fit on the machine. Each router is an
// ssh2 Server on its own 127.0.0.1 port with real key exchange, host key and publickey auth
// (so the CLI's SSH path is the real one), answering exec requests by command line:
//   /bin/sh -s -- pptp-fleet:facts   → the recorded facts of a converged router (stdin is read first)
//   true                             → exit 0
//   anything else                    → exit 1 and a message: the benchmark must notice
// It counts execs and bytes received per router, the routers' side of the bill.
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import type { Connection, ParsedKey, ServerChannel } from 'ssh2';
import { FACTS_COMMAND } from '../../../src/facts/gather.js';
import { renderFacts } from './facts-fixture.js';

const { Server, utils } = ssh2;

export interface KeyPair {
  /** OpenSSH private key text. */
  private: string;
  /** `type base64` public key line. */
  public: string;
}

/**
 * A fresh key pair that ssh2 itself can read back (generated in-process, no ssh-keygen needed).
 * ssh2's keygen strips leading zero bytes from an ed25519 public key, so about one pair in 256
 * comes out 31 bytes long and `parseKey` rejects it as malformed (mscdex/ssh2#1390, #1513):
 * such pairs are thrown away and drawn again.
 */
export function generateSshKeyPair(type: 'ed25519' | 'rsa' = 'ed25519'): { private: string; public: string } {
  for (let attempt = 1; ; attempt++) {
    const kp = type === 'rsa' ? utils.generateKeyPairSync('rsa', { bits: 2048 }) : utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(kp.private) instanceof Error) && !(utils.parseKey(kp.public) instanceof Error)) return kp;
    if (attempt >= 16) throw new Error(`ssh2 generated ${attempt} unreadable ${type} key pairs in a row`);
  }
}

/** A fresh ed25519 key pair with the public half as `type base64`. */
export function generateKeyPair(): KeyPair {
  const kp = generateSshKeyPair('ed25519');
  return { private: kp.private, public: kp.public.split(' ').slice(0, 2).join(' ') };
}

export interface FakeRouter {
  name: string;
  port: number;
}

export interface FakeFleet {
  routers: FakeRouter[];
  /** The host key every router shows, as `ssh-ed25519 AAAA…`. */
  hostPublicKey: string;
  /** Execs received so far, per router in `routers` order. */
  execCounts(): number[];
  /** Command-line plus stdin bytes received so far, per router. */
  bytesReceived(): number[];
  /** Exec requests refused as unknown commands, with their command lines (at most 20 kept). */
  unknownCommands(): string[];
  close(): Promise<void>;
}

export interface FakeFleetOptions {
  count: number;
  /** Facts output with HOSTNAME_MARK where the router's name goes. */
  factsTemplate: string;
  /** The one client key allowed in (`type base64`). */
  clientPublicKey: string;
  hostKey?: KeyPair;
}

/**
 * Router names like the lab's, zero-padded to the fleet's size: r001…r200, r0001…r1000.
 * @example fakeRouterName(7, 1000) // 'r0007'
 */
export function fakeRouterName(index: number, count: number): string {
  return `r${String(index).padStart(Math.max(3, String(count).length), '0')}`;
}

function keyMatches(allowed: ParsedKey, algo: string, data: Buffer): boolean {
  const pub = allowed.getPublicSSH();
  return algo === allowed.type && data.length === pub.length && timingSafeEqual(data, pub);
}

/** Starts COUNT fake routers on kernel-chosen ports of 127.0.0.1. */
export async function startFakeFleet(opts: FakeFleetOptions): Promise<FakeFleet> {
  const hostKey = opts.hostKey ?? generateKeyPair();
  const allowed = utils.parseKey(opts.clientPublicKey);
  if (allowed instanceof Error) throw allowed;
  const execs = new Array<number>(opts.count).fill(0);
  const bytes = new Array<number>(opts.count).fill(0);
  const unknown: string[] = [];
  const connections = new Set<Connection>();
  const servers: Array<InstanceType<typeof Server>> = [];
  const routers: FakeRouter[] = [];

  const answer = (index: number, name: string, command: string, stream: ServerChannel): void => {
    execs[index] = (execs[index] ?? 0) + 1;
    bytes[index] = (bytes[index] ?? 0) + Buffer.byteLength(command, 'utf8');
    stream.on('data', (chunk: Buffer) => {
      bytes[index] = (bytes[index] ?? 0) + chunk.length;
    });
    const finish = (code: number, stdout: string, stderr = ''): void => {
      if (stdout) stream.write(stdout);
      if (stderr) stream.stderr.write(stderr);
      stream.exit(code);
      stream.end();
    };
    if (command === 'true') return finish(0, '');
    if (command === FACTS_COMMAND) {
      // Like `sh -s`: the whole script arrives on stdin before the output it produces.
      stream.once('end', () => finish(0, renderFacts(opts.factsTemplate, name)));
      return;
    }
    if (unknown.length < 20) unknown.push(command);
    finish(1, '', `fake router ${name}: unsupported command: ${command}\n`);
  };

  try {
    for (let i = 0; i < opts.count; i++) {
      const index = i;
      const name = fakeRouterName(i + 1, opts.count);
      const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
        connections.add(client);
        client.on('close', () => connections.delete(client));
        client.on('error', () => undefined);
        client.on('authentication', (ctx) => {
          if (ctx.method === 'publickey' && keyMatches(allowed, ctx.key.algo, ctx.key.data)) {
            if (!ctx.signature) return ctx.accept();
            if (ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) return ctx.accept();
          }
          return ctx.reject(['publickey']);
        });
        client.on('ready', () => {
          client.on('session', (accept) => {
            accept().on('exec', (acceptExec, _reject, info) => answer(index, name, info.command, acceptExec()));
          });
        });
      });
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      routers.push({ name, port: (server.address() as AddressInfo).port });
    }
  } catch (err) {
    await closeAll(servers, connections);
    throw err;
  }

  return {
    routers,
    hostPublicKey: hostKey.public,
    execCounts: () => [...execs],
    bytesReceived: () => [...bytes],
    unknownCommands: () => [...unknown],
    close: () => closeAll(servers, connections),
  };
}

async function closeAll(servers: ReadonlyArray<InstanceType<typeof Server>>, connections: Set<Connection>): Promise<void> {
  for (const c of connections) c.end();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
}
