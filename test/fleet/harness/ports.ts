/**
 * A free TCP port on 127.0.0.1, picked below Linux's ephemeral range (32768–60999), so that a port
 * MPS gives up while it restarts is not handed to another process asking for "any free port".
 */
import net from 'node:net';

function tryPort(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (await tryPort(port)) return port;
  }
  throw new Error('No free TCP port between 20000 and 32000 on 127.0.0.1 after 200 tries.');
}
