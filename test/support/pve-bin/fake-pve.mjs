#!/usr/bin/env node
// Stand-in for Proxmox VE's `qm`, `qmrestore` and `pvesh` on the test SSH server.
// Usage (through the wrappers the sshd harness writes): fake-pve.mjs PROGRAM [ARGS...]
// Appends {"prog": PROGRAM, "argv": [ARGS...]} as one JSON line to $PVE_FAKE_LOG, so tests can check that every
// argument arrived verbatim, then answers roughly like PVE 9.1 does (texts from shared/pve-api/facts.md).
// `pvesh` forwards every call, and `qmrestore`, `qm template|set|config` theirs (on node $PVE_FAKE_NODE), to the simulator when $PVE_SIM_URL is set ($PVE_SIM_TOKEN = "USER@REALM!ID=SECRET",
// $PVE_SIM_CA_FILE = its certificate), so it answers like the API; without it a few fixed answers are built in.
import { appendFileSync } from 'node:fs';
import { URLSearchParams } from 'node:url';

const [prog, ...args] = process.argv.slice(2);
if (process.env.PVE_FAKE_LOG) {
  appendFileSync(process.env.PVE_FAKE_LOG, `${JSON.stringify({ prog, argv: args })}\n`);
}

const NODE = process.env.PVE_FAKE_NODE || 'pve';
// Guests that "exist" on the fake node: vmid -> state.
const GUESTS = new Map([
  [100, { name: 'web', status: 'running', agent: true }],
  [101, { name: 'db', status: 'stopped', agent: true }],
  [102, { name: 'noagent', status: 'running', agent: false }],
  [9000, { name: 'nixos-template', status: 'stopped', agent: true, template: true }],
]);

function upid(type, id) {
  const hex = (n, w) => n.toString(16).toUpperCase().padStart(w, '0');
  const now = Math.floor(Date.now() / 1000);
  return `UPID:${NODE}:${hex(process.pid, 8)}:${hex(now % 0xffffffff, 8)}:${hex(now, 8)}:${type}:${id}:root@pam:`;
}

function fail(message, code = 2) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function guestOrFail(vmidText) {
  const vmid = Number(vmidText);
  const guest = GUESTS.get(vmid);
  if (!guest) fail(`Configuration file 'nodes/${NODE}/qemu-server/${vmidText}.conf' does not exist`);
  return { vmid, guest };
}

function option(name) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function qm() {
  const [sub, vmidText, ...rest] = args;
  switch (sub) {
    case 'status': {
      const { guest } = guestOrFail(vmidText);
      process.stdout.write(`status: ${guest.status}\n`);
      return;
    }
    case 'start': {
      const { vmid, guest } = guestOrFail(vmidText);
      if (guest.status === 'running') fail(`VM ${vmid} already running`, 255);
      return; // the real `qm start` prints nothing on success
    }
    case 'stop':
    case 'shutdown':
    case 'destroy':
    case 'set':
      guestOrFail(vmidText);
      return;
    case 'template': {
      const { vmid } = guestOrFail(vmidText);
      process.stdout.write(`  Renamed "vm-${vmid}-disk-0" to "base-${vmid}-disk-0" in volume group "pve"\n`);
      return;
    }
    case 'clone': {
      const { vmid } = guestOrFail(vmidText);
      const newid = rest[0];
      if (GUESTS.has(Number(newid))) fail(`unable to create VM ${newid}: config file already exists`, 255);
      process.stdout.write(`create full clone of drive scsi0 (local-lvm:base-${vmid}-disk-0)\n`);
      process.stdout.write(`  Logical volume "vm-${newid}-disk-0" created.\n`);
      process.stdout.write('transferred 0.0 B of 32.0 GiB (0.00%)\n');
      process.stdout.write('transferred 32.0 GiB of 32.0 GiB (100.00%)\n');
      return;
    }
    case 'agent': {
      const { vmid, guest } = guestOrFail(vmidText);
      if (!guest.agent) fail('No QEMU guest agent configured', 255);
      if (guest.status !== 'running') fail(`VM ${vmid} is not running`, 255);
      if (rest[0] === 'ping') return;
      if (rest[0] === 'get-host-name') {
        process.stdout.write(`${JSON.stringify({ 'host-name': guest.name }, null, 3)}\n`);
        return;
      }
      fail(`VM ${vmid} qga command 'guest-${rest[0]}' failed - unsupported command: guest-${rest[0]}`, 255);
      return;
    }
    case 'importdisk':
      guestOrFail(vmidText);
      process.stdout.write(`importing disk '${rest[0]}' to VM ${vmidText} ...\n`);
      process.stdout.write(`Successfully imported disk as 'unused0:${rest[1]}:vm-${vmidText}-disk-1'\n`);
      return;
    default:
      fail(`unknown command 'qm ${sub ?? ''}'`, 255);
  }
}

