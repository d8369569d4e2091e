// UCI sections: bring named sections of one config to a desired state with one `uci batch`,
// then commit and reload. Sections that already match send nothing: a converged router gets
// no UCI write and no reload.
import type { UciSectionFact } from '../facts/types.js';
import type { Change } from '../plan/types.js';
import { sameSection, uciCreate, uciShowLines } from '../render/firewall.js';

export interface DesiredUci {
  /** The config, e.g. `firewall`. */
  config: string;
  /** Sections that must exist exactly so (name → type and options). */
  sections: Record<string, UciSectionFact>;
  /** Sections that must not exist. */
  remove: string[];
  /** Run after the commit, e.g. `/etc/init.d/firewall reload`. */
  reload: string;
  /** What the sections are for, e.g. `firewall zone of office`; the change's reason adds what is wrong. */
  what: string;
}

/**
 * One `uci-batch` change, or none. A section that differs is deleted and written again whole
 * (stale options never survive); one that matches is left alone.
 * @example uciChanges({ config: 'firewall', sections: { pptp_fleet_zone_x: zone }, remove: [], reload, what }, {})
 * // → [{ kind: 'uci-batch', commands: ['set firewall.pptp_fleet_zone_x=zone', ...], ... }]
 */
export function uciChanges(desired: DesiredUci, current: Record<string, UciSectionFact>): Change[] {
  const { config } = desired;
  const commands: string[] = [];
  const touched: string[] = [];
  const notes: string[] = [];
  for (const [name, want] of Object.entries(desired.sections)) {
    const have = current[name];
    if (sameSection(have, want)) continue;
    if (have) commands.push(`delete ${config}.${name}`);
    commands.push(...uciCreate(config, name, want));
    touched.push(name);
    notes.push(`${name}: ${have ? 'out of date' : 'missing'}`);
  }
  for (const name of desired.remove) {
    if (!current[name] || name in desired.sections) continue;
    commands.push(`delete ${config}.${name}`);
    touched.push(name);
    notes.push(`${name}: not wanted`);
  }
  if (commands.length === 0) return [];
  const pick = (from: Record<string, UciSectionFact>): Record<string, UciSectionFact> =>
    Object.fromEntries(touched.filter((n) => from[n]).map((n) => [n, from[n] as UciSectionFact]));
  return [
    {
      kind: 'uci-batch',
      resource: 'uci',
      target: config,
      commands,
      sections: touched,
      reload: desired.reload,
      before: uciShowLines(config, pick(current)),
      after: uciShowLines(config, pick(desired.sections)),
      reason: `${desired.what}: ${notes.join(', ')}`,
    },
  ];
}
