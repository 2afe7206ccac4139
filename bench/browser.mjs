// The browser half of `make bench`: Muster's WASM import pipeline beside
// Papa Parse, uDSV and SheetJS, in one Chromium page and one run, plus the
// real Upload tab (first preview rows, scrolling frames).
//
//   node bench/browser.mjs <muster binary> <site root> <data dir> <rows>
//
// The data comes from bench/data.mjs.
//
// Prints one `name=value` line per figure (and a few `#` notes).
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const [bin, siteRoot, dataDir, rowsArg] = process.argv.slice(2);
const ROWS = Number(rowsArg ?? 100_000);
const K = Math.round(ROWS / 1000);
const out = (name, value) => console.log(`${name}=${typeof value === 'number' ? value.toFixed(value < 10 ? 3 : 1) : value}`);

const csvPath = join(dataDir, 'invites.csv');
const csv = readFileSync(csvPath);
const xlsx = readFileSync(join(dataDir, 'people.xlsx'));
const dir = mkdtempSync(join(tmpdir(), 'muster-bench-'));

// ---- the release server on a fresh data dir
// A port the system says is free (a fixed range can hit another service's).
const port = await new Promise((resolve) => {
  const probe = createServer();
  probe.listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const base = `http://127.0.0.1:${port}`;
const env = {
  ...process.env,
  MUSTER_DATA_DIR: join(dir, 'data'),
  MUSTER_PUBLIC_URL: base,
  LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
  LEPTOS_SITE_ROOT: siteRoot,
};
if (existsSync('Leptos.toml')) env.MUSTER_CONFIG = 'Leptos.toml';
// Its own SQLite database; no mail server (nothing is sent here).
delete env.DATABASE_URL;
delete env.SMTP_URL;
const server = spawn(bin, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
const setupUrl = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`muster did not start:\n${log}`)), 60_000);
  const seen = (chunk) => {
    log += chunk;
    const link = log.match(/(http:\/\/\S+\/setup\?token=\S+)/);
    if (link && log.includes('listening on')) {
      clearTimeout(timer);
      resolve(link[1]);
    }
  };
  server.stdout.on('data', seen);
  server.stderr.on('data', seen);
});
const admin = { email: 'ada@example.com', password: 'correct horse battery staple' };
const token = new URL(setupUrl).searchParams.get('token');
const setup = await fetch(`${base}/api/setup`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ token, workspace_name: 'Bench', your_name: 'Ada Admin', ...admin }),
});
if (setup.status !== 200) throw new Error(`setup: ${setup.status}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-precise-memory-info'],
});

async function freshPage() {
  // The peers are injected as inline scripts, which the pages' Content-Security-Policy refuses.
  const context = await browser.newContext({ baseURL: base, bypassCSP: true });
  const page = await context.newPage();
  await page.route('**/bench-data/*', (route) => {
    const file = route.request().url().endsWith('.xlsx') ? xlsx : csv;
    return route.fulfill({ body: file, contentType: 'application/octet-stream' });
  });
  await page.goto('/login');
  await page.locator('body[data-hydrated]').waitFor();
  // Our figures come from the module that reads files in the app: the file
  // worker's own, built for speed (pkg/worker/, release builds only).
  await page.evaluate(() => {
    globalThis.ours = async () => {
      const worker = await fetch('/pkg/worker/muster.js', { method: 'HEAD' });
      if (!worker.ok) throw new Error('no /pkg/worker/muster.js: the bench needs a release build (cargo xtask site --release)');
      const m = await import('/pkg/worker/muster.js');
      await m.default({ module_or_path: '/pkg/worker/muster.wasm' });
      return m;
    };
  });
  return page;
}

async function load(page, ...modules) {
  for (const m of modules) await page.addScriptTag({ path: require.resolve(m) });
}

// ---- 1. CSV: parse only (ours, Papa Parse, uDSV), and our full pipeline
{
  const page = await freshPage();
  await load(page, 'papaparse/papaparse.min.js', 'udsv/dist/uDSV.iife.min.js');
  const r = await page.evaluate(async () => {
    const m = await globalThis.ours();
    const bytes = new Uint8Array(await (await fetch('/bench-data/invites.csv')).arrayBuffer());
    // Ours are async (the readers are a lazily loaded WASM chunk): fetch the
    // chunks first so no timed run includes the download.
    await m.bench_read(new Uint8Array(), 'warm.csv');
    await m.bench_pipeline(new Uint8Array(), 'warm.csv');
    const median = async (f, runs = 7) => {
      const times = [];
      let result;
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        result = await f();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      return { ms: times[Math.floor(runs / 2)], result };
    };
    // Theirs get the text already decoded (decoding is not timed for them).
    const text = new TextDecoder().decode(bytes);
    const ours = await median(() => m.bench_read(bytes, 'invites.csv'));
    const papa = await median(() => globalThis.Papa.parse(text).data.length);
    const udsv = await median(() => {
      const parser = globalThis.uDSV.initParser(globalThis.uDSV.inferSchema(text));
      return parser.stringArrs(text).length;
    });
    const full = await median(() => m.bench_pipeline(bytes, 'invites.csv'), 5);
    return { ours, papa, udsv, full };
  });
  out('csv_parse_100k_ms'.replace('100k', `${K}k`), r.ours.ms);
  out('papaparse_parse_ms', r.papa.ms);
  out('udsv_parse_ms', r.udsv.ms);
  out('csv_vs_papaparse', r.papa.ms / r.ours.ms);
  out('csv_vs_udsv', r.udsv.ms / r.ours.ms);
  out(`csv_parse_validate_${K}k_ms`, r.full.ms);
  console.log(`# rows: ours ${r.ours.result}, Papa ${r.papa.result}, uDSV ${r.udsv.result}; ready after validation ${r.full.result}`);
  if (r.full.result !== ROWS) throw new Error(`expected ${ROWS} ready rows, got ${r.full.result}`);
  await page.context().close();
}

