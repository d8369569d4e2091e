// `pptp-fleet lab …`: the simulated OpenWrt fleet is a package of its own, pptp-fleet-lab (linked
// by this repository's npm workspaces; elsewhere `npm install -g pptp-fleet-lab`). The product
// ships none of it: this command only hands its arguments over.
//
// Example:
//   pptp-fleet lab up --routers 10 --dir /tmp/lab --firmware openwrt:4 --scenario wrong_password:1
//   pptp-fleet lab down --dir /tmp/lab

/** The lab package, imported only when a `lab` command runs. */
export const LAB_PACKAGE = 'pptp-fleet-lab';

interface LabCli {
  runLabCli(args: readonly string[], name: string): Promise<number>;
}

/**
 * Runs `pptp-fleet lab ARGS…` through the lab package and returns its exit code; 2 with an
 * install hint when the package is not installed.
 * @example await runLab(['down', '--dir', '/tmp/lab']) // 0
 */
export async function runLab(args: readonly string[]): Promise<number> {
  let lab: LabCli;
  try {
    // A computed specifier: the product builds and type-checks without the lab installed.
    const specifier = `${LAB_PACKAGE}/commands`;
    lab = (await import(specifier)) as LabCli;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(LAB_PACKAGE)) {
      process.stderr.write(`error: pptp-fleet lab needs the ${LAB_PACKAGE} package: npm install -g ${LAB_PACKAGE}\n`);
      return 2;
    }
    throw err;
  }
  return lab.runLabCli(args, 'pptp-fleet lab');
}
