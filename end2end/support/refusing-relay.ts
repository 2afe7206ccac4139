import net from 'node:net';

/**
 * An SMTP relay in front of maildev that refuses mail to addresses starting
 * with "bounce", as a real server does: 550 to RCPT TO. Everything else passes
 * through unchanged, so every other test's mail still lands in maildev.
 */
export async function startRefusingRelay(upstreamPort: number): Promise<{ url: string; server: net.Server }> {
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
    upstream.pipe(client);
    let pending = '';
    let inData = false;
    let tail = '';
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (inData) {
        upstream.write(chunk);
        // The message ends with CRLF.CRLF, perhaps split across chunks.
        if ((tail + text).includes('\r\n.\r\n')) inData = false;
        tail = (tail + text).slice(-4);
        return;
      }
      pending += text;
      let end: number;
      while (!inData && (end = pending.indexOf('\r\n')) >= 0) {
        const line = pending.slice(0, end + 2);
        pending = pending.slice(end + 2);
        const refused = line.match(/^RCPT TO:\s*<(bounce[^>]*)>/i);
        if (refused) {
          client.write(`550 5.1.1 <${refused[1]}>: Recipient address rejected: User unknown in virtual mailbox table\r\n`);
          continue;
        }
        upstream.write(line, 'latin1');
        if (/^DATA\r\n$/i.test(line)) {
          inData = true;
          tail = '';
          if (pending) {
            upstream.write(pending, 'latin1');
            if (pending.includes('\r\n.\r\n')) inData = false;
            tail = pending.slice(-4);
            pending = '';
          }
        }
      }
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as net.AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, server };
}
