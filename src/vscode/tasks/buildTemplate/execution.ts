import * as vscode from 'vscode';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { readBoundedText } from '../../../core/fs/boundedRead';
import type { PveApi } from '../../../core/pve/api';
import type { SshSession } from '../../../core/ssh/session';
import { apiTemplateCluster, sshTemplateNode } from '../../../core/template/adapters';
import { readProxmoxBlock, type ProxmoxBlock } from '../../../core/template/hostsNix';
import { buildTemplate, TemplateCancelledError, TemplateStepError, type StepEvent, type TemplateNode } from '../../../core/template/pipeline';
import { errorMessage } from '../../util/log';
import type { ClusterAccess, TaskServices } from '../taskServices';
import { connectToNode } from './connect';
import { offerTemplateVmidUpdate } from './hostsNixOffer';
import { buildTemplateSettings, type BuildTemplateSettings } from './settings';
import { crlf, StepWriter } from './terminalWriter';

export interface TemplateBuildContext {
  readonly services: TaskServices;
  /** The build command (argv: program first), run in `workspaceDir`. */
  readonly buildArgv: readonly string[];
  readonly workspaceDir: string;
  /** The task's name, for the progress notification. */
  readonly label: string;
}

class PrepareError extends Error {}

interface Target {
  readonly api: PveApi;
  readonly node: string;
  readonly sshHost: string;
  readonly vmid?: { readonly value: number; readonly source: string };
  readonly storage?: string;
  readonly connection: string;
}

/** Runs the build command with an argv (no shell), its output to the terminal; SIGTERM when cancelled. */
function runBuild(argv: readonly string[], cwd: string, signal: AbortSignal, onOutput: (text: string) => void): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE;
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGTERM' });
    child.stdout.setEncoding('utf8').on('data', onOutput);
    child.stderr.setEncoding('utf8').on('data', onOutput);
    child.on('error', (err: NodeJS.ErrnoException) => (err.name === 'AbortError' ? resolve(null) : reject(new Error(`Could not start ${argv[0]}: ${err.message}`))));
    child.on('close', (code) => resolve(code));
  });
}

/** The cluster, node, SSH host and VMID the template goes to: settings first, then hosts.nix `_proxmox`, then the cluster. */
async function resolveTarget(clusters: ClusterAccess | undefined, s: BuildTemplateSettings, block: ProxmoxBlock | undefined, signal: AbortSignal): Promise<Target> {
  const connection = clusters?.store.active();
  if (!clusters || !connection) throw new PrepareError('Add a Proxmox connection first (Proxmox: Add Connection…): the build asks the cluster which VMIDs are free.');
  const api = await clusters.pool.get(connection);
  let node = s.node || block?.node;
  if (!node) {
    const nodes = (await api.nodes({ signal })).map((n) => n.node);
    node = nodes.length === 1 ? nodes[0] : await vscode.window.showQuickPick(nodes, { title: 'Which node gets the template?', placeHolder: 'Set "Proxmox IaC › Build Template: Node" (or _proxmox.node in hosts.nix) to skip this question' });
    if (!node) throw new TemplateCancelledError();
  }
  const vmid = s.vmid > 0 ? { value: s.vmid, source: 'the "Build Template: VMID" setting' } : block?.templateVmid !== undefined ? { value: block.templateVmid, source: 'hosts.nix templateVmid' } : undefined;
  const storage = s.storage || block?.defaultStorage;
  return { api, node, sshHost: s.sshHost || block?.host || new URL(connection.url).hostname, connection: connection.name, ...(vmid ? { vmid } : {}), ...(storage ? { storage } : {}) };
}

/**
 * The build-template task: a pseudoterminal in which the pipeline (core/template/pipeline.ts) runs with the
 * build command, the node over SSH (connected when the upload starts) and the cluster over the API. A
 * cancellable notification follows the steps; closing the terminal or "Cancel" stops the run.
 */
