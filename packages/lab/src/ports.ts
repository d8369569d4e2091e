// TCP helpers for the lab, all on 127.0.0.1: free ports, and waiting for a port to accept or to
// greet with an SSH banner.
import { createConnection, createServer, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export const LAB_HOST = '127.0.0.1';

function listen(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen({ host: LAB_HOST, port, exclusive: true }, () => resolve(server));
  });
}

/**
 * Finds COUNT distinct free ports on 127.0.0.1: from BASE upward when given, else chosen by the
 * kernel. The ports stay bound (so no two are alike) until `release()`, to be called right before
 * the servers that take them start.
 * @example const { ports, release } = await allocatePorts(3); await release(); // then start servers
 */
export async function allocatePorts(count: number, base?: number): Promise<{ ports: number[]; release: () => Promise<void> }> {
  const held: Server[] = [];
  const ports: number[] = [];
  let next = base;
  while (ports.length < count) {
    if (next !== undefined && next > 65535) throw new Error(`not enough free ports on ${LAB_HOST} from ${String(base)}`);
    const server = await listen(next ?? 0);
    if (next !== undefined) next += 1;
    if (!server) continue;
    const addr = server.address();
    if (addr && typeof addr === 'object') {
      held.push(server);
      ports.push(addr.port);
    }
  }
  const release = async (): Promise<void> => {
    await Promise.all(held.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  };
  return { ports, release };
}


/** One attempt: connect, and resolve with the first line the server sends (or '' when it only accepts). */
function firstLine(port: number, waitMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: LAB_HOST, port });
    let buf = '';
    const done = (fn: () => void): void => {
      clearTimeout(timer);
      socket.destroy();
      fn();
    };
    const timer = setTimeout(() => done(() => resolve(buf)), waitMs);
    socket.on('data', (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      const nl = buf.indexOf('\n');
      if (nl >= 0) done(() => resolve(buf.slice(0, nl).replace(/\r$/, '')));
    });
    socket.on('error', (err) => done(() => reject(err)));
    socket.on('end', () => done(() => resolve(buf)));
  });
}

/**
 * Waits until 127.0.0.1:PORT accepts and says `SSH-2.0-…`; resolves with that banner.
 * @example await waitForSshBanner(40123, 10_000) // 'SSH-2.0-dropbear_2022.83'
 */
export async function waitForSshBanner(port: number, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const line = await firstLine(port, Math.max(200, Math.min(2000, deadline - Date.now())));
      if (line.startsWith('SSH-2.0-')) return line;
      last = `got ${JSON.stringify(line)} instead of an SSH banner`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(100);
  }
  throw new Error(`${LAB_HOST}:${port} gave no SSH banner within ${timeoutMs} ms (${last})`);
}

/**
 * Waits until 127.0.0.1:PORT accepts a TCP connection (which it closes at once).
 * @example await waitForAccept(40124, 10_000)
 */
export async function waitForAccept(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: LAB_HOST, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', (err) => {
        last = err.message;
        resolve(false);
      });
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${LAB_HOST}:${port} did not accept within ${timeoutMs} ms (${last})`);
}

/**
 * Connects and collects what the server sends within WAIT_MS ('' for a server that never speaks).
 * @example await bytesWithin(40124, 1000) // ''
 */
export async function bytesWithin(port: number, waitMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: LAB_HOST, port });
    let buf = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(buf);
    }, waitMs);
    socket.on('data', (chunk: Buffer) => (buf += chunk.toString('latin1')));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * Ports in LISTEN state on 127.0.0.1 or 0.0.0.0, from /proc/net/tcp: lets the supervisor see a
 * dropbear is up without connecting to it (each connection would fork a dropbear child).
 * @example parseListeningPorts(text).has(40123)
 */
export function parseListeningPorts(procNetTcp: string): Set<number> {
  const ports = new Set<number>();
  for (const line of procNetTcp.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const local = f[1];
    if (!local || f[3] !== '0A') continue;
    const [addr, port] = local.split(':');
    if ((addr === '0100007F' || addr === '00000000') && port) ports.add(parseInt(port, 16));
  }
  return ports;
}
