// Who runs each tunnel on a router: netifd (a `proto 'pptp'` interface in /etc/config/network,
// which netifd starts after the WAN, restarts after failures, and sysupgrade keeps) or a
// `pppd call NAME` the tool starts by hand (White Russian's way, or when the inventory asks).
// Pure: decided from the inventory and the facts, and the one place that finds a tunnel's pppd.
import type { Facts, PppdProcess } from '../facts/types.js';
import type { TunnelManager, TunnelSpec } from '../inventory/types.js';
import { isPptpInterface, netifdDevice, netifdInterface } from '../render/netifd.js';
import { ResourceError } from '../resources/problem.js';

/**
 * The manager of tunnel T on a router with FACTS: its `manager` (tunnel or host variable), else
 * netifd where the router has netifd's PPP protocol handler (OpenWrt >= 12.09), else pppd.
 * Throws ResourceError when the inventory asks for netifd on a router without it.
 * @example tunnelManager({ ...office, manager: undefined }, whiteRussianFacts) // 'pppd'
 */
export function tunnelManager(t: Pick<TunnelSpec, 'name' | 'manager'>, facts: Pick<Facts, 'netifd'>): TunnelManager {
  if (t.manager === 'netifd' && !facts.netifd) {
    throw new ResourceError(`tunnel ${t.name}: manager netifd asks for a netifd interface, and this router has no netifd with its PPP protocol (/sbin/netifd, /lib/netifd/proto/ppp.sh); use manager: pppd`);
  }
  return t.manager ?? (facts.netifd ? 'netifd' : 'pppd');
}

/** True for tunnels netifd runs on this router. */
export const byNetifd = (t: Pick<TunnelSpec, 'name' | 'manager'>, facts: Pick<Facts, 'netifd'>): boolean => tunnelManager(t, facts) === 'netifd';

/**
 * The live pppd the tool (or its boot script) started for tunnel NAME: the one whose
 * ppp-NAME.pid (`linkname NAME`) names a live pppd.
 */
export function handRunPppd(facts: Pick<Facts, 'pppd'>, name: string): PppdProcess | undefined {
  return facts.pppd.find((p) => p.by === undefined && p.linkname === name && p.alive);
}

/**
 * The live pppd netifd runs for tunnel NAME: the one in pptp-IFACE.pid (ppp.sh gives it
 * `ifname pptp-IFACE` and no linkname), unless a hand-run pppd of the tunnel holds that pid.
 */
export function netifdPppd(facts: Pick<Facts, 'pppd'>, name: string): PppdProcess | undefined {
  const hand = handRunPppd(facts, name);
  return facts.pppd.find((p) => p.by === 'ifname' && p.linkname === netifdDevice(name) && p.alive && p.pid !== hand?.pid);
}

/** The live pppd of tunnel T under its manager on this router, if any. */
export function tunnelPppd(t: Pick<TunnelSpec, 'name' | 'manager'>, facts: Pick<Facts, 'pppd' | 'netifd'>): PppdProcess | undefined {
  return byNetifd(t, facts) ? netifdPppd(facts, t.name) : handRunPppd(facts, t.name);
}

/** Whether this netifd router's /etc/config/network has tunnel NAME's PPTP interface (ours, up or not). */
export function hasNetifdInterface(facts: Pick<Facts, 'netifd' | 'network'>, name: string): boolean {
  const section = facts.network[netifdInterface(name)];
  return facts.netifd && section !== undefined && isPptpInterface(section);
}
