// Every `pptp-fleet …` / `node dist/cli.js …` command line in the README's sh and YAML examples
// parses with the real CLI: the subcommand and every flag exist, flag values are well formed,
// and an inventory from this repository has the groups the `--limit` names.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildLabProgram } from '../../packages/lab/src/commands.js';
import { buildProgram } from '../../src/cli/program.js';
import { loadInventory } from '../../src/inventory/load.js';
import { selectHosts } from '../../src/inventory/pattern.js';
import { parseSerial } from '../../src/rollout/serial.js';
import { parseShard } from '../../src/rollout/shard.js';
import { parseMaxFailPercent } from '../../src/rollout/thresholds.js';

interface Example {
  line: number;
  text: string;
}

const CMD = /(?:^|\s|`)((?:pptp-fleet|node dist\/cli\.js) [a-z].*)$/;

/**
 * Command lines in fenced sh/yaml blocks, continuation lines joined: a trailing `\` in shell,
 * deeper (or, in a folded scalar, equal) indentation in YAML.
 */
export function extractCommands(markdown: string): Example[] {
  const lines = markdown.split('\n');
  const out: Example[] = [];
  let lang: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = /^```(\w*)/.exec(line);
    if (fence) {
      lang = lang === null ? (fence[1] ?? '') : null;
      continue;
    }
    if (lang === null || !['sh', 'bash', 'yaml', 'yml'].includes(lang)) continue;
    const m = CMD.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    let text = m[1] ?? '';
    const indent = line.length - line.trimStart().length;
    const item = line.trimStart().startsWith('- ');
    let j = i + 1;
    if (lang === 'sh' || lang === 'bash') {
      while (text.endsWith('\\') && j < lines.length) text = `${text.slice(0, -1)} ${(lines[j++] ?? '').trim()}`;
    } else {
      for (; j < lines.length; j++) {
        const next = lines[j] ?? '';
        const nIndent = next.length - next.trimStart().length;
        if (next.trim() === '' || next.trimStart().startsWith('- ') || /^\s*[\w-]+:(\s|$)/.test(next)) break;
        if (item ? nIndent <= indent : nIndent < indent) break;
        text += ` ${next.trim()}`;
      }
    }
    out.push({ line: i + 1, text });
  }
  return out;
}

// CI variables stand for a shard number; `~` for a home directory.
function substitute(text: string): string {
  return text
    .replace(/\$\{\{\s*matrix\.shard\s*\}\}/g, '2')
    .replace(/\$\{CI_NODE_INDEX\}/g, '2')
    .replace(/\$\{CI_NODE_TOTAL\}/g, '4')
    .replace(/"\$[A-Z_]+"/g, '/ci/file');
}

/** Shell words up to a comment or an operator; quotes removed. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unclosed ${c} in: ${text}`);
      cur += text.slice(i + 1, end);
      has = true;
      i = end;
    } else if (/\s/.test(c)) {
      if (has) words.push(cur);
      cur = '';
      has = false;
    } else if (!has && (c === '#' || c === '|' || c === ';' || c === '>' || c === '&')) {
      break;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) words.push(cur);
  return words;
}

interface Parsed {
  path: string[];
  opts: Record<string, unknown>;
}

// Parse with the real command tree, every action replaced by one that records what it got.
async function parse(args: string[]): Promise<Parsed> {
  // `pptp-fleet lab …` is the lab package's own command tree (src/cli.ts dispatches to it).
  const lab = args[0] === 'lab';
  const program = lab ? buildLabProgram('pptp-fleet lab') : buildProgram();
  let got: Parsed | undefined;
  const hook = (cmd: Command, path: string[]): void => {
    cmd.exitOverride();
    cmd.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    if (cmd.commands.length === 0) cmd.action(() => void (got = { path, opts: cmd.opts() }));
    for (const sub of cmd.commands) hook(sub, [...path, sub.name()]);
  };
  hook(program, lab ? ['lab'] : []);
  await program.parseAsync(lab ? args.slice(1) : args, { from: 'user' });
  if (!got) throw new Error('no command ran');
  return got;
}

const ENV = { VPN_HQ_PASSWORD: 'x', VPN_DR_PASSWORD: 'y' };

describe('README command lines', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const examples = extractCommands(readme);

  it('finds the examples (quick start, CI jobs, lab, drift check)', () => {
    expect(examples.length).toBeGreaterThanOrEqual(12);
    const texts = examples.map((e) => e.text).join('\n');
    for (const needle of ['--limit canary', "--limit 'all:!canary'", 'report --html fleet.html', '--detailed-exitcode', 'CI_NODE_INDEX', 'matrix.shard']) {
      expect(texts).toContain(needle);
    }
  });

  it.each(examples.map((e) => [e.line, e.text]))('README.md:%i %s', async (_line, text) => {
    const args = shellWords(substitute(text)).slice(text.startsWith('node ') ? 2 : 1);
    const { path, opts } = await parse(args);
    expect(path.length).toBeGreaterThan(0);
    const o = opts as Record<string, string | undefined> & { inventory?: string[] };
    if (o.serial !== undefined) expect(parseSerial(o.serial).length).toBeGreaterThan(0);
    if (o.shard !== undefined) expect(parseShard(o.shard)).toBeTruthy();
    if (o.maxFailPercent !== undefined) expect(parseMaxFailPercent(o.maxFailPercent)).toBeGreaterThanOrEqual(0);
    // An inventory of this repository must exist and have what --limit names.
    const sources = o.inventory ?? [];
    if (sources.length > 0 && sources.every((i) => i.startsWith('inventory/'))) {
      for (const i of sources) expect(existsSync(i), i).toBe(true);
      const inv = await loadInventory(sources, { env: ENV });
      expect(selectHosts(inv, o.limit).length).toBeGreaterThan(0);
    }
  });
});

describe('the extractor itself', () => {
  it('joins YAML continuation lines and shell backslashes, and stops at the next key', () => {
    const md = [
      '```yaml',
      '      - run: >',
      '          node dist/cli.js apply -i inv.yaml',
      '          --shard 1/4',
      '        env: { A: b }',
      '    - node dist/cli.js status -i inv.yaml',
      '      --tunnel hq',
      '    - echo done',
      '```',
      '```sh',
      'pptp-fleet ping -i a.yaml \\',
      '  --forks 3   # comment',
      '```',
      '```',
      'pptp-fleet apply -i INV [--check]',
      '```',
    ].join('\n');
    expect(extractCommands(md).map((e) => e.text)).toEqual([
      'node dist/cli.js apply -i inv.yaml --shard 1/4',
      'node dist/cli.js status -i inv.yaml --tunnel hq',
      'pptp-fleet ping -i a.yaml  --forks 3   # comment',
    ]);
  });

  it('rejects what the CLI rejects: a typo in a flag, an unknown command', async () => {
    await expect(parse(['apply', '-i', 'x.yaml', '--chekc'])).rejects.toThrow(/unknown option '--chekc'/);
    await expect(parse(['aply', '-i', 'x.yaml'])).rejects.toThrow(/unknown command/);
  });

  it('splits shell words with quotes and stops at comments and operators', () => {
    expect(shellWords(`apply --limit 'all:!canary' -i "a b.yaml" # x`)).toEqual(['apply', '--limit', 'all:!canary', '-i', 'a b.yaml']);
    expect(shellWords('apply -i a.yaml >> out && echo')).toEqual(['apply', '-i', 'a.yaml']);
  });
});
