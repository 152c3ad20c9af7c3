/**
 * "Proxmox: Provision VM from Template…": connection and node → template → name → VMID → size → storage →
 * cloud-init user → SSH keys → network → DNS → full or linked clone → summary. Built on the Add Connection
 * wizard's steps (connections/steps.ts): Back keeps every answer, each step checks its answer with the pure
 * checks of core/provision/answers.ts.
 */
import * as vscode from 'vscode';
import type { PveApi } from '../../core/pve/api';
import type { Guest } from '../../core/pve/types';
import {
  checkCiUser,
  checkDisk,
  checkName,
  checkNameservers,
  checkVmid,
  parseIpConfig,
  parseSize,
  suggestVmid,
  type CloudInitAnswers,
  type IpChoice,
  type ProvisionAnswers,
  type TakenIds,
} from '../../core/provision/answers';
import { templateFacts, type TemplateFacts } from '../../core/provision/template';
import type { ConnectionSettings } from '../connections/store';
import { inputStep, pickStep, WizardBack, type PickItem } from '../connections/steps';
import { keysFromFile, sshKeySources, workspacePresets } from './sources';

export const WIZARD_TITLE = 'Provision VM from Template';
const TOTAL = 12;

export interface WizardContext {
  readonly connections: readonly ConnectionSettings[];
  readonly api: (c: ConnectionSettings) => Promise<PveApi>;
  /** What is taken, for the connection's live guests. */
  readonly taken: (c: ConnectionSettings, live: readonly Guest[]) => Promise<TakenIds>;
}

/** What the summary step chose. */
export type WizardAction = 'provision' | 'dry-run' | 'write-only';

export interface WizardResult {
  readonly connection: ConnectionSettings;
  readonly answers: ProvisionAnswers;
  readonly facts: TemplateFacts;
  readonly action: WizardAction;
}

