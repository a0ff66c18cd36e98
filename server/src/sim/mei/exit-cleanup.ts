/**
 * Last-chance unmounting. A FUSE mount whose daemon is gone answers ENOTCONN until someone unmounts
 * it, so every live emulated device is detached when the process exits or is told to stop by
 * SIGINT/SIGTERM/SIGHUP, even if close() was never awaited. (SIGKILL cannot be caught; the next
 * mount over the same path detaches such leftovers.)
 *
 * Module state on purpose: the set of live mounts is process-wide, like the signal handlers.
 */
const live = new Set<() => void>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Registers a synchronous cleanup; returns the function that unregisters it. */
export function registerMount(cleanup: () => void): () => void {
  if (live.size === 0) install();
  live.add(cleanup);
  return () => {
    live.delete(cleanup);
    if (live.size === 0) uninstall();
  };
}

function cleanAll(): void {
  for (const cleanup of [...live]) {
    live.delete(cleanup);
    try {
      cleanup();
    } catch {
      // keep going: the other mounts must still be removed
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  cleanAll();
  uninstall();
  // We only listened to clean up; if nobody else handles the signal, die of it as we would have.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  process.on('exit', cleanAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  process.off('exit', cleanAll);
  for (const s of SIGNALS) process.off(s, onSignal);
}
