#!/usr/bin/env node
// Launcher for `npx poollab`: runs src/cli/poollab.ts through tsx's ESM loader.
import { register } from 'tsx/esm/api';

register();
const { main, nodeIo } = await import('../src/cli/poollab.ts');
process.exitCode = main(process.argv.slice(2), nodeIo);
