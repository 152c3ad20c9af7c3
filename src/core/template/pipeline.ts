/**
 * Building a Proxmox template (seed 000's flow, and packer's): build the image, upload it to the node, restore
 * it as a new VM and turn that into a template. Each step reports what it does; a failed step stops the run
 * with its error; a step whose result is already there is skipped (the same image, by SHA-256, already on the
 * node; a template already built from it). Nothing is ever restored over an existing guest.
 *
 * Pure: the node (over SSH) and the cluster (over the API) are interfaces the caller provides.
 */
import { basename, posix } from 'node:path';
import { findArchive, formatBytes, parseSha256sum, sha256OfFile } from './image';

export type StepId = 'build' | 'upload' | 'vmid' | 'restore' | 'template';

export const STEP_ORDER: readonly StepId[] = ['build', 'upload', 'vmid', 'restore', 'template'];

export type StepEvent =
  | { readonly type: 'start'; readonly step: StepId; readonly title: string }
  | { readonly type: 'done'; readonly step: StepId; readonly detail: string }
  | { readonly type: 'skip'; readonly step: StepId; readonly detail: string }
  | { readonly type: 'fail'; readonly step: StepId; readonly error: string }
  | { readonly type: 'output'; readonly text: string }
  | { readonly type: 'progress'; readonly done: number; readonly total: number };

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The node, over SSH. `argv` is an argument vector: the implementation quotes every element. */
export interface TemplateNode {
  run(argv: readonly string[], o: { signal?: AbortSignal; onOutput?: (text: string) => void }): Promise<CommandResult>;
  upload(localPath: string, remotePath: string, o: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void }): Promise<void>;
}

export interface ClusterGuest {
  readonly vmid: number;
  readonly node: string;
  readonly name: string;
  readonly template: boolean;
  readonly description?: string;
}

/** The cluster, over the API. */
export interface TemplateCluster {
  guest(vmid: number, signal?: AbortSignal): Promise<ClusterGuest | undefined>;
  /** Templates (with their descriptions), to find one built from the same image. */
  templates(signal?: AbortSignal): Promise<ClusterGuest[]>;
  nextId(signal?: AbortSignal): Promise<number>;
}

export interface TemplateBuildOptions {
  /** Runs the build command; resolves with its exit status. Absent: the image is already built. */
  readonly build?: { readonly label: string; run(signal: AbortSignal, onOutput: (text: string) => void): Promise<number | null> };
  /** The archive, or the folder to find it in (absolute). */
  readonly image: string;
  /** How `image` is shown (relative to the workspace). */
  readonly imageLabel?: (path: string) => string;
  /** Folder on the node for the upload, e.g. /var/lib/vz/dump. */
  readonly remoteDir: string;
  readonly node: string;
  /** The VMID the user chose, and where it came from ("the setting", "hosts.nix templateVmid"). */
  readonly vmid?: { readonly value: number; readonly source: string };
  /** qmrestore --storage. */
  readonly storage?: string;
}

export interface TemplateBuildResult {
  readonly vmid: number;
  readonly node: string;
  readonly name: string;
  readonly sha256: string;
  readonly remotePath: string;
  readonly skipped: readonly StepId[];
}

/** Thrown for a failed step; the message is the sentence the user sees. */
export class TemplateStepError extends Error {
  override readonly name = 'TemplateStepError';
  constructor(
    readonly step: StepId,
    message: string,
  ) {
    super(message);
  }
}

export class TemplateCancelledError extends Error {
  override readonly name = 'TemplateCancelledError';
  constructor() {
    super('The template build was cancelled.');
  }
}

const MARKER = /Proxmox IaC template build: sha256 ([0-9a-f]{64})/;

/** The description the restored VM gets: it names the image, so a later run knows this template is built. */
export function templateDescription(file: string, sha256: string): string {
  return `Proxmox IaC template build: sha256 ${sha256} of ${basename(file)}`;
}

/** The image hash a guest's description says it was built from. */
export function builtFrom(description: string | undefined): string | undefined {
  return description ? MARKER.exec(description)?.[1] : undefined;
}

/** What the VMID step decides for a candidate VMID and the guest that has it (if any). */
export type VmidDecision =
  | { readonly action: 'restore' }
  | { readonly action: 'template-only'; readonly guest: ClusterGuest }
  | { readonly action: 'done'; readonly guest: ClusterGuest }
  | { readonly action: 'refuse'; readonly reason: string };

export function decideVmid(vmid: number, source: string, guest: ClusterGuest | undefined, sha256: string, node: string): VmidDecision {
  if (!guest) return { action: 'restore' };
  const what = `${guest.template ? 'the template' : 'the guest'} "${guest.name}" on ${guest.node}`;
  if (builtFrom(guest.description) === sha256 && guest.node === node) return guest.template ? { action: 'done', guest } : { action: 'template-only', guest };
  return {
    action: 'refuse',
    reason:
      `VMID ${vmid} (${source}) is already ${what}, not one built from this image; a template build never restores over an existing guest. ` +
      'Choose a free VMID in the "Proxmox IaC › Build Template: VMID" setting, or change templateVmid in hosts.nix (leave both unset to use the next free VMID).',
  };
}

function lastLines(r: CommandResult): string {
  return (r.stderr.trim() || r.stdout.trim()).split('\n').filter(Boolean).slice(-3).join(' / ') || 'no output';
}

