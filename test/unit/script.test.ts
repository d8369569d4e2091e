import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPLY_COMMAND, applyScript, parseApplyOutput } from '../../src/apply/script.js';
import type { Change } from '../../src/plan/types.js';

const write = (target: string, content: string, mode = '600', replaceSymlink = false): Change => ({
  kind: 'write-file', resource: 'file', target, content, maskedContent: content, maskedBefore: '', mode, replaceSymlink, reason: 'test',
});

/** Runs the script the way the engine does: `/bin/sh -s -- pptp-fleet:apply`, script on stdin. */
function runScript(script: string): { status: number | null; stdout: string; stderr: string } {
  const [sh, ...args] = APPLY_COMMAND.split(' ');
  const r = spawnSync(sh ?? '/bin/sh', args, { input: script, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const UCI_CHANGE: Change = {
  kind: 'uci-batch', resource: 'uci', target: 'firewall', reason: 't', reload: '/etc/init.d/firewall reload', before: '', after: '',
  sections: ['pptp_fleet_zone_office'],
  commands: ['set firewall.pptp_fleet_zone_office=zone', "set firewall.pptp_fleet_zone_office.name='office'", "add_list firewall.pptp_fleet_zone_office.device='pptp-office'"],
};

/** A root with stand-in `uci` (logs its arguments and stdin; BATCH_ERR makes batch complain) and /etc/init.d/firewall. */
function uciRoot(batchErr = ''): { root: string; bin: string; log: () => string } {
  const root = mkdtempSync(join(tmpdir(), 'pf-apply-uci-'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  mkdirSync(join(root, 'etc/init.d'), { recursive: true });
  writeFileSync(join(bin, 'uci'), `#!/bin/sh\necho "uci $*" >> ${root}/log\ncase "$3" in batch) cat >> ${root}/log; ${batchErr ? `echo ${JSON.stringify(batchErr)} >&2` : ':'} ;; esac\nexit 0\n`, { mode: 0o755 });
  writeFileSync(join(root, 'etc/init.d/firewall'), `#!/bin/sh\necho "firewall $*" >> ${root}/log\n`, { mode: 0o755 });
  return { root, bin, log: () => readFileSync(join(root, 'log'), 'utf8') };
}

const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);

describe('applyScript', () => {
  it('is valid sh for every kind of change', () => {
    const all: Change[] = [
      write('/etc/a', 'x\n'),
      write('/etc/b', 'no newline'),
      write('/etc/c', ''),
      { kind: 'chmod', resource: 'file', target: '/etc/a', mode: '644', reason: 't' },
      { kind: 'delete-file', resource: 'file', target: '/etc/a', maskedBefore: '', reason: 't' },
      { kind: 'install', resource: 'package', target: 'pptp,kmod-mppe', packages: ['pptp', 'kmod-mppe'], manager: 'opkg', updateLists: true, reason: 't' },
      { kind: 'remove-package', resource: 'package', target: 'pptp', reason: 't' },
      { kind: 'load-module', resource: 'module', target: 'ppp_generic', reason: 't' },
      { kind: 'enable-service', resource: 'service', target: '/etc/init.d/pptp-office', reason: 't' },
      { kind: 'disable-service', resource: 'service', target: '/etc/init.d/pptp-office', reason: 't' },
      { kind: 'tunnel-stop', resource: 'tunnel', target: 'office', reason: 't' },
      { kind: 'tunnel-restart', resource: 'tunnel', target: 'office', reason: 't' },
      UCI_CHANGE,
    ];
    for (const hasSha256sum of [false, true]) {
      const r = spawnSync('/bin/sh', ['-n'], { input: applyScript(all, { hasSha256sum, trailer: 'echo facts' }), encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it('keeps secrets and contents off the command line: only the script on stdin', () => {
    expect(APPLY_COMMAND).toBe('/bin/sh -s -- pptp-fleet:apply');
  });

  for (const hasSha256sum of [false, true]) {
    it(`writes files atomically with their modes, replaces a /rom symlink, keeps its target (${hasSha256sum ? 'sha256sum' : 'md5sum'})`, () => {
      const root = mkdtempSync(join(tmpdir(), 'pf-apply-'));
      mkdirSync(join(root, 'rom/etc/ppp'), { recursive: true });
      mkdirSync(join(root, 'etc/ppp'), { recursive: true });
      writeFileSync(join(root, 'rom/etc/ppp/chap-secrets'), '#USERNAME PROVIDER PASSWORD IPADDRESS\n');
      chmodSync(join(root, 'rom/etc/ppp/chap-secrets'), 0o444);
      symlinkSync('/rom/etc/ppp/chap-secrets'.replace(/^/, root), join(root, 'etc/ppp/chap-secrets'));
      writeFileSync(join(root, 'etc/ppp/old'), 'bye\n');
      const tricky = 'a $HOME `id` $(id) \\ \'"\nEOF\nPFEOF_\n\n\ttab\n';
      const chap = '#USERNAME PROVIDER PASSWORD IPADDRESS\n# BEGIN pptp-fleet office\nLAB\\\\fleet office "s3cret pw" *\n# END pptp-fleet office\n';
      const changes: Change[] = [
        write('/etc/ppp/peers/office', tricky, '600'),
        write('/etc/ppp/chap-secrets', chap, '600', true),
        write('/etc/ppp/ip-up', '#!/bin/sh\nexit 0\n', '755'),
        write('/etc/modules.d/60-pptp-fleet', 'no final newline\n\n\nx'),
        write('/etc/empty', ''),
        { kind: 'chmod', resource: 'file', target: '/etc/ppp/ip-up', mode: '750', reason: 't' },
        { kind: 'delete-file', resource: 'file', target: '/etc/ppp/old', maskedBefore: '', reason: 't' },
      ];
      const r = runScript(applyScript(changes, { hasSha256sum, root, trailer: 'echo "facts here"' }));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = parseApplyOutput(r.stdout);
      expect(out.failed).toBeUndefined();
      expect(out.complete).toBe(true);
      expect(out.done.map((d) => `${d.kind} ${d.target}`)).toEqual(changes.map((c) => `${c.kind} ${c.target}`));
      expect(out.trailerOutput).toBe('facts here\n');
      expect(readFileSync(join(root, 'etc/ppp/peers/office'), 'utf8')).toBe(tricky);
      expect(mode(join(root, 'etc/ppp/peers/office'))).toBe('600');
      expect(lstatSync(join(root, 'etc/ppp/chap-secrets')).isSymbolicLink()).toBe(false);
      expect(readFileSync(join(root, 'etc/ppp/chap-secrets'), 'utf8')).toBe(chap);
      expect(mode(join(root, 'etc/ppp/chap-secrets'))).toBe('600');
      expect(readFileSync(join(root, 'rom/etc/ppp/chap-secrets'), 'utf8')).toBe('#USERNAME PROVIDER PASSWORD IPADDRESS\n');
      expect(mode(join(root, 'etc/ppp/ip-up'))).toBe('750');
      expect(readFileSync(join(root, 'etc/modules.d/60-pptp-fleet'), 'utf8')).toBe('no final newline\n\n\nx');
      expect(readFileSync(join(root, 'etc/empty'), 'utf8')).toBe('');
      expect(existsSync(join(root, 'etc/ppp/old'))).toBe(false);
      // No temp file left behind anywhere.
      for (const d of ['etc', 'etc/ppp', 'etc/ppp/peers', 'etc/modules.d']) {
        expect(readdirSync(join(root, d)).filter((n) => n.startsWith('.pptp-fleet'))).toEqual([]);
      }
    });
  }

  it('stops at the first failure: nothing after it runs, the old file stays whole', () => {
    const root = mkdtempSync(join(tmpdir(), 'pf-apply-'));
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc/blocker'), 'a file where a directory should be\n');
    writeFileSync(join(root, 'etc/keep'), 'old\n');
    const changes = [write('/etc/keep', 'new\n'), write('/etc/blocker/x', 'y\n'), write('/etc/later', 'z\n')];
    const r = runScript(applyScript(changes, { hasSha256sum: false, root, trailer: 'echo facts' }));
    expect(r.status).toBe(1);
    const out = parseApplyOutput(r.stdout);
    expect(out.done).toEqual([{ kind: 'write-file', target: '/etc/keep' }]);
    expect(out.failed).toMatchObject({ kind: 'write-file', target: '/etc/blocker/x', message: expect.stringContaining('cannot create') });
    expect(out.complete).toBe(false);
    expect(r.stdout).not.toContain('facts');
    expect(existsSync(join(root, 'etc/later'))).toBe(false);
  });

  it('parseApplyOutput reads the protocol, decoding targets', () => {
    const out = parseApplyOutput('PF-OK install pptp,kmod-mppe\nPF-FAIL load-module ppp%20x 1 insmod: can\'t insert\n');
    expect(out).toEqual({
      done: [{ kind: 'install', target: 'pptp,kmod-mppe' }],
      failed: { kind: 'load-module', target: 'ppp x', exitCode: 1, message: "insmod: can't insert" },
      complete: false,
      trailerOutput: '',
    });
  });

  it('install retries while the package lock is held, then reports it', () => {
    const root = mkdtempSync(join(tmpdir(), 'pf-apply-'));
    const bin = join(root, 'bin');
    mkdirSync(bin);
    // A stand-in opkg: locked twice, then it works.
    writeFileSync(join(bin, 'opkg'), `#!/bin/sh\nn=$(cat ${root}/n 2>/dev/null || echo 0)\necho $((n+1)) > ${root}/n\n[ "$n" -ge 2 ] && exit 0\necho "Could not lock /var/lock/opkg.lock: Resource temporarily unavailable" >&2\nexit 255\n`);
    chmodSync(join(bin, 'opkg'), 0o755);
    const script = applyScript([{ kind: 'install', resource: 'package', target: 'pptp', packages: ['pptp'], manager: 'opkg', updateLists: false, reason: 't' }], { hasSha256sum: false })
      .replace('export PATH', `PATH=${bin}:$PATH; export PATH`)
      .replace(/sleep 3/, 'sleep 0');
    const r = runScript(script);
    expect(parseApplyOutput(r.stdout)).toMatchObject({ done: [{ kind: 'install', target: 'pptp' }], complete: true });
    expect(readFileSync(join(root, 'n'), 'utf8').trim()).toBe('3');
  });

  it('uci-batch: the batch on stdin, then commit, then the reload', () => {
    const { root, bin, log } = uciRoot();
    const script = applyScript([UCI_CHANGE], { hasSha256sum: false, root }).replace('export PATH', `PATH=${bin}:$PATH; export PATH`);
    const r = runScript(script);
    expect(parseApplyOutput(r.stdout)).toMatchObject({ done: [{ kind: 'uci-batch', target: 'firewall' }], complete: true });
    const c = `-c ${root}/etc/config`;
    expect(log()).toBe(`uci ${c} changes firewall\nuci ${c} batch\n${(UCI_CHANGE as { commands: string[] }).commands.join('\n')}\nuci ${c} commit firewall\nfirewall reload\n`);
  });

  it('uci-batch: a line uci batch complains about fails the change, reverts our sections, commits nothing and does not reload', () => {
    const { root, bin, log } = uciRoot('uci: Invalid argument');
    const script = applyScript([UCI_CHANGE, write('/etc/after', 'x\n')], { hasSha256sum: false, root }).replace('export PATH', `PATH=${bin}:$PATH; export PATH`);
    const out = parseApplyOutput(runScript(script).stdout);
    expect(out.failed).toMatchObject({ kind: 'uci-batch', target: 'firewall', message: 'uci batch: uci: Invalid argument' });
    expect(out.complete).toBe(false);
    expect(log()).toContain(`uci -c ${root}/etc/config revert firewall.pptp_fleet_zone_office\n`);
    expect(log()).not.toContain('commit');
    expect(log()).not.toContain('firewall reload');
    expect(existsSync(join(root, 'etc/after'))).toBe(false);
  });

  it('install: a kmod built for another kernel fails with both kernels named', () => {
    const root = mkdtempSync(join(tmpdir(), 'pf-apply-'));
    const bin = join(root, 'bin');
    mkdirSync(bin);
    // opkg as it answers on a router whose kernel is older than the feed's kmods (openwrt/packages#14606)
    writeFileSync(join(bin, 'opkg'), `#!/bin/sh
[ "$1" = update ] && { echo "Updated list of available packages in /var/opkg-lists/openwrt_core"; exit 0; }
echo "Installing kmod-gre (5.15.167-1) to root..."
echo "Collected errors:" >&2
echo " * satisfy_dependencies_for: Cannot satisfy the following dependencies for kmod-gre:" >&2
printf ' * \\tkernel (= 5.15.167-1-0ff9d6d3e1c4d4b9b8d3b3b1e3f4e5a6) *\\n' >&2
echo " * opkg_install_cmd: Cannot install package kmod-gre." >&2
echo " * satisfy_dependencies_for: Cannot satisfy the following dependencies for kmod-pptp:" >&2
echo " * opkg_install_cmd: Cannot install package kmod-pptp." >&2
echo " * opkg_install_cmd: Cannot install package kmod-mppe." >&2
exit 255
`, { mode: 0o755 });
    writeFileSync(join(bin, 'uname'), '#!/bin/sh\necho 5.15.150\n', { mode: 0o755 });
    const script = applyScript([{ kind: 'install', resource: 'package', target: 'kmod-gre,kmod-pptp', packages: ['kmod-gre', 'kmod-pptp'], manager: 'opkg', updateLists: true, reason: 't' }], { hasSha256sum: false })
      .replace('export PATH', `PATH=${bin}:$PATH; export PATH`);
    const f = parseApplyOutput(runScript(script).stdout).failed;
    expect(f?.kind).toBe('install');
    expect(f?.message).toMatch(/^kernel mismatch: the router runs Linux 5\.15\.150, the package feed's kernel modules are built for 5\.15\.167 \(kernel 5\.15\.167-1-0ff9d6d3e1c4d4b9b8d3b3b1e3f4e5a6\);/);
    expect(f?.message).toContain('Nothing was configured.');
  });
});
