/**
 * Seeds for the simulator: the demo cluster (matches the example IaC files in test/fixtures/examples so the
 * explorer shows managed, unmanaged and missing guests), generated clusters of N guests over M nodes for
 * benchmarks, and seed files (JSON in the SeedSpec shape).
 */
import { randomUUID, createHash } from 'node:crypto';
import { makeBackup } from './backups';
import { aclFromRoles, SimState, type AgentQuirks, type AgentState, type SimGuest, type SimIface } from './state';

export interface SeedGuest {
  vmid: number;
  type?: 'qemu' | 'lxc';
  node: string;
  name: string;
  status?: 'running' | 'stopped';
  template?: boolean;
  tags?: string[];
  pool?: string;
  agent?: AgentState;
  cores?: number;
  memoryMiB?: number;
  diskGiB?: number;
  hastate?: string;
  snapshots?: { name: string; description?: string }[];
  os?: 'nixos' | 'ubuntu' | 'debian' | 'talos' | 'windows';
  ip?: string;
  /** What the guest agent reports as host name (default: the name in lower case). */
  hostname?: string;
  /** How the running agent's answers differ from a plain Linux guest's (Windows, many NICs, missing commands). */
  agentQuirks?: AgentQuirks;
  /** A linked clone of this template: its disk is `base-<template>-disk-0/vm-<vmid>-disk-0`, as in PVE. */
  cloneOf?: number;
}

export interface SeedSpec {
  /** `bridges`: the node's bridge names (default `vmbr0`, on the node's one NIC). */
  nodes: { node: string; status?: 'online' | 'offline'; cores?: number; memoryGiB?: number; bridges?: string[] }[];
  storages?: { storage: string; node?: string; plugintype: string; content: string; shared?: boolean; sizeGiB?: number }[];
  pools?: string[];
  guests: SeedGuest[];
  /** Backup archives (on the guest's node; storage default `local`). */
  backups?: SeedBackup[];
}

