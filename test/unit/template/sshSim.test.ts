// The template build against a real OpenSSH server and the simulator: the upload goes over SFTP, `sha256sum`,
// `qmrestore` and `qm` run over SSH (the fake qmrestore/qm on the server's PATH call the simulator's API, as the
// real ones change the node), and the cluster is asked over the API. What a user would notice is checked: the
// template VM exists in the cluster afterwards, a re-run skips every step, an existing guest is never restored
// over, and a hostile file name stays one argument.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PveClient } from '../../../src/core/pve/client';
import { SshSession } from '../../../src/core/ssh';
import { apiTemplateCluster, sshTemplateNode } from '../../../src/core/template/adapters';
import { buildTemplate, builtFrom, type StepEvent, type TemplateBuildOptions } from '../../../src/core/template/pipeline';
import { startSimulator, type RunningSimulator } from '../../../src/sim';
import { startSshd, type TestSshd } from '../../support/sshd';

let sim: RunningSimulator;
let sshd: TestSshd;
let session: SshSession;
let api: PveClient;
let work: string;
let remoteDir: string;

before(async () => {
  sim = await startSimulator({ seed: 'demo', taskDurationMs: 50 });
  work = mkdtempSync(join(tmpdir(), 'pxiac-tmpl-'));
  const caFile = join(work, 'sim.pem');
  writeFileSync(caFile, sim.certificate);
  sshd = await startSshd({
    sessionEnv: { PVE_SIM_URL: sim.url, PVE_SIM_TOKEN: `${sim.tokens.admin.id}=${sim.tokens.admin.secret}`, PVE_SIM_CA_FILE: caFile, PVE_FAKE_NODE: 'prom' },
  });
  const knownHosts = join(sshd.dir, 'known_hosts');
  writeFileSync(knownHosts, `${sshd.knownHostsLine()}\n`);
  session = await SshSession.connect({ host: sshd.host, port: sshd.port, username: sshd.user, identityFiles: [sshd.clientKey.path], agent: false, knownHostsFiles: [knownHosts] });
  api = new PveClient({ url: sim.url, user: sim.tokens.admin.id, auth: 'token', fingerprint: sim.fingerprint }, sim.tokens.admin.secret, { retry: { attempts: 1 } });
  remoteDir = join(work, 'node dump $(touch pwned-dir)');
});

after(async () => {
  session?.close();
  await sshd?.stop();
  await sim?.stop();
  rmSync(work, { recursive: true, force: true });
});

function image(name: string, content: string): string {
  const dir = join(work, `result-${Math.random().toString(16).slice(2)}`);
  mkdirSync(dir);
  writeFileSync(join(dir, name), content);
  return dir;
}

async function run(o: Partial<TemplateBuildOptions> & { image: string }, signal = new AbortController().signal) {
  const events: StepEvent[] = [];
  const result = await buildTemplate({ remoteDir, node: 'prom', ...o }, sshTemplateNode(session), apiTemplateCluster(api), (e) => events.push(e), signal);
  return { result, events };
}

const outcome = (events: StepEvent[]) => events.filter((e) => e.type === 'done' || e.type === 'skip' || e.type === 'fail').map((e) => `${e.step}:${e.type}`);

test('builds a template from a hostile-named archive, and a second run skips every step', async () => {
  const hostile = "vzdump-qemu-nixos-'; touch pwned-quote; '$(touch pwned-subst).vma.zst";
  const dir = image(hostile, 'fake vma zst bytes 1');
  const nextId = await api.nextId();
  const first = await run({ image: dir });
  assert.deepEqual(outcome(first.events), ['build:done', 'upload:done', 'vmid:done', 'restore:done', 'template:done']);
  assert.equal(first.result.vmid, nextId, 'the next free VMID');
  assert.ok(first.events.some((e) => e.type === 'progress' && e.done === e.total && e.total > 0), 'upload progress reached 100 %');
  // What a user sees in the cluster: the template, named after the image, on the node.
  const g = (await api.clusterResources()).guests.find((x) => x.vmid === nextId);
  assert.ok(g, `VM ${nextId} exists in the cluster`);
  assert.equal(g.template, true);
  assert.equal(g.node, 'prom');
  assert.equal(builtFrom(String((await api.config({ node: 'prom', type: 'qemu', vmid: nextId })).description)), first.result.sha256);
  // The hostile name arrived as one argument: the file is on the "node" under that exact name, nothing ran.
  assert.ok(existsSync(join(remoteDir, hostile)), 'uploaded under its exact name');
  assert.deepEqual(readdirSync(remoteDir).filter((f) => f.includes('.part-')), [], 'no partial upload left');
  for (const d of [work, sshd.dir, remoteDir, process.cwd()]) assert.deepEqual(readdirSync(d).filter((f) => f.startsWith('pwned')), [], `nothing created in ${d}`);
  const restore = sshd.fakeCalls().find((c) => c.prog === 'qmrestore');
  assert.deepEqual(restore?.argv, [join(remoteDir, hostile), String(nextId), '--unique', 'true']);

  // Re-run: same image already uploaded, a template already built from it.
  sshd.clearFakeCalls();
  const second = await run({ image: dir });
  assert.deepEqual(outcome(second.events), ['build:done', 'upload:skip', 'vmid:done', 'restore:skip', 'template:skip']);
  assert.equal(second.result.vmid, nextId);
  assert.deepEqual(sshd.fakeCalls(), [], 'no qmrestore or qm ran again');
});

