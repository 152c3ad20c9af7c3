// The pipeline's decisions with in-memory stand-ins for the node and the cluster: the order of steps, what is
// skipped, that a failure stops everything after it, and that the VMID step never picks an existing guest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTemplate, decideVmid, templateDescription, type ClusterGuest, type StepEvent, type TemplateCluster, type TemplateNode } from '../../../src/core/template/pipeline';

const dir = mkdtempSync(join(tmpdir(), 'pxiac-pipe-'));
const file = join(dir, 'vzdump-qemu-nixos.vma.zst');
writeFileSync(file, 'image');
const sha = createHash('sha256').update('image').digest('hex');

function fakes(o: { remote?: Map<string, string>; guests?: ClusterGuest[]; failOn?: string } = {}) {
  const remote = o.remote ?? new Map<string, string>();
  const guests = o.guests ?? [];
  const calls: string[][] = [];
  const node: TemplateNode = {
    run(argv) {
      calls.push([...argv]);
      if (o.failOn && argv.join(' ').startsWith(o.failOn)) return Promise.resolve({ code: 2, stdout: '', stderr: `${o.failOn}: boom` });
      if (argv[0] === 'sha256sum') {
        const h = remote.get(argv[2]);
        return Promise.resolve(h ? { code: 0, stdout: `${h}  ${argv[2]}\n`, stderr: '' } : { code: 1, stdout: '', stderr: 'No such file' });
      }
      if (argv[0] === 'qmrestore') guests.push({ vmid: Number(argv[2]), node: 'pve', name: 'nixos', template: false });
      if (argv[0] === 'qm' && argv[1] === 'set') Object.assign(guests.find((g) => g.vmid === Number(argv[2]))!, { description: argv[4] });
      if (argv[0] === 'qm' && argv[1] === 'template') Object.assign(guests.find((g) => g.vmid === Number(argv[2]))!, { template: true });
      return Promise.resolve({ code: 0, stdout: '', stderr: '' });
    },
    upload(_local, remotePath, { onProgress }) {
      calls.push(['upload', remotePath]);
      onProgress?.(5, 5);
      remote.set(remotePath, sha);
      return Promise.resolve();
    },
  };
  const cluster: TemplateCluster = {
    guest: (vmid) => Promise.resolve(guests.find((g) => g.vmid === vmid)),
    templates: () => Promise.resolve(guests.filter((g) => g.template)),
    nextId: () => Promise.resolve(100 + guests.length),
  };
  return { node, cluster, calls, guests, remote };
}

async function run(f: ReturnType<typeof fakes>, extra: { vmid?: { value: number; source: string }; build?: number } = {}) {
  const events: StepEvent[] = [];
  const build = extra.build === undefined ? undefined : { label: 'nix build .#proxmox-template', run: () => Promise.resolve(extra.build!) };
  const result = await buildTemplate({ image: dir, remoteDir: '/var/lib/vz/dump', node: 'pve', ...(build ? { build } : {}), ...(extra.vmid ? { vmid: extra.vmid } : {}) }, f.node, f.cluster, (e) => events.push(e), new AbortController().signal).catch((e: Error) => e);
  return { result, events, steps: events.filter((e) => e.type !== 'output' && e.type !== 'progress' && e.type !== 'start').map((e) => `${e.step}:${e.type}`) };
}

test('a first run does every step in order, with quoted-as-arguments commands', async () => {
  const f = fakes();
  const r = await run(f, { build: 0 });
  assert.deepEqual(r.steps, ['build:done', 'upload:done', 'vmid:done', 'restore:done', 'template:done']);
  assert.deepEqual(f.calls, [
    ['sha256sum', '--', '/var/lib/vz/dump/vzdump-qemu-nixos.vma.zst'],
    ['mkdir', '-p', '--', '/var/lib/vz/dump'],
    ['upload', '/var/lib/vz/dump/vzdump-qemu-nixos.vma.zst'],
    ['sha256sum', '--', '/var/lib/vz/dump/vzdump-qemu-nixos.vma.zst'],
    ['qmrestore', '/var/lib/vz/dump/vzdump-qemu-nixos.vma.zst', '100', '--unique', 'true'],
    ['qm', 'set', '100', '--description', templateDescription(file, sha)],
    ['qm', 'template', '100'],
  ]);
});

test('a failed build stops before anything reaches the node', async () => {
  const f = fakes();
  const r = await run(f, { build: 1 });
  assert.deepEqual(r.steps, ['build:fail']);
  assert.match((r.result as Error).message, /`nix build \.#proxmox-template` exited with 1/);
  assert.deepEqual(f.calls, []);
});

test('a failed restore stops the run; the template step never runs', async () => {
  const f = fakes({ failOn: 'qmrestore' });
  const r = await run(f);
  assert.deepEqual(r.steps, ['build:done', 'upload:done', 'vmid:done', 'restore:fail']);
  assert.match((r.result as Error).message, /`qmrestore \/var\/lib\/vz\/dump\/vzdump-qemu-nixos\.vma\.zst` failed on pve \(exit 2\): qmrestore: boom/);
  assert.ok(!f.calls.some((c) => c[0] === 'qm'));
});

test('the same image on the node and a template built from it: everything after the build is skipped', async () => {
  const f = fakes({ remote: new Map([['/var/lib/vz/dump/vzdump-qemu-nixos.vma.zst', sha]]), guests: [{ vmid: 9000, node: 'pve', name: 'nixos', template: true, description: templateDescription(file, sha) }] });
  const r = await run(f);
  assert.deepEqual(r.steps, ['build:done', 'upload:skip', 'vmid:done', 'restore:skip', 'template:skip']);
  assert.equal((r.result as { vmid: number }).vmid, 9000, 'found by its description, without a configured VMID');
});

test('a different image on the node under the same name is uploaded again', async () => {
  const f = fakes({ remote: new Map([['/var/lib/vz/dump/vzdump-qemu-nixos.vma.zst', 'f'.repeat(64)]]) });
  const r = await run(f);
  assert.equal(r.steps[1], 'upload:done');
});

test('decideVmid: free → restore; built from this image → resume; anything else → refuse', () => {
  const mine = { vmid: 9000, node: 'pve', name: 'nixos', template: false, description: templateDescription(file, sha) };
  assert.deepEqual(decideVmid(9000, 's', undefined, sha, 'pve'), { action: 'restore' });
  assert.equal(decideVmid(9000, 's', mine, sha, 'pve').action, 'template-only');
  assert.equal(decideVmid(9000, 's', { ...mine, template: true }, sha, 'pve').action, 'done');
  assert.equal(decideVmid(9000, 's', { ...mine, description: templateDescription(file, 'a'.repeat(64)) }, sha, 'pve').action, 'refuse');
  assert.equal(decideVmid(9000, 's', mine, sha, 'other-node').action, 'refuse');
  const refused = decideVmid(9000, 'the setting', { vmid: 9000, node: 'pve', name: 'web', template: false }, sha, 'pve');
  assert.equal(refused.action, 'refuse');
  assert.match(refused.action === 'refuse' ? refused.reason : '', /VMID 9000 \(the setting\) is already the guest "web" on pve/);
});
