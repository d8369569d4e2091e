// Unit tests run the router programs under busybox ash as well as dash (test/fixtures/facts/
// fakeroot.ts shells()), and the netifd host pipeline only under busybox. On a fresh machine the
// lab's busybox is unpacked only when a lab first starts, after the unit tests: fetch it before
// them, so they never quietly run under dash alone (nor find no suite at all).
import { ensureBusybox } from '../../packages/lab/src/deps.js';

export default async function setup(): Promise<void> {
  if (process.env.PPTP_FLEET_BUSYBOX) return;
  await ensureBusybox();
}
