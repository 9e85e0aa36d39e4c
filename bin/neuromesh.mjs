#!/usr/bin/env node
// The installed `neuromesh` command: the built CLI (npm run build:ts writes dist/).
// During development run the source instead: node --import tsx src/cli/main.ts ...
let cli;
try {
  cli = await import('../dist/cli/main.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    process.stderr.write('neuromesh: dist/cli/main.js is missing: run "npm run build" first\n');
    process.exit(1);
  }
  throw error;
}
process.exitCode = await cli.main(process.argv.slice(2));
