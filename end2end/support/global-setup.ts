import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(__dirname, '..', '..');

/** Starts the real server on a fresh data dir; the tests read its setup link. */
export default async function globalSetup() {
  const port = process.env.MUSTER_E2E_PORT!;
  const baseURL = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'muster-e2e-'));
  const bin = process.env.MUSTER_BIN ?? join(repo, 'target', 'debug', 'muster');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MUSTER_CONFIG: join(repo, 'Leptos.toml'),
    MUSTER_DATA_DIR: dataDir,
    MUSTER_PUBLIC_URL: baseURL,
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    LEPTOS_SITE_ROOT: join(repo, 'target', 'site'),
  };
  // The e2e server always gets its own SQLite database and writes mail to files.
  delete env.DATABASE_URL;
  delete env.SMTP_URL;

  const server = spawn(bin, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const setupUrl = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`muster did not start in time:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const link = output.match(/(http:\/\/\S+\/setup\?token=\S+)/);
      if (link && output.includes('listening on')) {
        clearTimeout(timer);
        resolveUrl(link[1]);
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`muster exited with ${code} before it was ready:\n${output}`));
    });
  });
  // Keep draining output so the server never blocks on a full pipe.
  server.stdout.removeAllListeners('data');
  server.stdout.on('data', () => {});
  server.stderr.removeAllListeners('data');
  server.stderr.on('data', (chunk: Buffer) => { if (process.env.MUSTER_E2E_LOGS) process.stderr.write(chunk); });
  server.removeAllListeners('exit');

  process.env.MUSTER_SETUP_URL = setupUrl;
  process.env.MUSTER_E2E_ENV = JSON.stringify({
    MUSTER_CONFIG: env.MUSTER_CONFIG,
    MUSTER_DATA_DIR: dataDir,
    MUSTER_PUBLIC_URL: baseURL,
  });
  process.env.MUSTER_BIN = bin;

  return async () => {
    const exited = new Promise((done) => server.once('exit', done));
    server.kill('SIGINT');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
}
