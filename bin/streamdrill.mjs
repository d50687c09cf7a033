#!/usr/bin/env node
// Entry point for `npx streamdrill`: runs the TypeScript CLI through tsx's loader, so a fresh
// clone needs no build step after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
