/**
 * The language service's Nix support (hosts.nix, vms/definitions.nix through real nix-instantiate), as the
 * editor's worker and the CLI both plug it in: every validation option that Nix checks use (VMID ranges, the
 * live cluster's nodes and storages, cancellation) is passed on, so a check cannot exist in one and not the other.
 */
import { declaredGuestsFromNix, validateNixFile } from '../iac/nix/index';
import type { FileSource } from './api';
import type { NixSupport } from './context';

export function nixSupport(files: FileSource, workspaceRoots: readonly string[]): NixSupport {
  return {
    validate: (path, text, opts) =>
      validateNixFile(path, text, {
        readFile: (p) => files.readFile(p),
        workspaceRoots,
        ...(opts?.signal ? { signal: opts.signal } : {}),
        ...(opts?.vmidRanges ? { vmidRanges: opts.vmidRanges } : {}),
        ...(opts?.live ? { live: opts.live } : {}),
      }),
    declaredGuests: (path, text) => declaredGuestsFromNix(path, text, { workspaceRoots }),
  };
}