// ---- 2. XLSX: full read to rows, time and memory, each in a fresh page
{
  const page = await freshPage();
  const r = await page.evaluate(async () => {
    const m = await globalThis.ours();
    const bytes = new Uint8Array(await (await fetch('/bench-data/people.xlsx')).arrayBuffer());
    await m.bench_read(new Uint8Array(), 'warm.xlsx');
    const before = m.bench_memory_bytes();
    const t = performance.now();
    const rows = await m.bench_read(bytes, 'people.xlsx');
    const ms = performance.now() - t;
    // Linear memory never shrinks: its growth is our peak.
    const grown = m.bench_memory_bytes() - before;
    const again = performance.now();
    await m.bench_read(bytes, 'people.xlsx');
    return { ms, warm: performance.now() - again, rows, grown };
  });
  await page.context().close();
  const theirsPage = await freshPage();
  await load(theirsPage, 'xlsx-republish/dist/xlsx.full.min.js');
  const cdp = await theirsPage.context().newCDPSession(theirsPage);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap0 = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  const s = await theirsPage.evaluate(async () => {
    const bytes = new Uint8Array(await (await fetch('/bench-data/people.xlsx')).arrayBuffer());
    const t = performance.now();
    const book = globalThis.XLSX.read(bytes, { type: 'array', dense: true });
    const rows = globalThis.XLSX.utils.sheet_to_json(book.Sheets[book.SheetNames[0]], { header: 1 });
    const ms = performance.now() - t;
    globalThis.keep = [book, rows];
    const again = performance.now();
    const book2 = globalThis.XLSX.read(bytes, { type: 'array', dense: true });
    globalThis.XLSX.utils.sheet_to_json(book2.Sheets[book2.SheetNames[0]], { header: 1 });
    return { ms, warm: performance.now() - again, rows: rows.length };
  });
  // What SheetJS holds after reading (workbook and rows kept): below its true peak.
  const heldBytes = (await cdp.send('Runtime.getHeapUsage')).usedSize - heap0;
  await theirsPage.context().close();
  out(`xlsx_read_${K}k_ms`, Math.min(r.ms, r.warm));
  out(`sheetjs_read_${K}k_ms`, Math.min(s.ms, s.warm));
  out('xlsx_vs_sheetjs', Math.min(s.ms, s.warm) / Math.min(r.ms, r.warm));
  out('xlsx_mem_mb', r.grown / 1048576);
  out('sheetjs_mem_mb', heldBytes / 1048576);
  out('xlsx_mem_vs_sheetjs', r.grown / Math.max(heldBytes, 1));
  console.log(`# xlsx rows: ours ${r.rows} (incl. header), SheetJS ${s.rows}; memory: ours = WASM memory growth (peak), SheetJS = JS heap held after the read (below its peak)`);
}

