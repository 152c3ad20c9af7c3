import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSubTree, connectionTooltip, DEFAULT_TREE_OPTIONS, groupTooltip, guestTooltip, missingTooltip, nodeTooltip, parseFilter, snapshotTooltip, storageTooltip } from '../../../src/core/explorer';
import { declared, guest, node, snapshot, storage } from './fixtures';

/** The labelled lines of a tooltip (`- Label: value`), as a map. */
function fields(md: string): Record<string, string> {
  return Object.fromEntries(
    md
      .split('\n')
      .filter((l) => l.startsWith('- '))
      .map((l) => [l.slice(2, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
  );
}

test('node tooltip: what the row is, and every figure labelled with its unit', () => {
  const md = nodeTooltip(node('prom', { cpu: 0.024, maxcpu: 32, mem: 11 * 1024 ** 3, maxmem: 128 * 1024 ** 3, uptime: 874350 }), { total: 5, running: 3 }, 2);
  assert.match(md, /^\*\*prom\*\* — Node\n/);
  assert.deepEqual(fields(md), {
    Status: 'online',
    Uptime: '10 d 2 h',
    CPU: '2% of 32 CPUs',
    Memory: '11 GiB of 128 GiB (9%)',
    Guests: '5 guests (3 running)',
    Storage: '2 storages',
  });
  // An offline node has no figures to show, and says so by omitting them.
  assert.deepEqual(Object.keys(fields(nodeTooltip(node('pve3', { status: 'offline' }), { total: 1, running: 0 }, 0))), ['Status', 'Guests']);
});

test('storage tooltip: used, free, type, content and sharing, labelled', () => {
  const md = storageTooltip({ ...storage('prom', 'nvme'), plugintype: 'zfspool', content: ['images', 'rootdir'] });
  assert.match(md, /^\*\*nvme\*\* — Storage on prom\n/);
  assert.deepEqual(fields(md), {
    Status: 'available',
    Used: '10 GiB of 100 GiB (10%)',
    Free: '90 GiB',
    Type: 'zfspool',
    Content: 'images, rootdir',
    Shared: 'no (local to this node)',
  });
});

test('connection tooltip: URL, active, counts, filter and the last error', () => {
  const md = connectionTooltip({ name: 'Home lab', url: 'https://pve.lan:8006', active: true, nodes: 3, guests: 20, storages: 6, filter: 'tag:prod', error: 'Token rejected' });
  assert.match(md, /^\*\*Home lab\*\* — Proxmox VE connection\n/);
  const f = fields(md);
  assert.equal(f.URL, 'https://pve\\.lan:8006');
  assert.equal(f.Active, 'yes (commands and the status bar use it)');
  assert.deepEqual([f.Nodes, f.Guests, f.Storages, f.Filter, f['Last refresh failed']], ['3', '20', '6', '`tag:prod`', 'Token rejected']);
});

test('a snapshot row shows the snapshot, not its VM', () => {
  const web = guest(101, { name: 'web', uptime: 874350 });
  const md = snapshotTooltip({ name: 'pre-upgrade', snaptime: 1_700_000_000, vmstate: true, parent: 'base', description: 'Before the upgrade' }, web);
  assert.match(md, /^\*\*pre\\-upgrade\*\* — Snapshot of web \(VMID 101\)\n/);
  const f = fields(md);
  assert.equal(f.RAM, 'included (the guest resumes where it was)');
  assert.equal(f.Parent, 'base');
  assert.equal(f.Description, 'Before the upgrade');
  assert.ok(f.Taken, 'no time taken');
  assert.doesNotMatch(md, /Uptime|Node|Memory/, 'the guest’s facts leaked into the snapshot tooltip');
});

test('guest tooltip: a paused VM says how to continue and keeps memory and uptime; CPU counts carry a unit', () => {
  const f = fields(guestTooltip(guest(7, { name: 'db', status: 'paused', cpu: 0, uptime: 3600 })));
  assert.equal(f.Status, 'paused (frozen in memory; Resume to continue)');
  assert.equal(f.Uptime, '1 h');
  assert.equal(f.Memory, '1.5 GiB of 4 GiB');
  assert.equal(f.CPU, undefined);
  assert.equal(fields(guestTooltip(guest(8, { status: 'running', cpu: 0.5, maxcpu: 4 }))).CPU, '50% of 4 CPUs');
});

test('missing-declaration and group tooltips say what the row is and count with a unit', () => {
  const f = fields(missingTooltip(declared('ghost', { vmid: 555, readonly: true, readonlySource: 'hosts.nix:3' })));
  assert.deepEqual(f, { VMID: '555', 'Declared in': 'hosts\\.nix:10', 'Read-only': 'yes, set in hosts\\.nix:3' });
  assert.equal(fields(groupTooltip('prod', 'guests grouped by tag', 1, 'guest')).Contains, '1 guest');
  assert.equal(fields(groupTooltip('Storage', 'storages', 4, 'storage')).Contains, '4 storages');
});

test('group rows count with a unit ("3 guests", "1 storage", "2 declarations")', () => {
  const demo = snapshot([guest(101, { tags: ['prod'] }), guest(102, { tags: ['prod'] })], ['pve1'], [storage('pve1', 'local')]);
  const byTag = buildSubTree({ rootId: 'c', snapshot: demo, options: { ...DEFAULT_TREE_OPTIONS, groupBy: 'tag' }, declared: [declared('a', { vmid: 1 }), declared('b', { vmid: 2 })] });
  assert.equal(byTag.rows.get('c/tag/prod')!.description, '2 guests');
  assert.equal(byTag.rows.get('c/storage')!.description, '1 storage');
  assert.equal(byTag.rows.get('c/iac/missing')!.description, '2 declarations');
});

test('the filter applies to the "Missing" and "Unmanaged" groups too', () => {
  const demo = snapshot([guest(101, { name: 'web' }), guest(102, { name: 'db', status: 'stopped' }), guest(103, { name: 'webcache' })], ['pve1']);
  const declaredGuests = [declared('web', { vmid: 101 }), declared('ghost-web', { vmid: 555 }), declared('ghost-db', { vmid: 556 })];
  const build = (f: string) => buildSubTree({ rootId: 'c', snapshot: demo, options: DEFAULT_TREE_OPTIONS, declared: declaredGuests, filter: parseFilter(f) });
  const labels = (t: ReturnType<typeof build>, id: string) => (t.children.get(id) ?? []).map((c) => t.rows.get(c)!.label);
  // Unfiltered: both missing declarations, both undeclared guests.
  assert.deepEqual(labels(build(''), 'c/iac/missing'), ['ghost-web', 'ghost-db']);
  assert.deepEqual(labels(build(''), 'c/iac/unmanaged'), ['db', 'webcache']);
  const web = build('web');
  assert.deepEqual(labels(web, 'c/iac/missing'), ['ghost-web']);
  assert.deepEqual(labels(web, 'c/iac/unmanaged'), ['webcache']);
  assert.equal(web.rows.get('c/iac/missing')!.description, '1 declaration');
  // A VMID range matches declared VMIDs; a status says nothing about a guest that does not exist.
  assert.deepEqual(labels(build('vmid:556'), 'c/iac/missing'), ['ghost-db']);
  const running = build('status:running');
  assert.equal(running.rows.get('c/iac/missing'), undefined, 'missing declarations matched a status filter');
  assert.deepEqual(labels(running, 'c/iac/unmanaged'), ['webcache']);
});
