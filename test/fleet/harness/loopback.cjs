// Preloaded into MPS (node -r): MPS calls listen(port) with no host, i.e. on every interface, and
// reads no bind-address setting. The tests may use loopback only, so a listen without a host is
// pinned to 127.0.0.1 here; a listen that names a host is left alone.
'use strict';
const net = require('node:net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    const cb = typeof args[args.length - 1] === 'function' ? args[args.length - 1] : undefined;
    const hostGiven = typeof args[1] === 'string';
    if (!hostGiven) return listen.call(this, Number(args[0]), '127.0.0.1', ...(cb ? [cb] : []));
  }
  return listen.apply(this, args);
};
