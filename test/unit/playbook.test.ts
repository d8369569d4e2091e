import { describe, expect, it } from 'vitest';
import { InputError, type InputProblem } from '../../src/errors.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import { parsePlaybook } from '../../src/playbook/schema.js';

const FIX = 'test/fixtures/playbooks/errors';

async function problemsOf(file: string): Promise<InputProblem[]> {
  try {
    await loadPlaybook(file);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return [...(err as InputError).problems];
  }
  throw new Error('loaded');
}

describe('loadPlaybook', () => {
  it('reads the shipped client playbook with its parameters', async () => {
    const pb = await loadPlaybook('playbooks/pptp-client.yaml');
    expect(pb).toEqual({
      file: 'playbooks/pptp-client.yaml',
      name: 'PPTP client',
      steps: [
        { kind: 'packages' },
        { kind: 'modules', encryption: true },
        { kind: 'pppd-files' },
        { kind: 'routing' },
        { kind: 'boot' },
        { kind: 'tunnels-up', timeoutSec: 30 },
        { kind: 'verify' },
      ],
    });
  });

  it('reads the shipped remove playbook', async () => {
    const pb = await loadPlaybook('playbooks/pptp-remove.yaml');
    expect(pb.steps).toEqual([{ kind: 'tunnels-down' }, { kind: 'remove' }]);
  });

  it('fills defaults: modules encryption true, tunnels-up timeout 30, {packages: {}} as packages', () => {
    const r = parsePlaybook({ name: 'x', steps: ['modules', 'tunnels-up', { packages: {} }, { modules: null }] }, 'p.yaml');
    expect(r.problems).toEqual([]);
    expect(r.playbook?.steps).toEqual([
      { kind: 'modules', encryption: true },
      { kind: 'tunnels-up', timeoutSec: 30 },
      { kind: 'packages' },
      { kind: 'modules', encryption: true },
    ]);
  });

  const ERRORS: [file: string, problems: [path: string, message: string | RegExp][]][] = [
    ['unknown-step.yaml', [['steps[3]', 'unknown step "tunnel-up" (did you mean "tunnels-up"?) (expected one of packages, modules, pppd-files, routing, boot, tunnels-up, verify, tunnels-down, remove)']]],
    ['bad-params.yaml', [
      ['steps[0].modules.encrypt', 'unknown parameter "encrypt" (expected encryption)'],
      ['steps[1].tunnels-up.timeout', 'expected seconds, a whole number from 1 to 3600, got 0'],
      ['steps[2].verify.deep', 'unknown parameter "deep" (verify takes no parameters)'],
      ['steps[3]', "a step is a name or a mapping with one key (the step's name), got keys boot, routing"],
      ['steps[4]', 'expected a step name or {step: {parameters}}, got 42'],
      ['steps[5].modules.encryption', 'expected true or false, got "yes please"'],
    ]],
    ['no-steps.yaml', [
      ['hosts', 'unknown key "hosts" (a playbook has name and steps)'],
      ['steps', 'required, expected a list of steps'],
    ]],
    ['syntax.yaml', [['', /^YAML syntax error at line \d+, column \d+: /]]],
    ['missing.yaml', [['', 'cannot read file: no such file or directory']]],
  ];
  for (const [file, expected] of ERRORS) {
    it(`${file}: ${expected.map(([p]) => p || '(file)').join(', ')}`, async () => {
      const got = await problemsOf(`${FIX}/${file}`);
      expect(got).toHaveLength(expected.length);
      for (const [i, [path, message]] of expected.entries()) {
        expect(got[i]?.file).toBe(`${FIX}/${file}`);
        expect(got[i]?.path).toBe(path);
        if (typeof message === 'string') expect(got[i]?.message).toBe(message);
        else expect(got[i]?.message).toMatch(message);
      }
    });
  }
});
