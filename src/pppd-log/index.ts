// The pppd log parser's public API.
export { parsePppdLog, diagnose, hintFor, authFromOption, mppeFromOption, decodeScriptStatus } from './parse.js';
export { confusionTable, formatConfusionTable } from './accuracy.js';
export type { AccuracyCase, ConfusionTable } from './accuracy.js';
export * from './types.js';
