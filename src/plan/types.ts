// The plan: a list of changes, plain data, serializable to the JSON report.
// `plan(desired, facts)` is pure; apply turns the list into one remote script.

export type Change =
  | { kind: 'install'; resource: 'package'; target: string; packages: string[]; manager: 'ipkg' | 'opkg' | 'apk'; updateLists: boolean; reason: string }
  | { kind: 'remove-package'; resource: 'package'; target: string; reason: string }
  | { kind: 'load-module'; resource: 'module'; target: string; reason: string }
  | {
      kind: 'write-file';
      resource: 'file';
      target: string;
      /** Full new content, secrets included: never put this in a report (see describeChange). */
      content: string;
      /** Content with secrets masked, for --diff. */
      maskedContent: string;
      /** Previous content with secrets masked ('' when new), for --diff. */
      maskedBefore: string;
      mode: string;
      /** Replace a symlink (e.g. into /rom) with a regular file instead of writing through it. */
      replaceSymlink: boolean;
      reason: string;
      /** Tunnels whose own configuration this write changes (peer file, their chap-secrets block, their ip-up/ip-down arm; all for options.pptp). */
      tunnels?: string[];
    }
  | { kind: 'delete-file'; resource: 'file'; target: string; maskedBefore: string; reason: string; tunnels?: string[] }
  | { kind: 'chmod'; resource: 'file'; target: string; mode: string; reason: string }
  | { kind: 'enable-service'; resource: 'service'; target: string; reason: string }
  | { kind: 'disable-service'; resource: 'service'; target: string; reason: string }
  | { kind: 'tunnel-restart'; resource: 'tunnel'; target: string; reason: string }
  /**
   * `/etc/init.d/network restart` so that netifd loads the pptp protocol of a ppp-mod-pptp
   * installed after it started: every interface goes down for a moment. Run by the tunnels-up
   * step (tunnels-netifd.sh proto_pptp, which asks netifd first), never by an apply script.
   */
  | { kind: 'network-restart'; resource: 'service'; target: string; reason: string }
  /**
   * `ifup IFACE` after that restart: an interface that was up before it and that the new netifd
   * leaves down (kept `option auto '0'`, brought up by hand). Run by the tunnels-up step with the
   * restart (tunnels-netifd.sh restore), never by an apply script; reported after the fact.
   */
  | { kind: 'interface-restore'; resource: 'service'; target: string; reason: string }
  | { kind: 'tunnel-stop'; resource: 'tunnel'; target: string; reason: string }
  /**
   * `uci revert CONFIG.SECTION` for each of our sections with pending (uncommitted) changes that
   * an interrupted run left (facts.uciPending): what is committed stays, anyone else's pending
   * changes too.
   */
  | { kind: 'uci-revert'; resource: 'uci'; target: string; sections: string[]; reason: string }
  /** `ifdown IFACE`, then up to 10 s for its pppd (pid in pptp-IFACE.pid) to exit: a netifd tunnel stopped for good. */
  | { kind: 'interface-down'; resource: 'tunnel'; target: string; reason: string }
  | {
      /**
       * UCI commands for one config (`uci batch` lines: delete/set/add_list), then `uci commit
       * CONFIG` and `reload` (e.g. `/etc/init.d/firewall reload`). Only pptp-fleet's own sections.
       */
      kind: 'uci-batch';
      resource: 'uci';
      /** The config: `firewall`. */
      target: string;
      commands: string[];
      /** Sections the commands touch: reverted (uncommitted) when the batch reports an error. */
      sections: string[];
      /** Command run after the commit, with its full path. */
      reload: string;
      /** Our sections as `uci show` prints them, before and after, for --diff (no secrets in them). */
      before: string;
      after: string;
      reason: string;
      /** netifd tunnels whose interface or routes this batch changes (the reload restarts them). */
      tunnels?: string[];
    };

/** What the report shows of a change: no content, so no secret can leak through it. */
export interface ChangeSummary {
  resource: Change['resource'];
  target: string;
  action: Change['kind'];
  /** Why the planner made the change, in its own words (paths, tunnel names, modes; never a secret). Absent in reports written before it was added. */
  reason?: string;
}

export function describeChange(c: Change): ChangeSummary {
  return { resource: c.resource, target: c.target, action: c.kind, reason: c.reason };
}