interface State {
  connection?: ConnectionSettings;
  node?: string;
  live?: Guest[];
  taken?: TakenIds;
  template?: Guest;
  facts?: TemplateFacts;
  name?: string;
  vmid?: number;
  size?: { cores: number; memory: number; diskGiB: number; preset?: string };
  storage?: string | null;
  ciUser?: string;
  sshKeys?: readonly string[];
  ip?: IpChoice;
  ipText?: string;
  dns?: string;
  full?: boolean;
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(bytes >= 100 * 1024 ** 3 ? 0 : 1)} GiB`;
}

function describeFacts(f: TemplateFacts): string {
  return [f.agent ? '$(check) guest agent enabled' : '$(warning) no guest agent: the IP cannot be read', f.cloudInit ? '$(check) cloud-init drive' : '$(warning) no cloud-init drive: user, keys and network cannot be set', f.diskGiB !== undefined ? `${f.bootDisk} ${f.diskGiB} GiB` : ''].filter(Boolean).join(' · ');
}

export async function runProvisionWizard(ctx: WizardContext, preset?: { connectionId?: string; templateVmid?: number }): Promise<WizardResult | undefined> {
  const s: State = {};
  const at = (step: number) => ({ title: WIZARD_TITLE, step, totalSteps: TOTAL });
  let step = 1;
  while (step <= TOTAL) {
    try {
      const go = await ask(step);
      if (go === undefined) return undefined;
      step = go;
    } catch (err) {
      if (!(err instanceof WizardBack)) throw err;
      step = back(step);
    }
  }
  return summary();

  /** Steps 7–10 are only asked when the template has a cloud-init drive. */
  function back(from: number): number {
    let to = Math.max(1, from - 1);
    if (to >= 7 && to <= 10 && !s.facts?.cloudInit) to = 6;
    return to;
  }

  function next(from: number): number {
    let to = from + 1;
    if (to === 7 && !s.facts?.cloudInit) to = 11;
    return to;
  }

  async function ask(n: number): Promise<number | undefined> {
    switch (n) {
      case 1: {
        const items: PickItem<{ c: ConnectionSettings; node: string }>[] = [];
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Reading the clusters’ nodes…' }, async () => {
          for (const c of ctx.connections) {
            try {
              const nodes = await (await ctx.api(c)).nodes();
              for (const nd of nodes) items.push({ label: `${c.name} · ${nd.node}`, description: nd.status, detail: nd.status === 'online' ? undefined : 'offline: the VM could not start there', value: { c, node: nd.node } });
            } catch (err) {
              items.push({ label: `$(error) ${c.name}`, detail: `Cannot list its nodes: ${err instanceof Error ? err.message : String(err)}` });
            }
          }
        });
        if (!items.some((i) => i.value)) {
          void vscode.window.showWarningMessage('No connection can list its nodes. Add or fix a connection (Proxmox: Add Connection) and try again.');
          return undefined;
        }
        const v = await pickStep(at(1), 'Connection and node the new VM runs on', items, {
          active: (i) => i.value?.c.id === (s.connection?.id ?? preset?.connectionId) && (s.node === undefined || i.value?.node === s.node),
        });
        if (!v) return undefined;
        if (v.c.id !== s.connection?.id) {
          s.live = undefined;
          s.template = undefined;
        }
        s.connection = v.c;
        s.node = v.node;
        return next(1);
      }
      case 2: {
        const api = await ctx.api(s.connection!);
        const snapshot = await api.clusterResources();
        s.live = [...snapshot.guests];
        s.taken = await ctx.taken(s.connection!, s.live);
        const templates = s.live.filter((g) => g.template && g.type === 'qemu').sort((a, b) => a.vmid - b.vmid);
        if (!templates.length) {
          void vscode.window.showWarningMessage(`"${s.connection!.name}" has no VM templates. Convert a prepared VM to a template first (Convert to Template in the explorer).`);
          return undefined;
        }
        const facts = new Map<number, TemplateFacts>();
        await Promise.all(templates.map(async (t) => facts.set(t.vmid, templateFacts(await api.config({ node: t.node, type: 'qemu', vmid: t.vmid }).catch(() => ({}))))));
        const items = templates.map((t) => ({ label: `${t.vmid} ${t.name}`, description: t.node === s.node ? t.node : `${t.node} (cloned across nodes)`, detail: describeFacts(facts.get(t.vmid)!), value: t }));
        const v = await pickStep(at(2), 'Template to clone', items, { active: (i) => i.value?.vmid === (s.template?.vmid ?? preset?.templateVmid) });
        if (!v) return undefined;
        s.template = v;
        s.facts = facts.get(v.vmid);
        return next(2);
      }
      case 3: {
        const v = await inputStep(at(3), { prompt: 'Name of the new VM (lower-case letters, digits and "-")', value: s.name, placeholder: 'web-1', validate: (x) => checkName(x.trim(), s.taken) });
        if (v === undefined) return undefined;
        s.name = v.trim();
        return next(3);
      }
      case 4: {
        const api = await ctx.api(s.connection!);
        const clusterNext = await api.nextId().catch(() => undefined);
        const suggested = s.vmid ?? suggestVmid(s.taken!, clusterNext);
        const v = await inputStep(at(4), {
          prompt: `VMID (suggested: ${suggested ?? 'none free in the configured ranges'}; used, declared and read-only VMIDs are refused)`,
          value: suggested !== undefined ? String(suggested) : '',
          validate: (x) => (/^\d+$/.test(x.trim()) ? checkVmid(Number(x.trim()), s.taken!) : 'Enter a VMID (a whole number, e.g. 120).'),
        });
        if (v === undefined) return undefined;
        s.vmid = Number(v.trim());
        return next(4);
      }
      case 5: {
        const presets = await workspacePresets();
        const t = s.template!;
        const tDisk = s.facts?.diskGiB ?? Math.round(t.maxdisk / 1024 ** 3);
        type Size = NonNullable<State['size']>;
        const items: PickItem<Size>[] = presets.map((p) => ({
          label: `$(package) ${p.name}`,
          description: `${p.cores} cores · ${p.memory} MiB · ${p.diskGiB} GiB`,
          detail: checkDisk(p.diskGiB, s.facts?.diskGiB) ?? `site-config preset (${p.file})`,
          ...(checkDisk(p.diskGiB, s.facts?.diskGiB) ? {} : { value: { cores: p.cores, memory: p.memory, diskGiB: p.diskGiB, preset: p.name } }),
        }));
        items.push({ label: '$(copy) Same as the template', description: `${t.maxcpu} cores · ${Math.round(t.maxmem / 1024 ** 2)} MiB · ${tDisk} GiB`, value: { cores: t.maxcpu, memory: Math.round(t.maxmem / 1024 ** 2), diskGiB: Math.ceil(tDisk) } });
        const v = await pickStep<Size>(at(5), 'Size: a preset, or type cores, memory (MiB) and disk (GiB), e.g. "2 2048 32"', items, {
          typed: (text) => {
            const r = parseSize(text);
            if (typeof r === 'string') return [{ label: `$(error) ${r}` }];
            const disk = checkDisk(r.diskGiB, s.facts?.diskGiB);
            return disk ? [{ label: `$(error) ${disk}` }] : [{ label: `${r.cores} cores · ${r.memory} MiB · ${r.diskGiB} GiB`, description: 'use this size', value: r }];
          },
          active: (i) => (s.size?.preset ? i.value?.preset === s.size.preset : false),
        });
        if (!v) return undefined;
        s.size = v;
        return next(5);
      }
      case 6: {
        const storages = (await (await ctx.api(s.connection!)).storages(s.node!)).filter((x) => x.content.includes('images'));
        const items: PickItem<string | null>[] = [
          { label: '$(link) The template’s storage', detail: 'Required for a linked clone; a full clone copies the disks next to the template’s.', value: null },
          ...storages.map((x) => ({ label: x.storage, description: `${gib(Math.max(0, x.maxdisk - x.disk))} free of ${gib(x.maxdisk)}`, detail: `${x.plugintype ?? ''}${x.shared ? ' · shared' : ''}`, value: x.storage })),
        ];
        const v = await pickStep(at(6), `Storage on ${s.node} for the new VM’s disks (only storages that hold images)`, items, { active: (i) => i.value === s.storage });
        if (v === undefined) return undefined;
        s.storage = v;
        return next(6);
      }
      case 7: {
        const v = await inputStep(at(7), { prompt: 'Cloud-init user (empty: the image’s default user)', value: s.ciUser ?? '', placeholder: 'debian', validate: (x) => checkCiUser(x.trim()) });
        if (v === undefined) return undefined;
        s.ciUser = v.trim();
        return next(7);
      }
      case 8: {
        const sources = await sshKeySources();
        const items: PickItem<readonly string[] | 'file'>[] = [
          ...sources.map((k) => ({ label: `$(key) ${k.label}`, detail: k.keys.map((x) => x.split(' ').slice(0, 1).concat(x.split(' ').slice(2)).join(' ')).join(', '), value: k.keys })),
          { label: '$(folder-opened) Choose a public key file…', value: 'file' as const },
          { label: 'No SSH keys', detail: 'Keep the template’s (or none)', value: [] },
        ];
        const v = await pickStep(at(8), 'SSH public keys for the cloud-init user', items);
        if (v === undefined) return undefined;
        if (v === 'file') {
          const uri = (await vscode.window.showOpenDialog({ canSelectMany: false, title: 'Public key file', filters: { 'Public keys': ['pub'], 'All files': ['*'] } }))?.[0];
          if (!uri) return 8;
          const { keys, bad } = await keysFromFile(uri);
          if (!keys.length) {
            void vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(uri)} holds no OpenSSH public key${bad.length ? ` (not a key: ${bad[0]})` : ''}. Choose the .pub file.`);
            return 8;
          }
          s.sshKeys = keys;
        } else s.sshKeys = v;
        return next(8);
      }
      case 9: {
        const items: PickItem<IpChoice>[] = [{ label: 'DHCP', description: 'ip=dhcp', value: { dhcp: true } }];
        if (s.ipText) items.unshift({ label: s.ipText, description: 'current', value: s.ip! });
        const v = await pickStep(at(9), 'Network: DHCP, or type a static address: ip=192.168.1.50/24,gw=192.168.1.1', items, {
          typed: (text) => {
            const r = parseIpConfig(text);
            return typeof r === 'string' ? [{ label: `$(error) ${r}` }] : [{ label: 'dhcp' in r ? 'DHCP' : `ip=${r.cidr}${r.gw ? `,gw=${r.gw}` : ''}`, description: 'use this', value: r }];
          },
          active: (i) => i.description === 'current',
        });
        if (!v) return undefined;
        s.ip = v;
        s.ipText = 'dhcp' in v ? undefined : `ip=${v.cidr}${v.gw ? `,gw=${v.gw}` : ''}`;
        return next(9);
      }
      case 10: {
        const v = await inputStep(at(10), { prompt: 'DNS servers, separated by spaces (empty: keep the template’s / the host’s)', value: s.dns ?? '', placeholder: '1.1.1.1 9.9.9.9', validate: (x) => (x.trim() ? checkNameservers(x) : undefined) });
        if (v === undefined) return undefined;
        s.dns = v.trim();
        return next(10);
      }
      case 11: {
        const linkedOk = s.storage === null;
        const items: PickItem<boolean>[] = [
          { label: 'Full clone', description: 'independent copy of every disk', detail: s.storage ? `Disks go to ${s.storage}.` : undefined, value: true },
          linkedOk
            ? { label: 'Linked clone', description: 'fast, shares the template’s disks', value: false }
            : { label: '$(circle-slash) Linked clone', detail: `Not with ${s.storage} chosen: a linked clone stays on the template’s storage. Go Back to choose it.` },
        ];
        const v = await pickStep(at(11), 'Clone mode', items, { active: (i) => i.value === (s.full ?? true) });
        if (v === undefined) return undefined;
        s.full = v;
        return next(11);
      }
      default:
        return TOTAL + 1;
    }
  }

  function answers(): ProvisionAnswers {
    const ci: CloudInitAnswers | undefined = s.facts?.cloudInit
      ? { ...(s.ciUser ? { user: s.ciUser } : {}), ...(s.sshKeys?.length ? { sshKeys: s.sshKeys } : {}), ip: s.ip ?? { dhcp: true }, ...(s.dns ? { nameserver: s.dns } : {}) }
      : undefined;
    return {
      template: { node: s.template!.node, vmid: s.template!.vmid, name: s.template!.name },
      node: s.node!,
      name: s.name!,
      vmid: s.vmid!,
      cores: s.size!.cores,
      memory: s.size!.memory,
      diskGiB: s.size!.diskGiB,
      ...(s.storage && s.full ? { storage: s.storage } : {}),
      ...(ci ? { cloudInit: ci } : {}),
      full: s.full ?? true,
      ...(s.size!.preset ? { preset: s.size!.preset } : {}),
    };
  }

  async function summary(): Promise<WizardResult | undefined> {
    const a = answers();
    const lines = [
      `${a.name} (VMID ${a.vmid}) on ${a.node}, ${a.full ? 'full' : 'linked'} clone of ${a.template.vmid} ${a.template.name ?? ''}`,
      `${a.cores} cores · ${a.memory} MiB · ${a.diskGiB} GiB${a.preset ? ` (preset ${a.preset})` : ''}${a.storage ? ` on ${a.storage}` : ''}`,
      a.cloudInit ? `cloud-init: ${a.cloudInit.user ?? 'default user'}, ${a.cloudInit.sshKeys?.length ?? 0} SSH key(s), ${'dhcp' in a.cloudInit.ip ? 'DHCP' : `ip=${a.cloudInit.ip.cidr}${a.cloudInit.ip.gw ? `,gw=${a.cloudInit.ip.gw}` : ''}`}${a.cloudInit.nameserver ? `, DNS ${a.cloudInit.nameserver}` : ''}` : 'no cloud-init drive',
    ];
    for (;;) {
      try {
        const v = await pickStep<WizardAction>({ title: `${WIZARD_TITLE}: confirm`, step: TOTAL, totalSteps: TOTAL }, lines[0], [
          { label: '$(rocket) Provision', description: 'clone, configure, resize, start, wait for the IP', detail: lines.slice(1).join(' — '), value: 'provision' },
          { label: '$(list-unordered) Dry run', description: 'list the API calls, make none', value: 'dry-run' },
          { label: '$(file-code) Only add it to an IaC file', description: 'for provisioning through tofu / iac-driver', value: 'write-only' },
        ]);
        return v ? { connection: s.connection!, answers: a, facts: s.facts!, action: v } : undefined;
      } catch (err) {
        if (!(err instanceof WizardBack)) throw err;
        const again = await runFrom(11);
        if (again === undefined) return undefined;
        return again;
      }
    }
  }

  /** Back from the summary: ask again from step `n`, then show the summary again. */
  async function runFrom(n: number): Promise<WizardResult | undefined> {
    let stepN = n;
    while (stepN <= TOTAL) {
      try {
        const go = await ask(stepN);
        if (go === undefined) return undefined;
        stepN = go;
      } catch (err) {
        if (!(err instanceof WizardBack)) throw err;
        stepN = back(stepN);
      }
    }
    return summary();
  }
}
