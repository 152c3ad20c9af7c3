/** "Provision from manifest node": the example n1-push's `edge` resolves (preset vm-small, image debian-12) and provisions from debian-12-template. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PveClient } from '../../../src/core/pve/client';
import { checkAnswers } from '../../../src/core/provision/answers';
import { answersFromResolved, resolveManifestNode, templateForImage } from '../../../src/core/provision/fromManifest';
import { planProvision } from '../../../src/core/provision/plan';
import { runProvision } from '../../../src/core/provision/run';
import { takenIds } from '../../../src/core/provision/taken';
import { templateFacts } from '../../../src/core/provision/template';
import { nodeFileSource } from '../../../src/core/validate/nodeFiles';
import type { RunningSimulator } from '../../../src/sim/index';
import { clientFor, sim, VM } from '../pve/helpers';

const MANIFEST = join(__dirname, '../../fixtures/examples/site-config/manifests/n1-push.yaml');
let s: RunningSimulator;
let client: PveClient;

before(async () => {
  s = await sim({ taskDurationMs: 30 });
  client = clientFor(s);
});
after(() => s.stop());

test('the node resolves through its preset and provisions from the image’s template with the IP read back', async () => {
  const r = await resolveManifestNode(nodeFileSource(), MANIFEST, readFileSync(MANIFEST, 'utf8'), 'edge');
  assert.ok(typeof r !== 'string', typeof r === 'string' ? r : '');
  assert.deepEqual(r, { name: 'edge', vmid: 99001, image: 'debian-12', cores: 2, memory: 2048, diskGiB: 10, user: 'homestak' });
  const snapshot = await client.clusterResources();
  const template = templateForImage(r.image, snapshot.guests);
  assert.ok(typeof template !== 'string', typeof template === 'string' ? template : '');
  assert.equal(template.name, 'debian-12-template');
  // The live "edge" (99021, from n2-push) holds the name: a fresh name is needed, as the check says.
  const a = answersFromResolved(r, template, r.vmid);
  const taken = takenIds({ live: snapshot.guests });
  assert.match(checkAnswers(a, taken).join(' '), /The name "edge" is already used by VM 99021/);
  const renamed = { ...a, name: 'edge-n1' };
  assert.deepEqual(checkAnswers(renamed, taken), []);
  const facts = templateFacts(await client.config(VM(template.vmid, template.node)));
  const result = await runProvision(client, renamed, planProvision(renamed, facts, { timeoutMs: 20_000, intervalMs: 20 }), { agent: { timeoutMs: 20_000, intervalMs: 20 } });
  assert.match(result.ip ?? '', /^10\.0\./);
  assert.equal(result.vm.node, 'father');
  assert.equal(String((await client.config(VM(99001, 'father'))).memory), '2048');
});

test('an image without a template, and a node that does not exist, are explained', async () => {
  assert.match(templateForImage('alpine-3', (await client.clusterResources()).guests) as string, /No template named "alpine-3-template" or "alpine-3".*debian-12-template/);
  assert.match((await resolveManifestNode(nodeFileSource(), MANIFEST, readFileSync(MANIFEST, 'utf8'), 'nope')) as string, /has no node "nope"/);
});
