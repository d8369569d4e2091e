// Exit codes, the contract CI jobs read.
export const EXIT = {
  ok: 0,
  /** A host failed or was unreachable, or a rollout stopped. */
  failed: 1,
  /** Bad input: inventory, playbook, settings or flags. Nothing was contacted. */
  badInput: 2,
  /** `apply --detailed-exitcode`: nothing failed and some host has changes (pending with --check). */
  changes: 4,
  /** Interrupted (SIGINT). */
  interrupted: 130,
} as const;