function qmrestore() {
  const [archive, vmid] = args;
  if (GUESTS.has(Number(vmid)) && option('force') !== '1') fail(`unable to restore VM ${vmid} - VM ${vmid} already exists on node '${NODE}'`, 255);
  process.stdout.write(`restore vma archive: zstd -q -d -c ${archive} | vma extract -v -r /var/tmp/vzdumptmp.fifo - /var/tmp/vzdumptmp\n`);
  process.stdout.write(`new volume ID is '${option('storage') ?? 'local-lvm'}:vm-${vmid}-disk-0'\n`);
}

const FIXED_RESOURCES = [
  { id: `node/${NODE}`, type: 'node', node: NODE, status: 'online', maxcpu: 8, maxmem: 34359738368 },
  ...[...GUESTS].map(([vmid, g]) => ({
    id: `qemu/${vmid}`, type: 'qemu', vmid, name: g.name, node: NODE, status: g.status, template: g.template ? 1 : 0,
  })),
  { id: `storage/${NODE}/local-lvm`, type: 'storage', storage: 'local-lvm', node: NODE, status: 'available' },
];

/** pvesh's options: `--key value` pairs (repeatable) after VERB PATH, with --output-format taken out. */
function pveshOptions() {
  const params = [];
  let format = 'text';
  for (let i = 2; i < args.length; i += 2) {
    const key = args[i].replace(/^--?/, '');
    if (key === 'output-format') format = args[i + 1];
    else params.push([key, args[i + 1] ?? '']);
  }
  return { params, format };
}

function printData(data, format) {
  if (format === 'json') process.stdout.write(`${JSON.stringify(data)}\n`);
  else if (format === 'json-pretty') process.stdout.write(`${JSON.stringify(data, null, 4)}\n`);
  else if (typeof data === 'string') process.stdout.write(`${data}\n`);
  else if (data !== null && data !== undefined) process.stdout.write(`${JSON.stringify(data, null, 4)}\n`);
}

