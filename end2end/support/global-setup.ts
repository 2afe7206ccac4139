import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRefusingRelay } from './refusing-relay';

const repo = resolve(__dirname, '..', '..');

/** A free loopback port. */
async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((done) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** Starts maildev (a real SMTP sink; its REST API shows what arrived). */
async function startMaildev(): Promise<{ smtpUrl: string; apiUrl: string; process: ChildProcess }> {
  const [smtp, web] = [await freePort(), await freePort()];
  const child = spawn(
    join(__dirname, '..', 'node_modules', '.bin', 'maildev'),
    ['--smtp', String(smtp), '--web', String(web), '--ip', '127.0.0.1', '--web-ip', '127.0.0.1', '--silent'],
    { stdio: 'ignore' },
  );
  const apiUrl = `http://127.0.0.1:${web}/api`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${apiUrl}/healthz`)).ok) return { smtpUrl: `smtp://127.0.0.1:${smtp}`, apiUrl, process: child };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('maildev did not start');
}

/** Starts the real server on a fresh data dir, sending mail to maildev; the tests read its setup link. */
export default async function globalSetup() {
  const port = process.env.MUSTER_E2E_PORT!;
  const maildev = await startMaildev();
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
  // The e2e server always gets its own SQLite database, and mails through maildev.
  delete env.DATABASE_URL;
  // Through a relay that refuses "bounce…" addresses for good (550), as a
  // real server refuses a mailbox that does not exist.
  const relay = await startRefusingRelay(Number(new URL(maildev.smtpUrl).port));
  env.SMTP_URL = relay.url;

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
    SMTP_URL: relay.url,
  });
  process.env.MUSTER_BIN = bin;
  process.env.MAILDEV_API = maildev.apiUrl;

  return async () => {
    const exited = new Promise((done) => server.once('exit', done));
    server.kill('SIGINT');
    await exited;
    maildev.process.kill();
    relay.server.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
