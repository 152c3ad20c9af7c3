import type { Guest } from './types';

/**
 * The guests a client's last `/cluster/resources` answer listed, so the next answer's guests can keep their id
 * and name strings when those are unchanged — nearly always. Every string a refresh keeps is copied by the
 * extension host's next young-generation collections, which stop it while they run: at 20,000 guests, new
 * copies of the same ids and names were ~1.3 MB more to copy on every refresh. It holds that one list (the
 * explorer's last snapshot, unless another caller of the same client read the cluster since) and nothing is
 * shared between connections.
 */
export class KnownGuests {
  private list: readonly Guest[] = [];
  private byVmid: Map<number, Guest> | undefined;

  /** The guests of the answer just read: the ones the next answer is compared with. */
  remember(guests: readonly Guest[]): void {
    this.list = guests;
    this.byVmid = undefined;
  }

  /** The guest the last answer listed at `index`, or anywhere when the order changed, if it had this VMID. */
  at(index: number, vmid: number): Guest | undefined {
    const g = this.list[index];
    return g?.vmid === vmid ? g : this.find(vmid);
  }

  private find(vmid: number): Guest | undefined {
    if (this.list.length === 0) return undefined;
    this.byVmid ??= new Map(this.list.map((g) => [g.vmid, g]));
    return this.byVmid.get(vmid);
  }
}