/** One call to the simulator's HTTPS API (verifying its certificate): the `data` of the answer, or exit 255 with its error. */
async function simCall(method, path, params) {
  const { request } = await import('node:https');
  const { readFileSync } = await import('node:fs');
  const form = new URLSearchParams(params).toString();
  const url = new URL(`${process.env.PVE_SIM_URL}/api2/json${path}`);
  if (method === 'GET' || method === 'DELETE') url.search = form;
  const headers = { Authorization: `PVEAPIToken=${process.env.PVE_SIM_TOKEN}` };
  const body = method === 'POST' || method === 'PUT' ? form : undefined;
  if (body !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  const ca = process.env.PVE_SIM_CA_FILE ? readFileSync(process.env.PVE_SIM_CA_FILE) : undefined;
  const res = await new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca }, (r) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (d) => (text += d));
      r.on('end', () => resolve({ status: r.statusCode, reason: r.statusMessage, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
  if (res.status !== 200) {
    let detail = '';
    try {
      const errors = JSON.parse(res.text).errors;
      if (errors) detail = Object.entries(errors).map(([k, v]) => `${k}: ${v}`).join('\n');
    } catch {
      // Bodies of auth errors are empty.
    }
    // The CLI tools print the server's message (e.g. "unable to restore VM 9002 - VM 9002 already exists").
    fail(res.status === 500 && !detail ? res.reason : `${res.status} ${res.reason}${detail ? `\n${detail}` : ''}`, 255);
  }
  return JSON.parse(res.text).data;
}

/** Forwards `pvesh VERB PATH --k v …` to the simulator. */
async function pveshViaSimulator(verb, path, params, format) {
  const method = { get: 'GET', create: 'POST', set: 'PUT', delete: 'DELETE' }[verb];
  printData(await simCall(method, path, params), format);
}

/** Waits for a simulator task like the CLI tools do (they run the worker in the foreground), printing its log. */
async function simWait(upid) {
  const node = upid.split(':')[1];
  const path = `/nodes/${node}/tasks/${encodeURIComponent(upid)}`;
  for (;;) {
    const st = await simCall('GET', `${path}/status`, []);
    if (st.status === 'stopped') {
      const log = await simCall('GET', `${path}/log`, [['limit', '500']]);
      for (const line of log ?? []) if (line.t && line.t !== 'TASK OK') process.stdout.write(`${line.t}\n`);
      if (st.exitstatus !== 'OK') fail(st.exitstatus, 255);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `--key value` pairs after the positional arguments, as the API's form parameters (booleans as 0/1). */
function cliOptions(rest) {
  const params = [];
  for (let i = 0; i < rest.length; i++) {
    if (!rest[i].startsWith('--')) continue;
    const key = rest[i].slice(2);
    const value = rest[i + 1] ?? '';
    params.push([key, value === 'true' ? '1' : value === 'false' ? '0' : value]);
    i++;
  }
  return params;
}

/** `qm` and `qmrestore` against the simulator (node $PVE_FAKE_NODE): the calls the template build makes. */
async function viaSimulator() {
  if (prog === 'qmrestore') {
    const [archive, vmid, ...rest] = args;
    const upid = await simCall('POST', `/nodes/${NODE}/qemu`, [['vmid', vmid], ['archive', archive], ...cliOptions(rest)]);
    await simWait(upid);
    return true;
  }
  const [sub, vmid, ...rest] = args;
  const base = `/nodes/${NODE}/qemu/${vmid}`;
  if (sub === 'template') {
    const upid = await simCall('POST', `${base}/template`, []);
    if (upid) await simWait(upid);
    return true;
  }
  if (sub === 'set') {
    await simCall('PUT', `${base}/config`, cliOptions(rest));
    return true;
  }
  if (sub === 'config') {
    const config = await simCall('GET', `${base}/config`, []);
    for (const [k, v] of Object.entries(config)) process.stdout.write(`${k}: ${v}\n`);
    return true;
  }
  return false;
}

async function pvesh() {
  const [verb, path] = args;
  if (!['get', 'create', 'set', 'delete', 'ls', 'usage'].includes(verb)) fail(`unknown command 'pvesh ${verb ?? ''}'`, 255);
  if (!path || !path.startsWith('/')) fail('400 not enough arguments\npvesh get <api_path> [OPTIONS] [FORMAT_OPTIONS]', 255);
  const { params, format } = pveshOptions();
  if (process.env.PVE_SIM_URL) return pveshViaSimulator(verb, path, params, format);
  if (verb === 'get' && path === '/cluster/resources') {
    const type = option('type');
    const data = type ? FIXED_RESOURCES.filter((r) => (type === 'vm' ? r.type === 'qemu' || r.type === 'lxc' : r.type === type)) : FIXED_RESOURCES;
    return printData(data, format);
  }
  if (verb === 'get' && path === '/version') {
    return printData({ release: '9.1', repoid: 'fb8d7a0b4c1e0f2d', version: '9.1.1' }, format);
  }
  const m = /^\/nodes\/([^/]+)\/qemu\/(\d+)\/status\/(start|stop|shutdown|reboot)$/.exec(path);
  if (verb === 'create' && m) {
    guestOrFail(m[2]);
    return printData(upid(`qm${m[3]}`, m[2]), format);
  }
  const c = /^\/nodes\/([^/]+)\/qemu\/(\d+)\/clone$/.exec(path);
  if (verb === 'create' && c) {
    guestOrFail(c[2]);
    return printData(upid('qmclone', c[2]), format);
  }
  if (verb === 'set') return printData(null, format);
  fail(`No '${verb}' handler defined for '${path}'`, 255);
}

const handlers = { qm, qmrestore, pvesh };
if (!handlers[prog]) fail(`fake-pve: unknown program '${prog}'`, 127);
if (!(process.env.PVE_SIM_URL && prog !== 'pvesh' && (await viaSimulator()))) await handlers[prog]();
