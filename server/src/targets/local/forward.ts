/**
 * `amtwb lms`: a drop-in for Intel LMS. Listens on TCP and forwards every accepted connection over
 * its own APF channel to the same AMT port (16993 when listening on 16993, else 16992), so other
 * AMT tools work on a machine without LMS. The APF session is shared and reopened after a
 * firmware reset by LocalApf; a connection that was open during a reset is closed, like LMS does.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { LocalApf } from './apf';
import { AMT_HTTP_PORT, AMT_TLS_PORT } from './transport';

export interface LmsServerOptions {
  apf: LocalApf;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Called when a connection could not be forwarded (the client's socket is closed). */
  onError?: (err: unknown) => void;
}

export interface LmsServer {
  readonly host: string;
  readonly port: number;
  /** Connections being forwarded right now. */
  readonly active: number;
  close(): Promise<void>;
}

export async function serveAsLms(options: LmsServerOptions): Promise<LmsServer> {
  const sockets = new Set<Socket>();
  const amtPort = options.port === AMT_TLS_PORT ? AMT_TLS_PORT : AMT_HTTP_PORT;
  const server: Server = createServer({ pauseOnConnect: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    void forward(socket, options.apf, amtPort).catch((err) => {
      socket.destroy();
      options.onError?.(err);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      // From now on an accept failure (EMFILE, …) costs that one connection, never the process.
      server.on('error', (err) => options.onError?.(err));
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    host: options.host,
    port,
    get active() {
      return sockets.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

async function forward(socket: Socket, apf: LocalApf, port: number): Promise<void> {
  const session = await apf.session();
  if (socket.destroyed) return;
  const channel = await session.openChannel({ port, originator: { address: socket.remoteAddress ?? '127.0.0.1', port: socket.remotePort ?? 0 } });
  if (socket.destroyed) {
    channel.destroy();
    return;
  }
  // Either side failing ends both: there is no way to resume a half-forwarded HTTP exchange.
  const end = () => {
    socket.destroy();
    channel.destroy();
  };
  channel.on('error', end);
  channel.on('close', () => !socket.destroyed && socket.end());
  socket.on('close', () => !channel.destroyed && channel.destroy()); // sends CHANNEL_CLOSE if still open
  socket.pipe(channel);
  channel.pipe(socket);
  socket.resume();
}
