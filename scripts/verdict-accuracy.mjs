#!/usr/bin/env node
/* global process, console */
// Verdict accuracy over the labelled corpus: `npm run build && node scripts/verdict-accuracy.mjs [DIR]`.
// Prints the confusion table of the tuned part and the totals of the held-out part (issue 14,
// test/fixtures/pppd-logs/SPLIT.md: held-out names stay out of the output); exit 1 when a tuned
// case is misclassified.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { confusionTable, formatConfusionTable, corpusPart } = await import(path.join(root, 'dist', 'pppd-log', 'accuracy.js'));
const dir = process.argv[2] ?? path.join(root, 'test', 'fixtures', 'pppd-logs');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.log') && existsSync(path.join(dir, f.replace(/\.log$/, '.expected.json'))))
  .sort()
  .map((f) => {
    const name = f.replace(/\.log$/, '');
    const src = path.join(dir, `${name}.source.txt`);
    return {
      name,
      text: readFileSync(path.join(dir, f), 'utf8'),
      expected: JSON.parse(readFileSync(path.join(dir, `${name}.expected.json`), 'utf8')).verdict,
      part: corpusPart(name, existsSync(src) ? readFileSync(src, 'utf8') : ''),
    };
  });
const tuned = confusionTable(cases.filter((c) => c.part === 'tuned'));
const held = confusionTable(cases.filter((c) => c.part === 'held-out'));
console.log(`tuned part:\n${formatConfusionTable(tuned)}`);
console.log(`held-out part: ${held.correct}/${held.total} correct (${((100 * held.correct) / Math.max(1, held.total)).toFixed(1)}%)`);
process.exitCode = tuned.correct === tuned.total ? 0 : 1;
