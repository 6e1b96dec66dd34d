#!/usr/bin/env node
// The `lanewise` command for store IT. The CLI is TypeScript run through tsx, so the same
// source runs here, in tests and in the Electron build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/index.ts');
process.exitCode = await main(process.argv);
