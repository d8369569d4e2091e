// Things to undo if the benchmark is interrupted: running CLI children, labs, fake routers.
// Each step registers its undo while it holds the resource and removes it when done, so
// Ctrl-C at any point stops exactly what this run started, by PID or by lab directory.

export type Undo = () => Promise<void> | void;

export class Cleanups {
  private readonly undos = new Map<number, { what: string; undo: Undo }>();
  private next = 0;

  /** Registers UNDO; returns the function that unregisters it (call it once the resource is released). */
  add(what: string, undo: Undo): () => void {
    const id = this.next++;
    this.undos.set(id, { what, undo });
    return () => {
      this.undos.delete(id);
    };
  }

  /** Runs every registered undo, newest first, each one even if an earlier one failed. */
  async runAll(log: (line: string) => void): Promise<void> {
    const pending = [...this.undos.values()].reverse();
    this.undos.clear();
    for (const { what, undo } of pending) {
      try {
        await undo();
      } catch (err) {
        log(`cleanup of ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
