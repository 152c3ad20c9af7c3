import { isSafeResourceAddress } from './names';

/** Proxmox VM resource types whose blocks get a "Plan this VM" lens: bpg's and Telmate's providers. */
export const VM_RESOURCE_TYPES: ReadonlySet<string> = new Set(['proxmox_virtual_environment_vm', 'proxmox_vm_qemu']);

export interface ResourceTarget {
  /** `type.name`, as `-target=` takes it. */
  readonly address: string;
  /** 0-based line of the `resource` keyword. */
  readonly line: number;
}

const RESOURCE = /^\s*resource\s+"([A-Za-z0-9_-]+)"\s+"([A-Za-z0-9_-]+)"\s*\{/;

/** The VM resources declared in a `.tf` / `.tofu` file, by line; addresses that are not plain are left out. */
export function vmResourceTargets(text: string): ResourceTarget[] {
  const out: ResourceTarget[] = [];
  text.split(/\r?\n/).forEach((lineText, line) => {
    const m = RESOURCE.exec(lineText);
    if (!m || !VM_RESOURCE_TYPES.has(m[1])) return;
    const address = `${m[1]}.${m[2]}`;
    if (isSafeResourceAddress(address)) out.push({ address, line });
  });
  return out;
}