// With BENCH_PROFILE=<dir>, each import of section 3 is profiled (the
// page's main thread, sampled every 100 µs): the profile is written to
// <dir>/<file>.cpuprofile (Chromium's Performance panel opens it), and for
// each long task the functions that spent most of it are printed: by their
// own time, and our crate's (app::) by time with what they called. Build
// with MUSTER_WASM_NAMES=1 for WASM functions' names.
const profileDir = process.env.BENCH_PROFILE;
// Rust's legacy mangling (_ZN3app6import...E) made readable.
function demangle(name) {
  const m = name.match(/^_ZN(.*)E$/);
  if (!m) return name;
  const parts = [];
  let rest = m[1];
  while (rest.length) {
    const len = rest.match(/^\d+/);
    if (!len) break;
    const n = Number(len[0]);
    parts.push(rest.slice(len[0].length, len[0].length + n));
    rest = rest.slice(len[0].length + n);
  }
  if (/^h[0-9a-f]{16}$/.test(parts.at(-1) ?? '')) parts.pop();
  return parts.join('::').replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$RF\$/g, '&').replace(/\$u20\$/g, ' ')
    .replace(/\$C\$/g, ',').replace(/\$u7b\$/g, '{').replace(/\$u7d\$/g, '}').replace(/\$BP\$/g, '*').replace(/\.\./g, '::');
}
function explainLongTasks(profile, anchorAt, tasks, label) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // The page's time of the profile's start, from the anchor's first sample.
  let startedAt = anchorAt;
  {
    let at = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      at += profile.timeDeltas[i];
      if (byId.get(profile.samples[i]).callFrame.functionName === 'musterProfileAnchor') {
        startedAt = anchorAt - (at - profile.startTime) / 1000;
        break;
      }
    }
  }
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (node) => demangle(node.callFrame.functionName) || `(anonymous ${node.callFrame.url.split('/').pop()})`;
  const top = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([f, us]) => `${f.slice(0, 90)} ${(us / 1000).toFixed(1)}`).join('; ');
  for (const task of tasks) {
    const own = new Map();
    const ours = new Map();
    let at = profile.startTime;
    profile.samples.forEach((id, i) => {
      at += profile.timeDeltas[i];
      const ms = startedAt + (at - profile.startTime) / 1000;
      if (ms < task.start || ms > task.start + task.ms) return;
      const us = profile.timeDeltas[i];
      const leaf = byId.get(id);
      own.set(name(leaf), (own.get(name(leaf)) ?? 0) + us);
      const seen = new Set();
      for (let n = id; n !== undefined; n = parent.get(n)) {
        const f = name(byId.get(n));
        if (f.startsWith('app::') && !seen.has(f)) {
          seen.add(f);
          ours.set(f, (ours.get(f) ?? 0) + us);
        }
      }
    });
    console.log(`# profile ${label}: task at ${Math.round(task.start - startedAt)} ms, ${Math.round(task.ms)} ms. Own time: ${top(own)}`);
    console.log(`#   ours, with callees: ${top(ours)}`);
  }
}

