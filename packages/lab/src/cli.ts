#!/usr/bin/env node
// pptp-fleet-lab: the simulated OpenWrt fleet's own command (`pptp-fleet lab …` runs the same).
import { runLabCli } from './commands.js';

process.exitCode = await runLabCli(process.argv.slice(2), 'pptp-fleet-lab');
