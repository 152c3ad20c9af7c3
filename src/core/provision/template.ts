/** What a template's config says about provisioning from it: agent, cloud-init drive, boot disk and its size. */

export interface TemplateFacts {
  /** `agent: 1` / `enabled=1`: the agent can report the IP. */
  readonly agent: boolean;
  /** A cloud-init drive is attached: user, keys and network can be set. */
  readonly cloudInit: boolean;
  /** The disk that boots (scsi0, virtio0 …), the one to resize. */
  readonly bootDisk?: string;
  /** Its size in GiB, when the config says. */
  readonly diskGiB?: number;
}

const DISK_KEY = /^(scsi|virtio|sata|ide)\d+$/;

function sizeGiB(value: string): number | undefined {
  const m = /(?:^|,)size=(\d+(?:\.\d+)?)([KMGT]?)(?:,|$)/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  const factor = { '': 1 / 1024 ** 3, K: 1 / 1024 ** 2, M: 1 / 1024, G: 1, T: 1024 }[m[2] as '' | 'K' | 'M' | 'G' | 'T'];
  return Math.round(n * factor * 100) / 100;
}

export function templateFacts(config: Readonly<Record<string, unknown>>): TemplateFacts {
  const agentValue = typeof config.agent === 'string' || typeof config.agent === 'number' ? String(config.agent) : '0';
  const agent = /^(1|enabled=1)(,|$)/.test(agentValue);
  const disks = Object.entries(config).filter(([k, v]) => DISK_KEY.test(k) && typeof v === 'string') as [string, string][];
  const cloudInit = disks.some(([, v]) => /cloudinit/.test(v));
  const order = /(?:^|,)order=([^,]+)/.exec(typeof config.boot === 'string' ? config.boot : '')?.[1]?.split(';') ?? [];
  const isData = ([, v]: [string, string]): boolean => !/media=cdrom/.test(v) && !/cloudinit/.test(v);
  const boot = order.map((k) => disks.find(([d]) => d === k)).find((d): d is [string, string] => d !== undefined && isData(d)) ?? disks.find(isData);
  const gib = boot ? sizeGiB(boot[1]) : undefined;
  return { agent, cloudInit, ...(boot ? { bootDisk: boot[0] } : {}), ...(gib !== undefined ? { diskGiB: gib } : {}) };
}

/** `virtio=BC:24:11:4E:8F:D1,bridge=vmbr0` → `bc:24:11:4e:8f:d1`. */
export function macFromNet0(net0: unknown): string | undefined {
  return typeof net0 === 'string' ? /=([0-9A-F]{2}(?::[0-9A-F]{2}){5})/i.exec(net0)?.[1]?.toLowerCase() : undefined;
}
