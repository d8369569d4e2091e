// Small pieces of OpenSSH's syntax shared by the SSH code: ProxyJump specs and the local user.
// Host settings themselves come from `ssh -G` or the ssh-config package (openssh-config.ts).
import { userInfo } from 'node:os';

export interface JumpSpec {
  user?: string;
  host: string;
  port?: number;
}

/**
 * Parse a ProxyJump value / inventory `jumpHost`: `[user@]host[:port]`, `[user@][v6addr]:port`,
 * comma-separated hops (first hop first). Returns undefined when malformed.
 *
 * @example parseJumpSpec('admin@bastion:2222') // [{ user: 'admin', host: 'bastion', port: 2222 }]
 */
export function parseJumpSpec(spec: string): JumpSpec[] | undefined {
  const hops: JumpSpec[] = [];
  for (const raw of spec.split(',')) {
    let s = raw.trim().replace(/^ssh:\/\//, '');
    if (s === '') return undefined;
    const hop: { user?: string; host: string; port?: number } = { host: '' };
    const at = s.lastIndexOf('@');
    if (at >= 0) {
      if (at === 0) return undefined;
      hop.user = s.slice(0, at);
      s = s.slice(at + 1);
    }
    let portText: string | undefined;
    const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
    if (bracket) {
      hop.host = bracket[1] ?? '';
      portText = bracket[2];
    } else {
      const colon = s.lastIndexOf(':');
      if (colon >= 0 && s.indexOf(':') === colon) {
        hop.host = s.slice(0, colon);
        portText = s.slice(colon + 1);
      } else {
        hop.host = s;
      }
    }
    if (hop.host === '' || /\s/.test(hop.host)) return undefined;
    if (portText !== undefined) {
      if (!/^\d+$/.test(portText)) return undefined;
      const port = Number(portText);
      if (port < 1 || port > 65535) return undefined;
      hop.port = port;
    }
    hops.push(hop);
  }
  return hops;
}

export function localUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? 'root';
  }
}
