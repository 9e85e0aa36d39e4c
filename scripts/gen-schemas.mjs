#!/usr/bin/env node
// Regenerate the FlatBuffers TypeScript in src/generated/ from schemas/*.fbs.
// The output is committed, so `npm install` needs no flatc; run this (`npm run gen:schemas`) after
// editing a schema. `--ts-flat-files` puts each schema in one file: without it flatc emits
// extensionless relative imports, which fail under TypeScript's `nodenext` resolution (STACK.md).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemas = readdirSync(join(root, 'schemas'))
  .filter((file) => file.endsWith('.fbs'))
  .sort()
  .map((file) => join('schemas', file));
if (schemas.length === 0) {
  console.error('gen-schemas: no schemas/*.fbs found');
  process.exit(1);
}
try {
  execFileSync('flatc', ['--ts', '--ts-flat-files', '-o', 'src/generated', ...schemas], { cwd: root, stdio: 'inherit' });
} catch (error) {
  console.error(`gen-schemas: flatc failed (install it: Debian package flatbuffers-compiler): ${error.message}`);
  process.exit(1);
}
console.log(`gen-schemas: generated TypeScript for ${schemas.join(', ')} in src/generated/`);
