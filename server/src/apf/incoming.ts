/**
 * What LMS does with a channel AMT opens to the host (Intel LMS sources, "forwarded-tcpip" from the
 * firmware): connects it to the same port on this host's loopback, where the event listener of
 * `amtwb events --follow` (or any local subscriber) runs, and copies bytes both ways.
 */
import net from 'node:net';
import type { ApfChannel } from './channel';
import type { IncomingChannel } from './session';

export function forwardToLoopback(channel: ApfChannel, request: IncomingChannel): boolean {
  const socket = net.connect({ host: '127.0.0.1', port: request.port });
  socket.on('error', () => channel.destroy());
  channel.on('error', () => socket.destroy());
  socket.pipe(channel);
  channel.pipe(socket);
  return true;
}
