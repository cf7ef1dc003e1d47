// Waiting for a booted VM: first the QEMU guest agent (qm guest cmd ping), then cloud-init
// (`cloud-init status --wait` through the agent). Both bounded by the guest's configurable
// timeouts; a timeout fails the guest with what it was waiting for.

import type { VmGuest } from '../../model/guest.js';
import { GuestFailure, type ApplyContext } from '../context.js';

type WaitContext = Pick<ApplyContext, 'driver' | 'signal' | 'pollMs'>;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });

export async function waitForAgent(g: VmGuest, ctx: WaitContext): Promise<void> {
  const deadline = Date.now() + g.agentTimeoutSec * 1000;
  let delay = ctx.pollMs ?? 1000;
  for (;;) {
    if (await ctx.driver.agentPing(g.id)) return;
    if (Date.now() >= deadline) throw new GuestFailure(g.id, `the QEMU guest agent of VM ${g.id} did not answer within ${g.agentTimeoutSec}s (is qemu-guest-agent installed in the image?)`);
    await sleep(delay, ctx.signal);
    delay = Math.min(delay * 2, 5000);
  }
}

export async function waitForCloudInit(g: VmGuest, ctx: WaitContext): Promise<void> {
  const r = await ctx.driver.exec('qemu', g.id, ['cloud-init', 'status', '--wait'], { timeoutMs: g.cloudInitTimeoutSec * 1000, signal: ctx.signal });
  // Exit 2 means "done with recoverable errors" (e.g. a deprecated key): the guest is usable.
  if (r.exitCode !== 0 && r.exitCode !== 2) {
    throw new GuestFailure(g.id, `cloud-init did not finish on VM ${g.id} (exit ${r.exitCode}): ${(r.stdout + r.stderr).trim().split('\n').slice(-3).join(' | ')}`);
  }
}
