// Debian's real pppd (2.4.9) checks our generated options: `pppd file F dryrun` reports an
// option error (exit 2, "In file F: unrecognized option ...") before it fails on the missing
// kernel support (exit 4: no /dev/ppp here). Debian's pppd speaks the upstream MPPE dialect
// (require-mppe-128, as ppp 2.5 does) and has no pptp.so plugin, so:
// - the ppp-2.5 files are checked as they are, except the `plugin pptp.so` / `pptp_server X`
//   pair, which becomes `pty "/bin/true X"` (Debian's pppd cannot load OpenWrt's plugin and
//   `pptp_server` is that plugin's option; pppd still needs some device to check the rest);
// - the MPPE-MPPC files are checked with only their `mppe ...` line translated to upstream
//   syntax (Debian's pppd does not have the MPPE-MPPC patch);
// - `file /etc/ppp/options.pptp` points at the generated options.pptp in a temp dir.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mppeDialect } from '../../src/plan/firmware.js';
import { mppeLines, parseMppcArgument } from '../../src/render/mppe.js';
import { renderOptionsPptp } from '../../src/render/options-pptp.js';
import { renderPeer } from '../../src/render/peer.js';
import { FIRMWARES, OPTIONS_MPPC, OPTIONS_UPSTREAM, factsFor, tunnel } from '../fixtures/resources/firmware.js';

const PPPD = '/usr/sbin/pppd';
const available = existsSync(PPPD) && process.getuid?.() === 0;
if (!available) {
  console.warn(`pppd-dryrun: skipped (${existsSync(PPPD) ? 'needs root: linkname is a privileged option' : `${PPPD} not installed: apt-get install ppp`})`);
}

/** The file as Debian's pppd can read it (see the header comment). */
function forDebian(text: string, optionsPath: string): string {
  return text
    .split('\n')
    .filter((l) => l !== 'plugin pptp.so')
    // The plugin's device stands in as a pty, so pppd has a device to check the rest against.
    .map((l) => l.replace(/^pptp_server (.*)$/, 'pty "/bin/true $1"'))
    .flatMap((l) => {
      const m = /^mppe (\S+)$/.exec(l);
      if (!m?.[1]) return [l.replace(/^file \/etc\/ppp\/options\.pptp$/, `file ${optionsPath}`)];
      const s = parseMppcArgument(m[1]);
      if (!s) throw new Error(`cannot translate ${l}`);
      return mppeLines(s, 'upstream');
    })
    .join('\n');
}

/** `pppd file F dryrun`; an options file alone names no device, so it gets a `pty`. */
function dryrun(file: string, withDevice = false): { status: number | null; stderr: string } {
  const r = spawnSync(PPPD, ['file', file, ...(withDevice ? ['pty', '/bin/true'] : []), 'dryrun'], { encoding: 'utf8', timeout: 10_000 });
  return { status: r.status, stderr: r.stderr };
}

describe.skipIf(!available)('generated pppd files pass Debian pppd option parsing', () => {
  const variants = [
    tunnel(),
    tunnel({ defaultRoute: 'replace', lcpEchoInterval: 30, lcpEchoFailure: 4, persist: true, demand: true, idle: 3600, refuseEap: true, extraOptions: ['mtu 1400'] }),
    tunnel({ mppe: { required: true, stateless: false, no40: false, no56: true }, username: 'DOMAIN\\user name', server: 'vpn.example.com' }),
    tunnel({ mppe: false, refuseEap: false }),
  ];
  for (const fw of FIRMWARES) {
    it(`${fw} (${mppeDialect(factsFor(fw))} dialect)`, () => {
      const facts = factsFor(fw);
      const dir = mkdtempSync(join(tmpdir(), 'pf-pppd-'));
      const optionsPath = join(dir, 'options.pptp');
      const options = renderOptionsPptp(fw === 'openwrt-apk' ? OPTIONS_UPSTREAM : OPTIONS_MPPC, { lcpEchoInterval: 10, idle: 0, refuseEap: true, persist: true, mppe: { required: true, stateless: true, no40: true, no56: true } }, mppeDialect(facts));
      writeFileSync(optionsPath, forDebian(options.content, optionsPath));
      const o = dryrun(optionsPath, true);
      expect(o.stderr).not.toMatch(/unrecognized option|too few parameters|In file|invalid/);
      expect(o.status).toBe(4);
      variants.forEach((t, i) => {
        const peer = join(dir, `peer${i}`);
        writeFileSync(peer, forDebian(renderPeer(t, facts), optionsPath), { mode: 0o600 });
        const r = dryrun(peer);
        expect(r.stderr, `peer ${i}:\n${renderPeer(t, facts)}`).not.toMatch(/unrecognized option|too few parameters|In file|invalid|privilege/);
        expect(r.status).toBe(4);
      });
    });
  }

  it('really does catch an option error (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pf-pppd-'));
    const f = join(dir, 'bad');
    writeFileSync(f, 'mppe required,stateless\n');
    const r = dryrun(f);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unrecognized option 'mppe'/);
  });
});
