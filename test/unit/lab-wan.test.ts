// `lab wan`'s pure parts: the action word, and the simulated kernel's tables without the WAN's
// rows (down) or with the boot image's WAN rows back once (up).
import { describe, expect, it } from 'vitest';
import { InputError } from '../../packages/lab/src/errors.js';
import { parseWanAction, wanTable } from '../../packages/lab/src/wan.js';

const BOOT = '0.0.0.0 192.0.2.1 0.0.0.0 UG 0 eth1\n192.0.2.0 0.0.0.0 255.255.255.0 U 0 eth1\n192.168.1.0 0.0.0.0 255.255.255.0 U 0 br-lan\n';
const NOW = `${BOOT}198.51.100.1 192.0.2.1 255.255.255.255 UGH 0 eth1\n192.168.0.1 0.0.0.0 255.255.255.255 UH 0 pptp-office\n`;

describe('lab wan', () => {
  it('down drops every route through the WAN device, the host route to the server included', () => {
    expect(wanTable(NOW, BOOT, 'eth1', 5, 'down')).toBe('192.168.1.0 0.0.0.0 255.255.255.0 U 0 br-lan\n192.168.0.1 0.0.0.0 255.255.255.255 UH 0 pptp-office\n');
  });
  it('up puts back the WAN rows of the boot image once, however often it runs', () => {
    const down = wanTable(NOW, BOOT, 'eth1', 5, 'down');
    const up = wanTable(down, BOOT, 'eth1', 5, 'up');
    expect(up.split('\n').filter((l) => l.endsWith(' eth1'))).toEqual(['0.0.0.0 192.0.2.1 0.0.0.0 UG 0 eth1', '192.0.2.0 0.0.0.0 255.255.255.0 U 0 eth1']);
    expect(wanTable(up, BOOT, 'eth1', 5, 'up')).toBe(up);
  });
  it('interfaces by their first column', () => {
    expect(wanTable('lo x\neth1 y\n', 'lo x\neth1 y\n', 'eth1', 0, 'down')).toBe('lo x\n');
  });
  it('the action is down or up; anything else is bad input naming it', () => {
    expect(parseWanAction('up')).toBe('up');
    expect(() => parseWanAction('off')).toThrow(InputError);
    expect(() => parseWanAction(undefined)).toThrow(/ACTION: expected down or up/);
  });
});
