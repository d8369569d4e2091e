// Reads a playbook file (issue 4).
import { readYamlFile } from '../config/input.js';
import { InputError } from '../errors.js';
import { parsePlaybook } from './schema.js';
import type { Playbook } from './types.js';

/**
 * Loads and validates a playbook; any problem (YAML syntax, unknown step or parameter) is an
 * InputError listing all of them, e.g. `p.yaml: steps[3]: unknown step "tunnel-up" ...`.
 *
 * Example: const pb = await loadPlaybook('playbooks/pptp-client.yaml');
 */
export async function loadPlaybook(file: string): Promise<Playbook> {
  const doc = await readYamlFile(file, file);
  const { playbook, problems } = parsePlaybook(doc, file);
  if (!playbook || problems.length > 0) throw new InputError(problems);
  return { file, ...playbook };
}
