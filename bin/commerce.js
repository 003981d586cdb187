#!/usr/bin/env node
// The `commerce` command: the compiled CLI when it has been built (npm run
// build), otherwise the TypeScript sources through tsx. COMMERCE_FROM_SOURCE=1
// prefers the sources even when a build exists.
import fs from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
const source = new URL('../src/cli/main.ts', import.meta.url);

if (fs.existsSync(compiled) && process.env.COMMERCE_FROM_SOURCE !== '1') {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
}
