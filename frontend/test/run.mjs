// `make test-page`: the page's unit tests. Node runs JavaScript, so each test file (TypeScript, JSX) is
// bundled by esbuild first, with the same ABI module the page gets, then run by node's test runner.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const out = join(root, '.test-build');
const tests = readdirSync(here).filter((f) => /\.test\.tsx?$/.test(f));

rmSync(out, { recursive: true, force: true });
spawnSync(process.execPath, [join(root, 'build.mjs'), '--types'], { stdio: 'inherit' });
await esbuild.build({
  entryPoints: tests.map((f) => join(here, f)),
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outExtension: { '.js': '.mjs' },
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: join(root, 'tsconfig.json'),
  logLevel: 'warning',
});
const files = readdirSync(out).map((f) => join(out, f));
// Arguments go to node's test runner (`make bench-suite` asks for a JUnit report).
const run = spawnSync(process.execPath, ['--test', ...process.argv.slice(2), ...files], { stdio: 'inherit' });
process.exit(run.status ?? 1);
