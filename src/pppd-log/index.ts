// The pppd log parser's public API.
export { parsePppdLog, diagnose, hintFor, authFromOption, mppeFromOption, decodeScriptStatus } from './parse.js';
export { confusionTable, formatConfusionTable, corpusPart, corpusFamily } from './accuracy.js';
export type { CorpusPart } from './accuracy.js';
export type { AccuracyCase, ConfusionTable } from './accuracy.js';
export { decodeLogBytes, UnreadableLogError } from './input.js';
export * from './types.js';