// ---- 3. The Upload tab: first preview rows as the rows come; long tasks; scrolling
{
  const page = await freshPage();
  await page.getByLabel('Email address').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  const fileWorker = new Promise((resolve) => page.on('worker', resolve));
  await page.getByRole('button', { name: 'Add users' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add users' });
  await dialog.getByRole('tab', { name: 'Upload file' }).click();
  // The figures below are the worker's: make sure its module loaded and
  // serves (it listens once started), rather than the page reading files.
  const worker = await fileWorker;
  for (let i = 0; !(await worker.evaluate(() => typeof self.onmessage === 'function')); i++) {
    if (i === 100) throw new Error(`the file worker (${worker.url()}) did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(`# files read by the worker: ${new URL(worker.url()).pathname}`);
  // Chooses a file and waits for its first preview rows; counts the page's
  // long tasks (over 50 ms) from the choice until a second after the check
  // against the workspace has ended (the app marks the first rows shown,
  // the last row checked and the workspace checked).
  const importFile = async (path) => {
    await page.evaluate(() => {
      globalThis.marks = {};
      globalThis.chosenAt = globalThis.paintedAt = undefined;
      globalThis.longTasks ??= [];
      if (!globalThis.watching) {
        globalThis.watching = true;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) globalThis.longTasks.push({ start: entry.startTime, ms: entry.duration });
        }).observe({ type: 'longtask' });
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) if (entry.name.startsWith('muster:')) globalThis.marks[entry.name] = entry.startTime;
        }).observe({ entryTypes: ['mark'] });
        document.getElementById('import-file').addEventListener('change', () => { globalThis.chosenAt = performance.now(); }, { capture: true });
      }
      // When the new file's first row is painted.
      const caption = document.querySelector('.preview caption')?.textContent;
      new MutationObserver((_, observer) => {
        const now = document.querySelector('.preview caption')?.textContent;
        if (document.querySelector('.preview tbody tr[aria-rowindex="2"]') && globalThis.marks['muster:first-rows'] !== undefined && now !== caption) {
          observer.disconnect();
          requestAnimationFrame(() => requestAnimationFrame(() => { globalThis.paintedAt = performance.now(); }));
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    const cdp = profileDir && (await page.context().newCDPSession(page));
    let profileStartedAt;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
      // A function that busies the page for 5 ms at a known moment: where
      // its samples fall sets the profile's clock against the page's.
      profileStartedAt = await page.evaluate(() => {
        const anchor = function musterProfileAnchor() {
          const at = performance.now();
          while (performance.now() - at < 5);
          return at;
        };
        return anchor();
      });
    }
    await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(path);
    await page.waitForFunction(() => globalThis.paintedAt !== undefined, null, { timeout: 120_000 });
    await page.waitForFunction(() => globalThis.marks['muster:workspace-checked'] !== undefined, null, { timeout: 120_000 });
    await page.waitForTimeout(1000);
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      const label = path.split('/').pop();
      mkdirSync(profileDir, { recursive: true });
      writeFileSync(join(profileDir, `${label}.cpuprofile`), JSON.stringify(profile));
      const tasks = await page.evaluate(() => globalThis.longTasks.filter((t) => t.start >= globalThis.chosenAt));
      explainLongTasks(profile, profileStartedAt, tasks, label);
      await cdp.detach();
    }
    return page.evaluate(() => {
      const m = globalThis.marks;
      const end = m['muster:workspace-checked'] + 1000;
      const during = globalThis.longTasks.filter((t) => t.start >= globalThis.chosenAt && t.start <= end);
      const after = (at) => Math.round(at - globalThis.chosenAt);
      return {
        chosen: globalThis.chosenAt,
        firstRows: m['muster:first-rows'],
        checked: m['muster:rows-checked'],
        painted: globalThis.paintedAt,
        timeline: `first rows at ${after(m['muster:first-rows'])}, painted at ${after(globalThis.paintedAt)}, every row checked at ${after(m['muster:rows-checked'])}, workspace checked at ${after(m['muster:workspace-checked'])}`,
        longTasks: during.length,
        tasks: during.map((t) => `${after(t.start)}+${Math.round(t.ms)}`).join(' '),
        longest: Math.max(0, ...during.map((t) => t.ms)),
      };
    });
  };
  const t = await importFile(csvPath);
  out('long_tasks_over_50ms', t.longTasks);
  console.log(`# CSV: long tasks (ms after the file was chosen + duration): ${t.tasks || 'none'}; ${t.timeline} (ms after the file was chosen)`);
  out('longest_task_ms', t.longest);
  out('first_preview_ms', t.painted - t.firstRows);
  out(`file_to_preview_${K}k_ms`, t.painted - t.chosen);
  out(`file_to_all_rows_${K}k_ms`, t.checked - t.chosen);
  const x = await importFile(join(dataDir, 'people.xlsx'));
  out('xlsx_long_tasks_over_50ms', x.longTasks);
  console.log(`# XLSX: long tasks (ms after the file was chosen + duration): ${x.tasks || 'none'}; ${x.timeline} (ms after the file was chosen)`);
  out('xlsx_longest_task_ms', x.longest);
  out(`xlsx_file_to_preview_${K}k_ms`, x.painted - x.chosen);
  out(`xlsx_file_to_all_rows_${K}k_ms`, x.checked - x.chosen);
  // The same frames without scrolling: what this headless Chromium gives a
  // page that does nothing (its frame clock, not ours).
  const idle = await page.evaluate(async () => {
    const deltas = [];
    let last = performance.now();
    for (let i = 0; i < 240; i++) {
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      deltas.push(now - last);
      last = now;
    }
    deltas.sort((a, b) => a - b);
    return { p95: deltas[Math.floor(deltas.length * 0.95)], median: deltas[deltas.length >> 1] };
  });
  out('idle_frame_p95_ms', idle.p95);
  out('idle_frame_median_ms', idle.median);
  const frames = await page.evaluate(async () => {
    const region = document.querySelector('.preview');
    const deltas = [];
    let last = performance.now();
    for (let i = 0; i < 240; i++) {
      region.scrollTop += 600;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      deltas.push(now - last);
      last = now;
    }
    deltas.sort((a, b) => a - b);
    // A frame that met its budget lasts one display interval (16.7 ms at
    // 60 Hz, give or take timer jitter); one that missed lasts two or more.
    const missed = deltas.filter((d) => d > 16.7 * 1.5).length;
    return { p95: deltas[Math.floor(deltas.length * 0.95)], median: deltas[deltas.length >> 1], missed, frames: deltas.length, rowsInDom: document.querySelectorAll('.preview tbody tr').length };
  });
  out('scroll_frame_p95_ms', frames.p95);
  out('scroll_frame_median_ms', frames.median);
  out('scroll_frames_missed', frames.missed);
  console.log(`# scrolling: ${frames.missed} of ${frames.frames} frames took longer than one and a half display intervals`);
  console.log(`# preview rows in the DOM while scrolling: ${frames.rowsInDom}`);
  await page.context().close();
}

await browser.close();
server.kill('SIGINT');