export function templateBuildExecution(ctx: TemplateBuildContext): vscode.CustomExecution {
  return new vscode.CustomExecution(() => {
    const write = new vscode.EventEmitter<string>();
    const done = new vscode.EventEmitter<number>();
    const controller = new AbortController();
    const pty: vscode.Pseudoterminal = {
      onDidWrite: write.event,
      onDidClose: done.event,
      open: () => void run(ctx, (t) => write.fire(t), controller).then((code) => done.fire(code)),
      close: () => controller.abort(),
    };
    return Promise.resolve(pty);
  });
}

async function run(ctx: TemplateBuildContext, write: (text: string) => void, controller: AbortController): Promise<number> {
  const { services, workspaceDir } = ctx;
  const s = buildTemplateSettings(services.config);
  const writer = new StepWriter(write);
  const hostsNix = join(workspaceDir, 'hosts.nix');
  const rel = (p: string) => relative(workspaceDir, p) || '.';
  let session: SshSession | undefined;
  try {
    const text = existsSync(hostsNix) ? await readBoundedText(hostsNix) : undefined;
    const block = text === undefined ? undefined : readProxmoxBlock(text);
    const target = await resolveTarget(services.clusters, s, block, controller.signal);
    write(crlf(`Template for node ${target.node} of ${target.connection}, over SSH as ${s.sshUser}@${target.sshHost}${s.sshPort === 22 ? '' : `:${s.sshPort}`}\n`));
    const sessionFor = async () => (session ??= await connectToNode(target.sshHost, s, controller.signal));
    const node: TemplateNode = {
      run: async (argv, o) => sshTemplateNode(await sessionFor()).run(argv, o),
      upload: async (l, r, o) => sshTemplateNode(await sessionFor()).upload(l, r, o),
    };
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: ctx.label, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        let shown = 0;
        const report = (e: StepEvent) => {
          writer.event(e);
          if (e.type === 'start') progress.report({ message: e.title });
          if (e.type === 'progress' && e.total > 0) {
            const pct = Math.floor((e.done / e.total) * 100);
            if (pct > shown) progress.report({ increment: pct - shown, message: `Uploading: ${pct} %` });
            shown = Math.max(shown, pct);
          }
        };
        return buildTemplate(
          {
            build: { label: ctx.buildArgv.join(' '), run: (signal, onOutput) => runBuild(ctx.buildArgv, workspaceDir, signal, onOutput) },
            image: isAbsolute(s.image) ? s.image : join(workspaceDir, s.image),
            imageLabel: rel,
            remoteDir: s.remoteDir,
            node: target.node,
            ...(target.vmid ? { vmid: target.vmid } : {}),
            ...(target.storage ? { storage: target.storage } : {}),
          },
          node,
          apiTemplateCluster(target.api),
          report,
          controller.signal,
        );
      },
    );
    const name = result.name ? ` ("${result.name}")` : '';
    const ready = `Template ${result.vmid}${name} is ready on ${result.node}.`;
    write(crlf(`\n\x1b[1;32m${ready}\x1b[0m\n`));
    services.log.info(`${ctx.label}: ${ready} Skipped: ${result.skipped.join(', ') || 'nothing'}.`);
    void vscode.commands.executeCommand('proxmoxIac.explorer.refresh');
    if (existsSync(hostsNix)) void offerTemplateVmidUpdate(hostsNix, result.vmid, ready);
    else void vscode.window.showInformationMessage(ready);
    return 0;
  } catch (err) {
    if (err instanceof TemplateCancelledError || controller.signal.aborted) {
      write(crlf('\nThe template build was cancelled.\n'));
      return 130;
    }
    const message = errorMessage(err);
    if (!(err instanceof TemplateStepError)) write(crlf(`\x1b[31m✗ ${message}\x1b[0m\n`));
    services.log.error(`${ctx.label} failed`, err instanceof Error ? (err.stack ?? err.message) : err);
    const where = err instanceof TemplateStepError ? ` at the ${err.step} step` : '';
    void vscode.window.showErrorMessage(`${ctx.label} stopped${where}: ${message}`);
    return 1;
  } finally {
    session?.close();
  }
}
