// Every test run gets its own temp root: the tests' mkdtemp dirs (fake routers, client keys,
// reports, known_hosts files) go under it through TMPDIR, which node's os.tmpdir() and the
// programs the tests start both read, and it is removed when the run ends. Before it, each run
// left hundreds of pptp-fleet-* dirs in /tmp. PPTP_FLEET_KEEP_TMP=1 keeps it for a post-mortem.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'pptp-fleet-tests-'));
  process.env.TMPDIR = root;
  return () => {
    if (process.env.PPTP_FLEET_KEEP_TMP === '1') {
      process.stderr.write(`test temp root kept: ${root}\n`);
      return;
    }
    rmSync(root, { recursive: true, force: true });
  };
}