export interface SeedBackup {
  vmid: number;
  storage?: string;
  daysAgo: number;
  notes?: string;
  protected?: boolean;
  compress?: 'zstd' | 'gzip' | 'lzo' | '0';
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** A small deterministic PRNG so generated clusters are the same on every run. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RESOURCE_KEYS = ['id', 'type', 'vmid', 'name', 'node', 'status', 'template', 'tags', 'pool', 'lock', 'hastate', 'cpu', 'maxcpu', 'mem', 'maxmem', 'disk', 'maxdisk', 'netin', 'netout', 'diskread', 'diskwrite', 'uptime'];

function shuffled<T>(items: readonly T[], rnd: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const OS_INFO: Record<string, Record<string, string>> = {
  nixos: { id: 'nixos', name: 'NixOS', 'pretty-name': 'NixOS 25.05 (Warbler)', version: '25.05 (Warbler)', 'version-id': '25.05', 'kernel-release': '6.12.30', 'kernel-version': '#1-NixOS SMP PREEMPT_DYNAMIC', machine: 'x86_64' },
  ubuntu: { id: 'ubuntu', name: 'Ubuntu', 'pretty-name': 'Ubuntu 24.04.2 LTS', version: '24.04.2 LTS (Noble Numbat)', 'version-id': '24.04', 'kernel-release': '6.8.0-60-generic', 'kernel-version': '#63-Ubuntu SMP PREEMPT_DYNAMIC', machine: 'x86_64' },
  debian: { id: 'debian', name: 'Debian GNU/Linux', 'pretty-name': 'Debian GNU/Linux 12 (bookworm)', version: '12 (bookworm)', 'version-id': '12', 'kernel-release': '6.1.0-18-amd64', 'kernel-version': '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1', machine: 'x86_64' },
};

function mac(vmid: number): string {
  const h = createHash('sha1').update(String(vmid)).digest();
  return `BC:24:11:${[h[0], h[1], h[2]].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
}

/** A template's disk is a base volume; a linked clone's names the template's base volume first. */
function diskVolume(g: SeedGuest): string {
  if (g.template) return `base-${g.vmid}-disk-0`;
  if (g.cloneOf !== undefined) return `base-${g.cloneOf}-disk-0/vm-${g.vmid}-disk-0`;
  return `vm-${g.vmid}-disk-0`;
}

function fingerprintFor(node: string): string {
  return createHash('sha256').update(`sim-node-${node}`).digest('hex').toUpperCase().match(/../g)!.join(':');
}

/**
 * A node's interfaces as a PVE installer leaves them, plus bridges: the first bridge on the NIC with the node's
 * address, the others internal (no port, no address), as a second bridge for a guest network usually is.
 */
function networkFor(index: number, bridges: readonly string[]): SimIface[] {
  const out: SimIface[] = [{ iface: 'eno1', type: 'eth' }];
  bridges.forEach((iface, i) =>
    out.push(i === 0 ? { iface, type: 'bridge', ports: 'eno1', cidr: `192.168.1.${11 + index}/24`, gateway: '192.168.1.1' } : { iface, type: 'bridge', vlanAware: true, comments: 'guest VLANs' }),
  );
  return out;
}

export function buildState(spec: SeedSpec, taskDurationMs: number, shuffleSeed = 42): SimState {
  const state = new SimState(taskDurationMs);
  const rnd = prng(shuffleSeed);
  for (const [index, n] of spec.nodes.entries()) {
    state.nodes.set(n.node, {
      node: n.node,
      status: n.status ?? 'online',
      maxcpu: n.cores ?? 16,
      maxmem: (n.memoryGiB ?? 128) * GiB,
      maxdisk: 940 * GiB,
      uptime: 3_600 * 24 * 12 + Math.floor(rnd() * 100_000),
      sslFingerprint: fingerprintFor(n.node),
      network: networkFor(index, n.bridges ?? ['vmbr0']),
    });
  }
  const storages = spec.storages ?? [
    { storage: 'local', plugintype: 'dir', content: 'backup,vztmpl,iso', sizeGiB: 100 },
    { storage: 'local-zfs', plugintype: 'zfspool', content: 'images,rootdir', sizeGiB: 900 },
  ];
  for (const s of storages) {
    const nodes = s.node ? [s.node] : [...state.nodes.keys()];
    for (const node of nodes) {
      const maxdisk = (s.sizeGiB ?? 500) * GiB;
      state.storages.push({ storage: s.storage, node, plugintype: s.plugintype, content: s.content, shared: s.shared ?? false, maxdisk, disk: Math.floor(maxdisk * (0.1 + rnd() * 0.5)) });
    }
  }
  for (const p of spec.pools ?? []) state.pools.set(p, {});
  const now = Date.now();
  for (const g of spec.guests) {
    const type = g.type ?? 'qemu';
    const cores = g.cores ?? 2;
    const memory = g.memoryMiB ?? 2048;
    const diskGiB = g.diskGiB ?? 32;
    const agent: AgentState = type === 'lxc' ? 'none' : (g.agent ?? 'none');
    const config: Record<string, string | number> =
      type === 'qemu'
        ? {
            name: g.name,
            cores,
            sockets: 1,
            // PVE 9 sends memory as a string (it became a property string).
            memory: String(memory),
            ostype: g.os === 'windows' ? 'win11' : 'l26',
            scsihw: 'virtio-scsi-single',
            scsi0: `local-zfs:${diskVolume(g)},iothread=1,size=${diskGiB}G`,
            net0: `virtio=${mac(g.vmid)},bridge=vmbr0,firewall=1`,
            boot: 'order=scsi0',
            digest: createHash('sha1').update(`${g.vmid}`).digest('hex'),
            vmgenid: randomUUID(),
            smbios1: `uuid=${randomUUID()}`,
          }
        : {
            hostname: g.name,
            cores,
            memory,
            swap: 512,
            ostype: g.os === 'ubuntu' ? 'ubuntu' : 'debian',
            arch: 'amd64',
            rootfs: `local-zfs:subvol-${g.vmid}-disk-0,size=${diskGiB}G`,
            net0: `name=eth0,bridge=vmbr0,hwaddr=${mac(g.vmid)},ip=dhcp,type=veth`,
            unprivileged: 1,
            digest: createHash('sha1').update(`${g.vmid}`).digest('hex'),
          };
    if (agent !== 'none') config.agent = '1,fstrim_cloned_disks=1';
    if (g.tags?.length) config.tags = g.tags.join(';');
    if (g.template) config.template = 1;
    if (type === 'qemu' && (g.os === 'ubuntu' || g.os === 'nixos')) {
      config.ide2 = `local-zfs:vm-${g.vmid}-cloudinit,media=cdrom`;
      config.ciuser = g.os === 'nixos' ? 'nixos' : 'ubuntu';
      config.ipconfig0 = g.ip ? `ip=${g.ip}/24,gw=10.0.0.1` : 'ip=dhcp';
    }
    const running = (g.status ?? 'stopped') === 'running' && !g.template;
    let parent: string | undefined;
    const snapshots = (g.snapshots ?? []).map((s, i) => {
      const snap = { name: s.name, snaptime: Math.floor(now / 1000) - 86_400 * (10 - i), vmstate: false, ...(s.description ? { description: s.description } : {}), ...(parent ? { parent } : {}) };
      parent = s.name;
      return snap;
    });
    const guest: SimGuest = {
      vmid: g.vmid,
      type,
      node: g.node,
      name: g.name,
      status: running ? 'running' : 'stopped',
      template: g.template ?? false,
      tags: g.tags ?? [],
      agent,
      maxcpu: cores,
      maxmem: memory * MiB,
      maxdisk: diskGiB * GiB,
      load: 0.05 + rnd() * 0.5,
      config,
      snapshots,
      keyOrder: shuffled(RESOURCE_KEYS, rnd),
      ...(running ? { startedAt: now - Math.floor(rnd() * 86_400_000 * 20) } : {}),
      ...(g.pool ? { pool: g.pool } : {}),
      ...(g.hastate ? { hastate: g.hastate } : {}),
      ...(g.os && OS_INFO[g.os] ? { osinfo: OS_INFO[g.os] } : {}),
      ...(g.agentQuirks ? { agentQuirks: g.agentQuirks } : {}),
      hostname: g.hostname ?? g.name.toLowerCase(),
      ips: [g.ip ?? `10.0.${Math.floor(g.vmid / 250) % 250}.${(g.vmid % 250) + 2}`],
    };
    state.addGuest(guest);
  }
  for (const b of spec.backups ?? []) {
    const g = state.guests.get(b.vmid);
    if (!g) throw new Error(`seed: backup of VMID ${b.vmid}, which the seed does not declare`);
    // At 02:00 UTC, as a nightly job would, `daysAgo` days back.
    const day = Math.floor(now / 86_400_000) - b.daysAgo;
    state.backups.push(makeBackup(state, g, { storage: b.storage ?? 'local', node: g.node, ctime: day * 86_400 + 7_200 + (b.vmid % 60), ...(b.compress ? { compress: b.compress } : {}), ...(b.notes ? { notes: b.notes } : {}), ...(b.protected ? { protected: true } : {}) }));
  }
  return state;
}

/**
 * The demo cluster. Guests correlate with test/fixtures/examples: nixos-fleet hosts.nix (104 Doc1,
 * 109 igpu, 110 dev, 111 sandbox, 112 cache; 114 doc2 is left out → "missing"), vms/definitions.nix
 * (9002 ubuntu-cloud-template), site-config manifests (99011 root-pve, 99021 edge; 99001 left out), plus
 * talos nodes, LXC containers and unmanaged guests no file declares.
 */
export function demoSpec(): SeedSpec {
  return {
    nodes: [
      { node: 'prom', cores: 32, memoryGiB: 256, bridges: ['vmbr0', 'vmbr1'] },
      { node: 'father', cores: 16, memoryGiB: 128 },
      { node: 'pve3', cores: 12, memoryGiB: 64 },
    ],
    storages: [
      { storage: 'local', plugintype: 'dir', content: 'backup,vztmpl,iso,snippets', sizeGiB: 100 },
      { storage: 'local-zfs', plugintype: 'zfspool', content: 'images,rootdir', sizeGiB: 900 },
      { storage: 'nvmeprom', node: 'prom', plugintype: 'zfspool', content: 'images,rootdir', sizeGiB: 3600 },
      { storage: 'Test', node: 'prom', plugintype: 'dir', content: 'images,iso', sizeGiB: 500 },
    ],
    pools: ['fleet', 'talos'],
    guests: [
      // nixos-fleet (node prom)
      { vmid: 104, node: 'prom', name: 'Doc1', status: 'running', agent: 'running', os: 'nixos', cores: 8, memoryMiB: 32000, diskGiB: 400, tags: ['nixos', 'prod', 'readonly'], pool: 'fleet', ip: '10.0.1.29', hostname: 'proxmox-vm', snapshots: [{ name: 'pre-upgrade', description: 'Before nixos-rebuild switch' }] },
      { vmid: 109, node: 'prom', name: 'igpu', status: 'running', agent: 'running', os: 'nixos', cores: 8, memoryMiB: 8096, diskGiB: 150, tags: ['nixos', 'gpu', 'readonly'], pool: 'fleet', ip: '10.0.1.33' },
      { vmid: 110, node: 'prom', name: 'dev', status: 'running', agent: 'not-running', os: 'nixos', cores: 4, memoryMiB: 8192, diskGiB: 64, tags: ['nixos', 'dev'], pool: 'fleet' },
      { vmid: 111, node: 'prom', name: 'sandbox', status: 'stopped', agent: 'running', os: 'nixos', cores: 2, memoryMiB: 4096, diskGiB: 32, tags: ['nixos', 'dev'], pool: 'fleet' },
      { vmid: 112, node: 'prom', name: 'cache', status: 'running', agent: 'timeout', os: 'nixos', cores: 4, memoryMiB: 8192, diskGiB: 200, tags: ['nixos'], pool: 'fleet' },
      { vmid: 9002, node: 'prom', name: 'ubuntu-cloud-template', template: true, agent: 'none', os: 'ubuntu', cores: 2, memoryMiB: 2048, diskGiB: 8, tags: ['template'] },
      { vmid: 9003, node: 'prom', name: 'nixos-template', template: true, agent: 'running', os: 'nixos', cores: 2, memoryMiB: 2048, diskGiB: 16, tags: ['template', 'nixos'] },
      { vmid: 120, type: 'lxc', node: 'prom', name: 'monitoring', status: 'running', os: 'debian', cores: 2, memoryMiB: 1024, diskGiB: 16, tags: ['lxc', 'monitoring'] },
      // site-config manifests (node father)
      { vmid: 99011, node: 'father', name: 'root-pve', status: 'running', agent: 'running', os: 'debian', cores: 4, memoryMiB: 16384, diskGiB: 64, tags: ['iac', 'pve'] },
      { vmid: 99021, node: 'father', name: 'edge', status: 'stopped', agent: 'running', os: 'debian', cores: 1, memoryMiB: 1024, diskGiB: 10, tags: ['iac'] },
      { vmid: 9001, node: 'father', name: 'debian-12-template', template: true, agent: 'running', os: 'debian', cores: 1, memoryMiB: 1024, diskGiB: 10, tags: ['template'] },
      { vmid: 130, type: 'lxc', node: 'father', name: 'pihole', status: 'running', os: 'debian', cores: 1, memoryMiB: 512, diskGiB: 8, tags: ['lxc', 'dns'] },
      { vmid: 131, type: 'lxc', node: 'father', name: 'unifi', status: 'stopped', os: 'ubuntu', cores: 2, memoryMiB: 2048, diskGiB: 16, tags: ['lxc'] },
      // talos cluster (node pve3)
      { vmid: 200, node: 'pve3', name: 'talos-cp-1', status: 'running', agent: 'none', os: 'talos', cores: 4, memoryMiB: 8192, diskGiB: 64, tags: ['k8s', 'talos', 'controlplane'], pool: 'talos', hastate: 'started' },
      { vmid: 201, node: 'pve3', name: 'talos-cp-2', status: 'running', agent: 'none', os: 'talos', cores: 4, memoryMiB: 8192, diskGiB: 64, tags: ['k8s', 'talos', 'controlplane'], pool: 'talos', hastate: 'started' },
      { vmid: 202, node: 'pve3', name: 'talos-worker-1', status: 'running', agent: 'none', os: 'talos', cores: 8, memoryMiB: 16384, diskGiB: 256, tags: ['k8s', 'talos', 'worker'], pool: 'talos' },
      // unmanaged: declared by no file
      { vmid: 105, node: 'prom', name: 'homeassistant', status: 'running', agent: 'running', os: 'debian', cores: 2, memoryMiB: 4096, diskGiB: 32, tags: ['home'] },
      { vmid: 150, node: 'pve3', name: 'legacy-win', status: 'stopped', agent: 'none', os: 'windows', cores: 4, memoryMiB: 8192, diskGiB: 120 },
      { vmid: 151, node: 'pve3', name: 'scratch', status: 'running', agent: 'none', os: 'ubuntu', cores: 2, memoryMiB: 2048, diskGiB: 20 },
      { vmid: 140, type: 'lxc', node: 'pve3', name: 'build-cache', status: 'running', os: 'debian', cores: 4, memoryMiB: 4096, diskGiB: 100, tags: ['lxc', 'ci'] },
      // Seed 000's blocker: OpenTofu clones of the Ubuntu cloud template (no qemu-guest-agent inside) with
      // `agent: 1` set: PVE asks, nothing answers, ever.
      { vmid: 116, node: 'prom', name: 'tofu-web-1', status: 'running', agent: 'not-running', os: 'ubuntu', cloneOf: 9002, cores: 2, memoryMiB: 2048, diskGiB: 16, tags: ['opentofu'] },
      { vmid: 117, node: 'prom', name: 'tofu-web-2', status: 'running', agent: 'not-running', os: 'ubuntu', cloneOf: 9002, cores: 2, memoryMiB: 2048, diskGiB: 16, tags: ['opentofu'] },
      // Agents that answer differently: Windows, a container host with many NICs, an old agent lacking commands.
      { vmid: 152, node: 'pve3', name: 'win-build', status: 'running', agent: 'running', os: 'windows', agentQuirks: { windows: true }, cores: 4, memoryMiB: 8192, diskGiB: 80, ip: '10.0.3.52' },
      { vmid: 153, node: 'pve3', name: 'docker-host', status: 'running', agent: 'running', os: 'debian', agentQuirks: { manyNics: true }, cloneOf: 9001, cores: 4, memoryMiB: 8192, diskGiB: 64, ip: '10.0.3.53' },
      { vmid: 154, node: 'pve3', name: 'centos7-legacy', status: 'running', agent: 'running', agentQuirks: { resultError: ['get-osinfo'], unsupported: ['get-host-name'] }, cores: 2, memoryMiB: 2048, diskGiB: 20, ip: '10.0.3.54' },
    ],
    // The mode is not part of a backup listing: Proxmox IaC's "Back Up Now" writes it into the notes.
    backups: [
      { vmid: 104, daysAgo: 14, notes: 'Doc1 before the 25.05 upgrade (snapshot mode)', protected: true },
      { vmid: 104, daysAgo: 1, notes: 'Doc1 (snapshot mode)' },
      { vmid: 105, daysAgo: 2, notes: 'homeassistant before the 2026.12 update (snapshot mode)', compress: 'gzip', protected: true },
      { vmid: 105, daysAgo: 9, notes: 'homeassistant (stop mode)' },
      { vmid: 9002, daysAgo: 30, notes: 'ubuntu-cloud-template (stop mode)' },
      { vmid: 120, daysAgo: 3, notes: 'monitoring (suspend mode)' },
    ],
  };
}

/** N guests over M nodes (deterministic), for benchmarks and load tests. */
export function generatedSpec(guests: number, nodes: number): SeedSpec {
  const rnd = prng(guests * 31 + nodes);
  const nodeNames = Array.from({ length: Math.max(1, nodes) }, (_, i) => `pve${String(i + 1).padStart(2, '0')}`);
  const tagPool = ['prod', 'dev', 'staging', 'k8s', 'db', 'web', 'nixos', 'ci', 'backup', 'edge'];
  const list: SeedGuest[] = [];
  for (let i = 0; i < guests; i++) {
    const vmid = 1000 + i;
    const lxc = rnd() < 0.25;
    const tags = tagPool.filter(() => rnd() < 0.15);
    list.push({
      vmid,
      type: lxc ? 'lxc' : 'qemu',
      node: nodeNames[i % nodeNames.length],
      name: `${lxc ? 'ct' : 'vm'}-${vmid}`,
      status: rnd() < 0.7 ? 'running' : 'stopped',
      template: !lxc && rnd() < 0.02,
      tags,
      agent: lxc ? 'none' : rnd() < 0.6 ? 'running' : 'none',
      cores: 1 + Math.floor(rnd() * 8),
      memoryMiB: 512 * (1 + Math.floor(rnd() * 32)),
      diskGiB: 8 * (1 + Math.floor(rnd() * 32)),
      ...(rnd() < 0.2 ? { pool: 'pool-a' } : {}),
    });
  }
  return { nodes: nodeNames.map((node) => ({ node })), pools: ['pool-a'], guests: list };
}

export interface SimCredentials {
  /** Token handles by role: admin (Administrator on /), auditor (PVEAuditor on /), operator, limited. */
  tokens: Record<'admin' | 'auditor' | 'operator' | 'limited', { id: string; secret: string }>;
  users: Record<'root', { user: string; password: string }>;
}

/** API tokens with per-path privileges, fresh secrets on each start. */
export function addCredentials(state: SimState): SimCredentials {
  const defs = {
    admin: { id: 'root@pam!proxmox-iac', acl: aclFromRoles([{ path: '/', role: 'Administrator' }]) },
    auditor: { id: 'auditor@pve!readonly', acl: aclFromRoles([{ path: '/', role: 'PVEAuditor' }]) },
    operator: {
      id: 'terraform@pve!opentofu',
      acl: aclFromRoles([
        { path: '/', role: 'PVEAuditor' },
        { path: '/vms', role: 'PVEVMAdmin' },
        { path: '/storage', role: 'PVEDatastoreUser' },
        { path: '/pool', role: 'PVEVMAdmin' },
      ]),
    },
    // Sees only the `fleet` pool's guests, no node figures, no storage: the privilege-filtered view.
    limited: { id: 'dev@pve!fleet', acl: aclFromRoles([{ path: '/pool/fleet', role: 'PVEVMUser' }]) },
  } as const;
  const tokens = {} as SimCredentials['tokens'];
  for (const [k, d] of Object.entries(defs) as [keyof typeof defs, (typeof defs)[keyof typeof defs]][]) {
    const secret = randomUUID();
    state.tokens.set(d.id, { id: d.id, secret, acl: [...d.acl] });
    tokens[k] = { id: d.id, secret };
  }
  const password = randomUUID().slice(0, 18);
  state.users.set('root@pam', { userid: 'root@pam', password, acl: aclFromRoles([{ path: '/', role: 'Administrator' }]) });
  return { tokens, users: { root: { user: 'root@pam', password } } };
}
