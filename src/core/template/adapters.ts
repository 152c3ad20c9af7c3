/** The pipeline's node and cluster (pipeline.ts) over the real transports: an SSH session and the PVE API. */
import type { PveApi } from '../pve/api';
import type { Guest } from '../pve/types';
import type { SshSession } from '../ssh/session';
import type { ClusterGuest, TemplateCluster, TemplateNode } from './pipeline';

/** Commands go to `SshSession.exec` as argument vectors: each argument is single-quoted there (ssh/quote.ts). */
export function sshTemplateNode(session: SshSession): TemplateNode {
  return {
    async run(argv, o) {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const r = await session.exec(argv, {
        ...(o.signal ? { signal: o.signal } : {}),
        onStdout: (d) => {
          out.push(d);
          o.onOutput?.(d.toString('utf8'));
        },
        onStderr: (d) => {
          err.push(d);
          o.onOutput?.(d.toString('utf8'));
        },
      });
      return { code: r.code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
    },
    async upload(localPath, remotePath, o) {
      await session.upload(localPath, remotePath, { ...(o.signal ? { signal: o.signal } : {}), ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
    },
  };
}

async function withDescription(api: PveApi, g: Guest, signal?: AbortSignal): Promise<ClusterGuest> {
  const config = await api.config({ node: g.node, type: g.type, vmid: g.vmid }, { ...(signal ? { signal } : {}) });
  const description = typeof config.description === 'string' ? config.description : undefined;
  return { vmid: g.vmid, node: g.node, name: g.name, template: g.template, ...(description !== undefined ? { description } : {}) };
}

export function apiTemplateCluster(api: PveApi): TemplateCluster {
  const o = (signal?: AbortSignal) => (signal ? { signal } : {});
  return {
    async guest(vmid, signal) {
      const g = (await api.clusterResources(o(signal))).guests.find((x) => x.vmid === vmid);
      return g ? withDescription(api, g, signal) : undefined;
    },
    async templates(signal) {
      const templates = (await api.clusterResources(o(signal))).guests.filter((g) => g.template && g.type === 'qemu');
      return Promise.all(templates.map((g) => withDescription(api, g, signal)));
    },
    nextId: (signal) => api.nextId(o(signal)),
  };
}
