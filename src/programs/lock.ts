/**
 * The apply lock: an abstract UNIX socket bound under a fixed name. Abstract
 * names live in the network namespace, as the IPVS table does, and the kernel
 * frees one when its holder dies, so a crashed apply never leaves a stale
 * lock behind. `net` is loaded only here, only by apply.
 */
const LOCK_NAME = '\0ipvsadm-ts-apply';
const RETRY_MS = 100;

/** Holds the lock, or gives up after `waitSeconds`; resolves with the release function, or undefined. */
export async function takeApplyLock(waitSeconds: number, name = LOCK_NAME): Promise<(() => void) | undefined> {
  const net = require('net') as typeof import('net');
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const server = net.createServer();
    const held = await new Promise<boolean>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error)));
      server.listen({ path: name }, () => resolve(true));
    });
    if (held) {
      // Holding the name must not keep the program alive on its own.
      server.unref();
      return () => server.close();
    }
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MS, Math.max(1, deadline - Date.now()))));
  }
}
