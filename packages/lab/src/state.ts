// Reading and writing DIR/lab.json, shared by labUp/labDown and the supervisor process.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { FIRMWARES, SCENARIOS, type LabState } from './types.js';

const routerSchema = z.object({
  name: z.string(),
  port: z.number().int(),
  firmware: z.enum(FIRMWARES),
  scenario: z.enum(SCENARIOS),
  rootfs: z.string(),
  pid: z.number().int().nullable(),
});

const stateSchema = z.object({
  version: z.literal(1),
  supervisorPid: z.number().int().nullable(),
  status: z.enum(['starting', 'running', 'failed', 'stopped']),
  error: z.string().optional(),
  routers: z.array(routerSchema),
});

export function statePath(dir: string): string {
  return join(dir, 'lab.json');
}

/**
 * Reads DIR/lab.json; throws when it is missing or not a lab state.
 * @example const state = await readState('/tmp/lab1'); state.routers[0]?.port
 */
export async function readState(dir: string): Promise<LabState> {
  const text = await readFile(statePath(dir), 'utf8');
  const parsed = stateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`${statePath(dir)} is not a lab state file: ${parsed.error.message}`);
  }
  return parsed.data;
}

/**
 * Writes DIR/lab.json atomically (temp file + rename), so a reader polling it never sees half a file.
 * @example await writeState(dir, { ...state, status: 'running' })
 */
export async function writeState(dir: string, state: LabState): Promise<void> {
  const tmp = `${statePath(dir)}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, statePath(dir));
}
