// Build the shop page into one directory: index.html, hashed JS (the burner wallet as its own chunk), CSS
// and icons. Deterministic: the same sources give byte-identical files, hence the same IPFS CID.
//
//   node build.mjs [--outdir DIR] [--artifact PATH] [--json]
//
// The ABI comes from the package's compiled artifact (dapp/artifacts/Catalog.json), never a copy.
// config.json is not written here: `dapp page build` adds it for one deployment.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values: opts } = parseArgs({
  options: {
    outdir: { type: 'string', default: join(here, 'dist') },
    artifact: { type: 'string', default: join(here, '..', 'dapp', 'artifacts', 'Catalog.json') },
    json: { type: 'boolean', default: false },
  },
});
const outdir = resolve(opts.outdir);
// The v2 ABI the page calls; an older artifact would give a page that fails at the first click.
const REQUIRED = ['getProducts', 'getOrders', 'buy', 'buyWithPermit', 'ship', 'cancel', 'dispute', 'resolve', 'withdraw'];

const artifactPlugin = {
  name: 'catalog-artifact',
  setup(build) {
    // A fixed module path: esbuild hashes input paths into file names, and an absolute one would make
    // the output depend on where the checkout lives.
    build.onResolve({ filter: /^catalog-artifact$/ }, () => ({
      path: 'Catalog.json',
      namespace: 'artifact',
      pluginData: { file: resolve(opts.artifact) },
    }));
    build.onLoad({ filter: /.*/, namespace: 'artifact' }, (args) => {
      const file = args.pluginData.file;
      const { abi } = JSON.parse(readFileSync(file, 'utf8'));
      const names = new Set(abi.filter((e) => e.type === 'function').map((e) => e.name));
      const missing = REQUIRED.filter((n) => !names.has(n));
      if (missing.length) {
        return { errors: [{ text: `${file} is not the Catalog v2 ABI (missing ${missing.join(', ')}): run \`make artifacts\`` }] };
      }
      return { contents: `export const abi = ${JSON.stringify(abi.map(slim))};`, loader: 'js', watchFiles: [file] };
    });
  },
};

// viem and ox name their documentation sites in error messages (never fetched). The page names no other
// origin at all, so a user never gets a link off the page from an error; the message text stays.
const EXTERNAL = /https:\/\/(?:viem\.sh|oxlib\.sh|4byte\.sourcify\.dev\/?)/g;
const noExternalLinks = {
  name: 'no-external-links',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/](?:viem|ox)[\\/].*\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const stripped = source.replace(EXTERNAL, '');
      return stripped === source ? undefined : { contents: stripped, loader: 'js' };
    });
  },
};

// What viem needs of an ABI entry: internalType (Solidity's own names) is dropped, ~40% of the bytes.
const KEEP = ['type', 'name', 'inputs', 'outputs', 'stateMutability', 'anonymous', 'indexed', 'components'];
function slim(entry) {
  const out = {};
  for (const key of KEEP) {
    if (entry[key] === undefined) continue;
    out[key] = Array.isArray(entry[key]) ? entry[key].map(slim) : entry[key];
  }
  return out;
}

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

// Two builds, not esbuild's code splitting: splitting hoists every module the two entries share into a
// chunk the page loads up front, which would put the burner's signing code (secp256k1, transaction
// serialization) into the initial JS. The burner is a standalone module, loaded by its hashed name.
const common = {
  bundle: true,
  format: 'esm',
  minify: true,
  target: ['es2022'],
  platform: 'browser',
  outdir,
  legalComments: 'none',
  charset: 'utf8',
  metafile: true,
  logLevel: 'warning',
  plugins: [artifactPlugin, noExternalLinks],
};
const burner = await esbuild.build({
  ...common,
  entryPoints: { burner: join(here, 'src', 'burner.js') },
  entryNames: 'chunks/[name]-[hash]',
});
const burnerFile = Object.keys(burner.metafile.outputs).find((p) => p.endsWith('.js'));
const main = await esbuild.build({
  ...common,
  entryPoints: { app: join(here, 'src', 'app.js'), style: join(here, 'src', 'style.css') },
  entryNames: '[name]-[hash]',
  external: ['./chunks/*'],
  // Relative to app.js, which sits at the root of the output.
  define: { BURNER_MODULE: JSON.stringify(`./${relative(outdir, resolve(burnerFile)).split('\\').join('/')}`) },
});

const outputs = { ...burner.metafile.outputs, ...main.metafile.outputs };
const rel = (p) => relative(outdir, resolve(p)).split('\\').join('/');
const entry = Object.keys(outputs).find((p) => outputs[p].entryPoint?.endsWith('app.js'));
const style = Object.keys(outputs).find((p) => p.endsWith('.css') && outputs[p].entryPoint?.endsWith('style.css'));

// The JS the page loads before anything else: the entry and every chunk it imports statically.
const initial = new Set();
const visit = (file) => {
  if (initial.has(file)) return;
  initial.add(file);
  for (const imp of outputs[file].imports) if (imp.kind === 'import-statement' && !imp.external) visit(imp.path);
};
visit(entry);
const lazy = Object.keys(outputs).filter((p) => p.endsWith('.js') && !initial.has(p));

const html = readFileSync(join(here, 'src', 'index.html'), 'utf8')
  .replace('__SCRIPT__', rel(entry))
  .replace('__STYLE__', rel(style));
writeFileSync(join(outdir, 'index.html'), html);
cpSync(join(here, 'public'), outdir, { recursive: true });

if (opts.json) {
  const sha = (p) => createHash('sha256').update(readFileSync(p)).digest('hex');
  console.log(
    JSON.stringify({
      outdir,
      entry: rel(entry),
      style: rel(style),
      initialJs: [...initial].map(rel).sort(),
      lazyJs: lazy.map(rel).sort(),
      files: Object.fromEntries([...Object.keys(outputs), join(outdir, 'index.html')].filter((p) => !p.endsWith('.map')).map((p) => [rel(p), sha(p)])),
    }),
  );
}