export async function buildTemplate(o: TemplateBuildOptions, node: TemplateNode, cluster: TemplateCluster, report: (e: StepEvent) => void, signal: AbortSignal): Promise<TemplateBuildResult> {
  const skipped: StepId[] = [];
  const check = () => {
    if (signal.aborted) throw new TemplateCancelledError();
  };
  let step: StepId = 'build';
  const fail = (message: string): never => {
    throw new TemplateStepError(step, message);
  };
  const output = (text: string) => report({ type: 'output', text });
  const checked = async (argv: readonly string[], stream = false): Promise<CommandResult> => {
    const r = await node.run(argv, { signal, ...(stream ? { onOutput: output } : {}) });
    check();
    if (r.code !== 0) fail(`\`${argv.slice(0, 2).join(' ')}\` failed on ${o.node} (exit ${r.code ?? 'by a signal'}): ${lastLines(r)}`);
    return r;
  };
  try {
    // 1. Build.
    const label = o.imageLabel ?? ((p: string) => p);
    if (o.build) {
      report({ type: 'start', step, title: `Build: ${o.build.label}` });
      const code = await o.build.run(signal, output);
      check();
      if (code !== 0) fail(`\`${o.build.label}\` exited with ${code ?? 'a signal'}; its output above says why.`);
    } else {
      report({ type: 'start', step, title: `Image: ${label(o.image)}` });
    }
    const archive = await findArchive(o.image).catch((err: unknown) => fail((err as Error).message));
    if (!archive) return fail(`No vzdump archive (.vma.zst, .vma …) at ${label(o.image)}. Point "Proxmox IaC › Build Template: Image" at the file or folder the build writes.`);
    const image = archive;
    const sha256 = await sha256OfFile(image.path, signal);
    check();
    report({ type: 'done', step, detail: `${label(image.path)} (${formatBytes(image.size)}, sha256 ${sha256.slice(0, 12)}…)` });

    // 2. Upload, unless the node already has these bytes.
    step = 'upload';
    const remotePath = posix.join(o.remoteDir, basename(image.path));
    report({ type: 'start', step, title: `Upload to ${o.node}:${remotePath}` });
    const there = await node.run(['sha256sum', '--', remotePath], { signal });
    check();
    if (there.code === 0 && parseSha256sum(there.stdout) === sha256) {
      skipped.push(step);
      report({ type: 'skip', step, detail: 'the node already has this image (same sha256)' });
    } else {
      await checked(['mkdir', '-p', '--', o.remoteDir]);
      await node.upload(image.path, remotePath, { signal, onProgress: (done, total) => report({ type: 'progress', done, total }) });
      check();
      const after = await checked(['sha256sum', '--', remotePath]);
      if (parseSha256sum(after.stdout) !== sha256) fail(`The uploaded ${remotePath} does not have the image's sha256; check the free space on ${o.node} and run the build again.`);
      report({ type: 'done', step, detail: `${formatBytes(image.size)} uploaded, sha256 checked` });
    }

    // 3. VMID: the chosen one, else a template already built from this image, else the next free one.
    step = 'vmid';
    report({ type: 'start', step, title: 'Choose the VMID' });
    let vmid: number;
    let source: string;
    if (o.vmid) {
      vmid = o.vmid.value;
      source = o.vmid.source;
    } else {
      const built = (await cluster.templates(signal)).find((g) => builtFrom(g.description) === sha256 && g.node === o.node);
      check();
      if (built) {
        vmid = built.vmid;
        source = 'a template already built from this image';
      } else {
        vmid = await cluster.nextId(signal);
        source = 'the next free VMID';
      }
    }
    const decision = decideVmid(vmid, source, await cluster.guest(vmid, signal), sha256, o.node);
    check();
    if (decision.action === 'refuse') return fail(decision.reason);
    report({ type: 'done', step, detail: `${vmid} (${source})` });

    // 4. Restore (with the image's hash in the description, for the next run), 5. template.
    step = 'restore';
    const restoreArgv = ['qmrestore', remotePath, String(vmid), '--unique', 'true', ...(o.storage ? ['--storage', o.storage] : [])];
    report({ type: 'start', step, title: `Restore: ${restoreArgv.join(' ')}` });
    if (decision.action === 'restore') {
      await checked(restoreArgv, true);
      await checked(['qm', 'set', String(vmid), '--description', templateDescription(image.path, sha256)]);
      report({ type: 'done', step, detail: `VM ${vmid} restored on ${o.node}` });
    } else {
      skipped.push(step);
      report({ type: 'skip', step, detail: `VM ${vmid} ("${decision.guest.name}") was already restored from this image` });
    }
    step = 'template';
    report({ type: 'start', step, title: `Template: qm template ${vmid}` });
    if (decision.action === 'done') {
      skipped.push(step);
      report({ type: 'skip', step, detail: `VM ${vmid} is already a template of this image` });
    } else {
      await checked(['qm', 'template', String(vmid)], true);
      report({ type: 'done', step, detail: `VM ${vmid} is a template` });
    }
    const g = await cluster.guest(vmid, signal).catch(() => undefined);
    return { vmid, node: o.node, name: g?.name ?? (decision.action === 'restore' ? '' : decision.guest.name), sha256, remotePath, skipped };
  } catch (err) {
    if (signal.aborted || err instanceof TemplateCancelledError) throw new TemplateCancelledError();
    const e = err instanceof TemplateStepError ? err : new TemplateStepError(step, err instanceof Error ? err.message : String(err));
    report({ type: 'fail', step: e.step, error: e.message });
    throw e;
  }
}
