import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configMemoryBytes, escapeMarkdown, formatBytes, formatCpu, formatUptime } from '../../../src/core/explorer/format';

test('bytes are shown in binary units a person reads at a glance', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(4 * 1024 ** 3), '4 GiB');
  assert.equal(formatBytes(1.25 * 1024 ** 3), '1.3 GiB');
  assert.equal(formatBytes(300 * 1024 ** 3), '300 GiB');
});

test('PVE 9 memory strings are MiB, not bytes (the peer showed "4096" as 4 KB)', () => {
  assert.equal(formatBytes(configMemoryBytes('4096')!), '4 GiB');
  assert.equal(formatBytes(configMemoryBytes(2048)!), '2 GiB');
  assert.equal(formatBytes(configMemoryBytes('current=8192,balloon=4096')!), '8 GiB');
  assert.equal(configMemoryBytes('lots'), undefined);
  assert.equal(configMemoryBytes(undefined), undefined);
});

test('CPU is a rounded percentage', () => {
  assert.equal(formatCpu(0.0249), '2%');
  assert.equal(formatCpu(0.004), '<1%');
  assert.equal(formatCpu(0), '0%');
  assert.equal(formatCpu(1), '100%');
});

test('uptime is two units, never raw seconds', () => {
  assert.equal(formatUptime(874350), '10 d 2 h');
  assert.equal(formatUptime(86400), '1 d');
  assert.equal(formatUptime(3720), '1 h 2 min');
  assert.equal(formatUptime(59), '59 s');
  assert.equal(formatUptime(0), '—');
});

test('markdown in names is escaped', () => {
  assert.equal(escapeMarkdown('*x*_[y]'), '\\*x\\*\\_\\[y\\]');
});
