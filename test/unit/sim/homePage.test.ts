/**
 * The simulator at `/`, where a real node serves its web UI ("Open in Web UI" lands here): a page that says
 * what this server is, instead of a connection error.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import type { RunningSimulator } from '../../../src/sim/index';
import { sim } from '../pve/helpers';

let s: RunningSimulator;

before(async () => {
  s = await sim({ seed: 'demo' });
});
after(async () => {
  await s.stop();
});

function get(path: string): Promise<{ status: number; type: string; csp: string; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(`${s.url}${path}`, { ca: s.certificate }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), csp: String(res.headers['content-security-policy']), body }));
      })
      .on('error', reject);
  });
}

test('GET / without credentials answers an HTML page saying it is the simulator, not a real Proxmox VE', async () => {
  const r = await get('/');
  assert.equal(r.status, 200);
  assert.match(r.type, /^text\/html/);
  // A static page: nothing may run or load from it.
  assert.match(r.csp, /default-src 'none'/);
  assert.match(r.body, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
  assert.match(r.body, /<title>Proxmox IaC simulator<\/title>/);
  assert.match(r.body, /not a real Proxmox VE/);
  assert.match(r.body, /Proxmox VE 9\.1 API/);
  assert.match(r.body, /<code>\/api2\/json<\/code>/);
  for (const node of ['prom', 'father', 'pve3']) assert.match(r.body, new RegExp(`<li>${node}</li>`), `node ${node} is not listed`);
});

test('the page is only at /: other paths outside the API still answer 501, and the API still needs a token', async () => {
  assert.equal((await get('/pve2/ext6/ext-all.js')).status, 501);
  assert.equal((await get('/api2/json/version')).status, 401);
  assert.equal(s.requests.length, 1, 'the page request must not reach the API request log');
});
