#!/usr/bin/env node
/* global process, console */
// Verdict accuracy over the labelled corpus: `npm run build && node scripts/verdict-accuracy.mjs [DIR]`.
// Prints the confusion table (expected × got); exit 1 when a case is misclassified.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { confusionTable, formatConfusionTable } = await import(path.join(root, 'dist', 'pppd-log', 'accuracy.js'));
const dir = process.argv[2] ?? path.join(root, 'test', 'fixtures', 'pppd-logs');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.log') && existsSync(path.join(dir, f.replace(/\.log$/, '.expected.json'))))
  .sort()
  .map((f) => ({
    name: f.replace(/\.log$/, ''),
    text: readFileSync(path.join(dir, f), 'utf8'),
    expected: JSON.parse(readFileSync(path.join(dir, f.replace(/\.log$/, '.expected.json')), 'utf8')).verdict,
  }));
const table = confusionTable(cases);
console.log(formatConfusionTable(table));
process.exitCode = table.correct === table.total ? 0 : 1;
