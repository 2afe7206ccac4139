// The WASM a browser downloads: raw, gzip and brotli sizes of the initial
// module, and (given its directory's other .wasm files) the chunks loaded
// on demand (split out by `cargo xtask build`: the pages' code, the file
// readers).
//   node bench/bundle.mjs <main.wasm>
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const kb = (n) => (n / 1024).toFixed(1);
const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

const main = process.argv[2];
const wasm = readFileSync(main);
console.log(`wasm_raw_kb=${kb(wasm.length)}`);
console.log(`wasm_gzip_kb=${kb(gzipSync(wasm, { level: 9 }).length)}`);
console.log(`wasm_brotli_kb=${kb(brotli(wasm))}`);

const chunks = readdirSync(dirname(main)).filter((f) => f.endsWith('.wasm') && f !== basename(main));
const sizes = chunks.map((f) => readFileSync(join(dirname(main), f)));
console.log(`wasm_lazy_chunks=${chunks.length}`);
console.log(`wasm_lazy_raw_kb=${kb(sizes.reduce((n, b) => n + b.length, 0))}`);
console.log(`wasm_lazy_brotli_kb=${kb(sizes.reduce((n, b) => n + brotli(b), 0))}`);

// What each page downloads: the initial module, and its page module with
// the chunks it shares with others (the splitter's manifest lists them).
// The sign-in page's total is the one a first visit pays.
let manifest = {};
try {
  manifest = JSON.parse(readFileSync(join(dirname(main), '__wasm_split_manifest.json'), 'utf8'));
} catch {
  console.log('# no split manifest: pages are not split out');
}
const mainBrotli = brotli(wasm);
for (const [module, files] of Object.entries(manifest)) {
  const found = /^(\w+)_pages$/.exec(module);
  if (!found) continue;
  const bytes = files.reduce((n, f) => n + brotli(readFileSync(join(dirname(main), `${f}.wasm`))), 0);
  console.log(`page_${found[1]}_wasm_files=${files.length + 1}`);
  console.log(`page_${found[1]}_wasm_brotli_kb=${kb(mainBrotli + bytes)}`);
}

// The file worker's own module (pkg/worker/, release builds): downloaded
// when the worker starts, not with the page.
const worker = join(dirname(main), 'worker', basename(main));
let workerFiles = [];
try {
  workerFiles = readdirSync(dirname(worker)).filter((f) => f.endsWith('.wasm'));
} catch {
  console.log("# no file worker module (pkg/worker/): the worker loads the page's");
}
if (workerFiles.length > 0) {
  const bytes = workerFiles.map((f) => readFileSync(join(dirname(worker), f)));
  const first = readFileSync(worker);
  console.log(`worker_wasm_brotli_kb=${kb(brotli(first))}`);
  console.log(`worker_wasm_all_brotli_kb=${kb(bytes.reduce((n, b) => n + brotli(b), 0))}`);
}
