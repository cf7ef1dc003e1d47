// Releases held locks when the process ends: on 'exit' (normal end, process.exit) and on a fatal
// signal. A signal listener here would stop Node's default "die on SIGTERM", so ours only acts when
// it is the sole listener: it releases, then re-raises the signal so the process still dies of it.
// When the CLI has its own handler (Ctrl-C: stop scheduling), that handler decides, and the
// eventual exit releases the locks.

const held = new Set<() => void>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const releaseAll = (): void => {
  for (const r of [...held]) {
    try {
      r();
    } catch {
      /* exiting anyway: a lock we cannot remove is reclaimed as stale by the next run */
    }
  }
};

const onSignal = (sig: NodeJS.Signals): void => {
  if (process.listenerCount(sig) > 1) return;
  releaseAll();
  uninstall();
  process.kill(process.pid, sig);
};

function install(): void {
  process.on('exit', releaseAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  process.off('exit', releaseAll);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** releaseOnExit calls `release` if the process ends while it is registered. */
export function releaseOnExit(release: () => void): void {
  if (held.size === 0) install();
  held.add(release);
}

/** forgetOnExit unregisters `release` (after it ran). */
export function forgetOnExit(release: () => void): void {
  if (held.delete(release) && held.size === 0) uninstall();
}