test('never restores over an existing guest: a VMID taken by another template stops at the VMID step', async () => {
  const dir = image('vzdump-qemu-other.vma.zst', 'fake vma zst bytes 2');
  sshd.clearFakeCalls();
  await assert.rejects(run({ image: dir, vmid: { value: 9002, source: 'hosts.nix templateVmid' } }), (err: Error) => {
    assert.match(err.message, /VMID 9002 \(hosts\.nix templateVmid\) is already the template "ubuntu-cloud-template" on prom/);
    return true;
  });
  assert.deepEqual(sshd.fakeCalls(), [], 'qmrestore never ran');
  const g = (await api.clusterResources()).guests.find((x) => x.vmid === 9002);
  assert.equal(g?.name, 'ubuntu-cloud-template', 'the existing template is untouched');
});

test('a failed step stops the run with its error; the next run resumes after what is done', async () => {
  const dir = image('vzdump-qemu-resume.vma.zst', 'fake vma zst bytes 3');
  // VM 111 is stopped and not a template; restoring onto a free VMID works, but `qm template` of a running VM fails.
  const vmid = 4242;
  const events: StepEvent[] = [];
  // Start the restored VM between restore and template through the API, as a user might: qm template then refuses.
  const node = sshTemplateNode(session);
  const startingNode = {
    ...node,
    async run(argv: readonly string[], o: { signal?: AbortSignal; onOutput?: (t: string) => void }) {
      if (argv[0] === 'qm' && argv[1] === 'template') {
        const upid = await api.power({ node: 'prom', type: 'qemu', vmid }, 'start');
        await api.waitForTask(upid);
      }
      return node.run(argv, o);
    },
  };
  await assert.rejects(
    buildTemplate({ image: dir, remoteDir, node: 'prom', vmid: { value: vmid, source: 'the setting' } }, startingNode, apiTemplateCluster(api), (e) => events.push(e), new AbortController().signal),
    /`qm template` failed on prom \(exit 255\): .*running/,
  );
  assert.deepEqual(outcome(events), ['build:done', 'upload:done', 'vmid:done', 'restore:done', 'template:fail']);
  await api.waitForTask(await api.power({ node: 'prom', type: 'qemu', vmid }, 'stop'));
  const again = await run({ image: dir, vmid: { value: vmid, source: 'the setting' } });
  assert.deepEqual(outcome(again.events), ['build:done', 'upload:skip', 'vmid:done', 'restore:skip', 'template:done']);
  assert.equal((await api.clusterResources()).guests.find((x) => x.vmid === vmid)?.template, true);
});

test('cancelling during the upload stops the run and leaves no file on the node', async () => {
  const big = image('vzdump-qemu-big.vma.zst', 'x'.repeat(32 * 1024 * 1024));
  const controller = new AbortController();
  const events: StepEvent[] = [];
  const p = buildTemplate({ image: big, remoteDir, node: 'prom' }, sshTemplateNode(session), apiTemplateCluster(api), (e) => {
    events.push(e);
    if (e.type === 'progress' && e.done > 0 && !controller.signal.aborted) controller.abort();
  }, controller.signal);
  await assert.rejects(p, { name: 'TemplateCancelledError' });
  assert.ok(!existsSync(join(remoteDir, 'vzdump-qemu-big.vma.zst')), 'no archive under the real name');
  assert.deepEqual(readdirSync(remoteDir).filter((f) => f.startsWith('vzdump-qemu-big')), [], 'no partial upload left');
});
