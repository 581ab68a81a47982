#!/usr/bin/env node
// Entry point of the `apiops` command. The sources are TypeScript; tsx compiles them on load so that a
// fresh clone runs with `npm ci` alone (no build step to forget).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
