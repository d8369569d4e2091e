// The rollback's router-side scripts: what the snapshot covers and what the restore runs.
import { describe, expect, it } from 'vitest';
import { backupScript, restoreScript, uciConfigs } from '../../src/engine/rollback.js';
import type { Change } from '../../src/plan/types.js';

const WRITE: Change = { kind: 'write-file', resource: 'file', target: '/etc/ppp/chap-secrets', content: 'x', maskedContent: 'x', maskedBefore: '', mode: '600', replaceSymlink: false, reason: 't' };
const uci = (target: string, reload: string): Change => ({ kind: 'uci-batch', resource: 'uci', target, commands: [], sections: [], reload, before: '', after: '', reason: 't' });

describe('rollback scripts', () => {
  it('the snapshot covers /etc/config/network and firewall when the apply commits them', () => {
    const s = backupScript([WRITE, uci('network', '/etc/init.d/network reload'), uci('firewall', '/etc/init.d/firewall reload')]);
    expect(s).toMatch(/^TARGETS='\/etc\/ppp\/chap-secrets\n\/etc\/config\/network\n\/etc\/config\/firewall'$/m);
  });

  it('files only: no UCI config in the snapshot', () => {
    expect(backupScript([WRITE])).not.toContain('/etc/config/');
  });

  it('each config once, with the reload the apply ran', () => {
    expect(uciConfigs([uci('network', '/etc/init.d/network reload'), uci('network', '/etc/init.d/network reload')])).toEqual([{ file: '/etc/config/network', reload: '/etc/init.d/network reload' }]);
  });

  it('the restore names the interfaces to take down and the reloads', () => {
    const s = restoreScript('', { ifdown: ['home', 'lab_2'], reloads: ['/etc/init.d/network reload'] });
    expect(s).toMatch(/^IFDOWN='home lab_2'$/m);
    expect(s).toMatch(/^RELOADS='\/etc\/init.d\/network reload'$/m);
    expect(() => restoreScript('', { ifdown: ['a;reboot'] })).toThrow(RangeError);
  });
});
