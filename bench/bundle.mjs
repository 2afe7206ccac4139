// The WASM bundle as a browser downloads it: raw, gzip and brotli sizes.
//   node bench/bundle.mjs <file.wasm>
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const wasm = readFileSync(process.argv[2]);
const kb = (n) => (n / 1024).toFixed(1);
console.log(`wasm_raw_kb=${kb(wasm.length)}`);
console.log(`wasm_gzip_kb=${kb(gzipSync(wasm, { level: 9 }).length)}`);
console.log(`wasm_brotli_kb=${kb(brotliCompressSync(wasm, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length)}`);
