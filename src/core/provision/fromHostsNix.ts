/**
 * "Provision from hosts.nix host": the pipeline's answers from a host's `proxmox` set and the fleet's
 * `_proxmox` settings, as the fleet's Terranix module reads them: `vmid`, `cores`, `memory` (MiB), `disk`
 * ("32G"), `storage` (else `_proxmox.defaultStorage`), `name` (else `hostname`, else the attribute), cloned
 * from `_proxmox.templateVmid` onto `_proxmox.node`. Hosts that are `readonly` or imported
 * (`cloneFromTemplate = false`) are never provisioned. Works on the evaluated file (evaluateNixText's value).
 */
import type { JsonValue } from '../iac/nix/partialJson';
import type { Guest } from '../pve/types';
import type { ProvisionAnswers } from './answers';

type Obj = { readonly [key: string]: JsonValue };

export interface HostsNixHost {
  /** The attribute name in hosts.nix. */
  readonly key: string;
  /** The name Proxmox shows. */
  readonly name: string;
  readonly vmid?: number;
  readonly cores?: number;
  readonly memory?: number;
  readonly diskGiB?: number;
  readonly storage?: string;
  readonly node?: string;
  readonly templateVmid?: number;
  /** Why it must not be provisioned (read-only, imported), as a sentence. */
  readonly refused?: string;
}

function isObj(v: JsonValue | undefined): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const int = (v: JsonValue | undefined): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
const str = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** "32G" → 32, "512M" → 1 (rounded up), "1T" → 1024; undefined for "passthrough" and other non-sizes. */
export function diskGiBOf(disk: string | undefined): number | undefined {
  const m = disk ? /^(\d+)([KMGT]?)$/.exec(disk) : null;
  if (!m) return undefined;
  const n = Number(m[1]);
  const gib = { K: n / 1024 / 1024, M: n / 1024, G: n, T: n * 1024, '': n / 1024 / 1024 / 1024 }[m[2] as 'K' | 'M' | 'G' | 'T' | ''];
  return Math.max(1, Math.ceil(gib));
}

/** The hosts of an evaluated hosts.nix that have a `proxmox` set, in attribute order. */
export function hostsNixHosts(value: Obj): HostsNixHost[] {
  const settings = isObj(value['_proxmox']) ? value['_proxmox'] : {};
  const out: HostsNixHost[] = [];
  for (const [key, host] of Object.entries(value)) {
    if (key.startsWith('_') || !isObj(host) || !isObj(host['proxmox'])) continue;
    const pm = host['proxmox'];
    const name = str(pm['name']) ?? str(host['hostname']) ?? key;
    const disk = str(pm['disk']);
    const refused =
      pm['readonly'] === true
        ? `${key} is read-only in hosts.nix (\`readonly = true\`): the extension never creates or changes it.`
        : pm['cloneFromTemplate'] === false
          ? `${key} is an imported VM (\`cloneFromTemplate = false\`): it was not cloned from a template, so it cannot be provisioned from one.`
          : undefined;
    const h: HostsNixHost = {
      key,
      name,
      ...(int(pm['vmid']) !== undefined ? { vmid: int(pm['vmid'])! } : {}),
      ...(int(pm['cores']) !== undefined ? { cores: int(pm['cores'])! } : {}),
      ...(int(pm['memory']) !== undefined ? { memory: int(pm['memory'])! } : {}),
      ...(diskGiBOf(disk) !== undefined ? { diskGiB: diskGiBOf(disk)! } : {}),
      ...((str(pm['storage']) ?? str(settings['defaultStorage'])) ? { storage: (str(pm['storage']) ?? str(settings['defaultStorage']))! } : {}),
      ...(str(settings['node']) ? { node: str(settings['node'])! } : {}),
      ...(int(settings['templateVmid']) !== undefined ? { templateVmid: int(settings['templateVmid'])! } : {}),
      ...(refused ? { refused } : {}),
    };
    out.push(h);
  }
  return out;
}

/** The live template a host is cloned from (`_proxmox.templateVmid`), or a sentence saying what is missing. */
export function templateForHost(h: HostsNixHost, guests: readonly Guest[]): Guest | string {
  if (h.templateVmid === undefined) return 'hosts.nix has no `_proxmox.templateVmid`, so no template can be chosen. Add it to the `_proxmox` block.';
  const t = guests.find((g) => g.vmid === h.templateVmid && g.type === 'qemu');
  if (!t) return `hosts.nix names template ${h.templateVmid} (\`_proxmox.templateVmid\`), but the cluster has no VM ${h.templateVmid}.`;
  if (!t.template) return `VM ${h.templateVmid} (${t.name}), named by \`_proxmox.templateVmid\`, is not a template. Convert it first.`;
  return t;
}

/** The wizard's answers for a host: a full clone on the fleet's node (else the template's), DHCP. */
export function answersForHost(h: HostsNixHost, template: Guest, vmid: number): ProvisionAnswers {
  return {
    template: { node: template.node, vmid: template.vmid, name: template.name },
    node: h.node ?? template.node,
    name: h.name,
    vmid,
    ...(h.cores !== undefined ? { cores: h.cores } : {}),
    ...(h.memory !== undefined ? { memory: h.memory } : {}),
    ...(h.diskGiB !== undefined ? { diskGiB: h.diskGiB } : {}),
    ...(h.storage ? { storage: h.storage } : {}),
    full: true,
    cloudInit: { ip: { dhcp: true } },
  };
}
