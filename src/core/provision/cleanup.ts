/** Deleting a partly provisioned VM after a failure: stop it when it runs, then destroy it. */
import type { GuestRef, PveApi } from '../pve/api';
import { TaskFailedError } from '../pve/errors';

export async function deletePartialVm(api: PveApi, vm: GuestRef, signal?: AbortSignal): Promise<void> {
  const o = signal ? { signal } : {};
  const status = await api.guestStatus(vm, o);
  if (status.status === 'running') {
    const r = await api.waitForTask(await api.power(vm, 'stop', o), o);
    if (!r.ok) throw new TaskFailedError(r.upid, r.exitstatus, r.log ?? []);
  }
  const r = await api.waitForTask(await api.destroy(vm, o), o);
  if (!r.ok) throw new TaskFailedError(r.upid, r.exitstatus, r.log ?? []);
}
