#!/usr/bin/env node
// A `solc` executable backed by the official wasm compiler (npm `solc`, pinned in package.json).
//
// No native solc can be installed on our machines (not on PyPI, npm or Debian), and the npm `solcjs`
// CLI is not a drop-in: it prints an SMT-solver notice before --standard-json output, rejects
// --allow-paths and has no --combined-json. py-solc-x, Brownie and slither all need those, so this
// shim speaks the native command line for the subset they use:
//   --version | --standard-json | --combined-json LIST [--optimize] [--optimize-runs N]
//   [--evm-version V] [--via-ir] [prefix=target ...] FILE...
//   --base-path DIR, --include-path DIR (imports), --allow-paths LIST (accepted, ignored).
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const NATIVE_VERSION = solc.version().replace('Emscripten.clang', 'Linux.g++');

function fail(message) {
  process.stderr.write(`Error: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { files: [], remappings: [], includePaths: [], basePath: null, optimizeRuns: 200 };
  const takesValue = new Set([
    '--combined-json', '--optimize-runs', '--evm-version', '--base-path', '--include-path',
    '--allow-paths', '--output-dir', '--revert-strings',
  ]);
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value = null;
    if (arg.startsWith('--') && arg.includes('=')) {
      [arg, value] = [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)];
    } else if (takesValue.has(arg)) {
      if (i + 1 >= argv.length) fail(`option ${arg} needs a value`);
      value = argv[++i];
    }
    switch (arg) {
      case '--version': opts.version = true; break;
      case '--standard-json': opts.standardJson = true; break;
      case '--combined-json': opts.combined = value.split(','); break;
      case '--optimize': opts.optimize = true; break;
      case '--optimize-runs': opts.optimizeRuns = Number(value); break;
      case '--evm-version': opts.evmVersion = value; break;
      case '--via-ir': opts.viaIR = true; break;
      case '--base-path': opts.basePath = value; break;
      case '--include-path': opts.includePaths.push(value); break;
      case '--allow-paths': case '--output-dir': case '--revert-strings': break;
      case '--no-color': case '--pretty-json': case '--overwrite': break;
      default:
        if (arg.startsWith('-')) fail(`unsupported option ${arg} (this is a wasm solc shim)`);
        if (arg.includes('=')) opts.remappings.push(arg); else opts.files.push(arg);
    }
  }
  return opts;
}

// Resolve an import the way native solc does: the base path first, then each include path.
function makeImportCallback(opts) {
  const roots = [opts.basePath || process.cwd(), ...opts.includePaths];
  return (importPath) => {
    const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((r) => path.join(r, importPath));
    for (const candidate of candidates) {
      if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
    }
    return { error: `File not found: ${importPath} (searched ${roots.join(', ')})` };
  };
}

function compileStandard(input, opts) {
  return solc.compile(input, { import: makeImportCallback(opts) });
}

function standardJson(opts) {
  const input = fs.readFileSync(0, 'utf8');
  process.stdout.write(compileStandard(input, opts));
}

// --combined-json: build a standard-JSON request from the flags, then reshape its output.
function combinedJson(opts) {
  if (opts.files.length === 0) fail('no input files given');
  const basePath = opts.basePath || process.cwd();
  const sources = {};
  for (const file of opts.files) {
    const key = path.isAbsolute(file) ? path.relative(basePath, file) : file;
    sources[key.split(path.sep).join('/')] = { content: fs.readFileSync(path.resolve(basePath, file), 'utf8') };
  }
  const wanted = new Set(opts.combined);
  const selection = [];
  if (wanted.has('abi')) selection.push('abi');
  if (wanted.has('bin')) selection.push('evm.bytecode.object');
  if (wanted.has('bin-runtime')) selection.push('evm.deployedBytecode.object');
  if (wanted.has('srcmap')) selection.push('evm.bytecode.sourceMap');
  if (wanted.has('srcmap-runtime')) selection.push('evm.deployedBytecode.sourceMap');
  if (wanted.has('hashes')) selection.push('evm.methodIdentifiers');
  if (wanted.has('userdoc')) selection.push('userdoc');
  if (wanted.has('devdoc')) selection.push('devdoc');
  if (wanted.has('metadata')) selection.push('metadata');
  if (wanted.has('storage-layout')) selection.push('storageLayout');
  const settings = {
    optimizer: { enabled: Boolean(opts.optimize), runs: opts.optimizeRuns },
    remappings: opts.remappings,
    outputSelection: { '*': { '*': selection, '': wanted.has('ast') ? ['ast'] : [] } },
  };
  if (opts.evmVersion) settings.evmVersion = opts.evmVersion;
  if (opts.viaIR) settings.viaIR = true;
  const output = JSON.parse(compileStandard(JSON.stringify({ language: 'Solidity', sources, settings }), opts));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  for (const e of output.errors || []) process.stderr.write(`${e.formattedMessage || e.message}\n`);
  if (errors.length) process.exit(1);

  const contracts = {};
  for (const [file, byName] of Object.entries(output.contracts || {})) {
    for (const [name, c] of Object.entries(byName)) {
      const entry = {};
      if (wanted.has('abi')) entry.abi = c.abi;
      if (wanted.has('bin')) entry.bin = c.evm.bytecode.object;
      if (wanted.has('bin-runtime')) entry['bin-runtime'] = c.evm.deployedBytecode.object;
      if (wanted.has('srcmap')) entry.srcmap = c.evm.bytecode.sourceMap;
      if (wanted.has('srcmap-runtime')) entry['srcmap-runtime'] = c.evm.deployedBytecode.sourceMap;
      if (wanted.has('hashes')) entry.hashes = c.evm.methodIdentifiers;
      if (wanted.has('userdoc')) entry.userdoc = c.userdoc;
      if (wanted.has('devdoc')) entry.devdoc = c.devdoc;
      if (wanted.has('metadata')) entry.metadata = c.metadata;
      if (wanted.has('storage-layout')) entry['storage-layout'] = c.storageLayout;
      contracts[`${file}:${name}`] = entry;
    }
  }
  const sourceList = Object.keys(output.sources || {});
  const result = { contracts, sourceList, version: NATIVE_VERSION.replace(/^/, '') };
  if (wanted.has('ast')) {
    result.sources = {};
    for (const [file, s] of Object.entries(output.sources)) result.sources[file] = { AST: s.ast, id: s.id };
  }
  process.stdout.write(JSON.stringify(result));
}

const opts = parseArgs(process.argv.slice(2));
if (opts.version) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${NATIVE_VERSION}\n`);
} else if (opts.standardJson) {
  standardJson(opts);
} else if (opts.combined) {
  combinedJson(opts);
} else {
  fail('this shim supports --version, --standard-json and --combined-json');
}
