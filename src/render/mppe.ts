// MPPE options in the two dialects pppd has spoken on OpenWrt.
import type { MppeDialect } from '../facts/types.js';
import type { MppeSettings } from '../inventory/types.js';

/**
 * pppd lines asking for MPPE as `settings` says, one option per line.
 * - mppc (ppp < 2.5, OpenWrt's MPPE-MPPC patch): `mppe required,no40,no56,stateless`
 * - upstream (ppp 2.5): `require-mppe-128` (required, 40-bit refused), `require-mppe`
 *   (required, any key length) or `nomppe-40`, and `nomppe-stateful` for stateless.
 */
export function mppeLines(settings: MppeSettings, dialect: MppeDialect): string[] {
  if (dialect === 'mppc') {
    const flags = [
      settings.required ? 'required' : null,
      settings.no40 ? 'no40' : null,
      settings.no56 ? 'no56' : null,
      settings.stateless ? 'stateless' : null,
    ].filter((f): f is string => f !== null);
    return flags.length > 0 ? [`mppe ${flags.join(',')}`] : [];
  }
  // Upstream MPPE knows 40- and 128-bit keys only (56-bit was the MPPE-MPPC patch's), so
  // `no56` has nothing to refuse; there is no `refuse-mppe-*` (Debian's pppd rejects it).
  const lines: string[] = [];
  if (settings.required) lines.push(settings.no40 ? 'require-mppe-128' : 'require-mppe');
  else if (settings.no40) lines.push('nomppe-40');
  if (settings.stateless) lines.push('nomppe-stateful');
  return lines;
}

/**
 * Reads the argument of an MPPE-MPPC `mppe` option (`required,no40,no56,stateless`) back
 * into settings; null when it holds something else (e.g. `no`: MPPE refused).
 */
export function parseMppcArgument(arg: string): MppeSettings | null {
  const s: MppeSettings = { required: false, stateless: false, no40: false, no56: false };
  for (const flag of arg.split(',')) {
    switch (flag.trim()) {
      case 'required': s.required = true; break;
      case 'stateless': s.stateless = true; break;
      case 'no40': s.no40 = true; break;
      case 'no56': s.no56 = true; break;
      case '': break;
      default: return null;
    }
  }
  return s;
}
