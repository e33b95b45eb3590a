#!/usr/bin/env node
// The faultline command: runs main/cli/faultline.ts from source through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/faultline.ts');
process.exitCode = await main(process.argv.slice(2));
