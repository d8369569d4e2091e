// Prints the verdict confusion table over the corpus (expected × got) and requires no misses.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { confusionTable, formatConfusionTable, type AccuracyCase, type Verdict } from '../../src/pppd-log/index.js';

const dir = path.join(import.meta.dirname, '..', 'fixtures', 'pppd-logs');

function load(): AccuracyCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log') && existsSync(path.join(dir, f.replace(/\.log$/, '.expected.json'))))
    .sort()
    .map((f) => ({
      name: f.replace(/\.log$/, ''),
      text: readFileSync(path.join(dir, f), 'utf8'),
      expected: (JSON.parse(readFileSync(path.join(dir, f.replace(/\.log$/, '.expected.json')), 'utf8')) as { verdict: Verdict }).verdict,
    }));
}

describe('verdict accuracy', () => {
  it('classifies every corpus case as labelled (table printed)', () => {
    const table = confusionTable(load());
    console.log(formatConfusionTable(table));
    expect(table.misses).toEqual([]);
  });

  it('counts expected × got', () => {
    const t = confusionTable([
      { name: 'a', text: 'Connect: ppp0 <--> /dev/pts/0\nLCP: timeout sending Config-Requests', expected: 'no_response' },
      { name: 'b', text: 'Connect: ppp0 <--> /dev/pts/0\nLCP: timeout sending Config-Requests', expected: 'auth_failed' },
    ]);
    expect(t.rows.no_response.no_response).toBe(1);
    expect(t.rows.auth_failed.no_response).toBe(1);
    expect(t.correct).toBe(1);
    expect(formatConfusionTable(t)).toMatch(/1\/2 correct/);
  });
});
