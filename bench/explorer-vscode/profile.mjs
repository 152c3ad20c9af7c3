#!/usr/bin/env node
// Summarises a .cpuprofile written by `run.mjs --profile DIR`: the longest stretches in which the main thread
// never went idle (the blocks the stall probe sees), each with the functions that took most of it (self
// time, with the file), and the heaviest functions over the whole profile.
//   node bench/explorer-vscode/profile.mjs DIR/10x2000.cpuprofile [--blocks N] [--min-ms M]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
if (!file) {
  console.error('usage: profile.mjs FILE.cpuprofile [--blocks N] [--min-ms M]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const IDLE = new Set(['(idle)', '(program)', '(root)']);
const nameOf = (n) => {
  const f = n.callFrame;
  const where = f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
};
const idle = (n) => IDLE.has(n.callFrame.functionName) && !n.callFrame.url;

// Samples with their durations (timeDeltas[i] is the time before sample i).
const samples = profile.samples.map((id, i) => ({ node: nodes.get(id), ms: (profile.timeDeltas[i + 1] ?? 0) / 1000 }));
const blocks = [];
let cur;
for (const s of samples) {
  if (idle(s.node) && s.node.callFrame.functionName === '(idle)') {
    if (cur) blocks.push(cur);
    cur = undefined;
    continue;
  }
  cur ??= { ms: 0, samples: [] };
  cur.ms += s.ms;
  cur.samples.push(s);
}
if (cur) blocks.push(cur);

function top(list, n, key) {
  const by = new Map();
  for (const s of list) {
    const k = key(s.node);
    by.set(k, (by.get(k) ?? 0) + s.ms);
  }
  return [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
}
/** A sample's stack, leaf first, a few frames deep (Node's internals left out). */
function stack(n, depth = 6) {
  const out = [];
  for (let id = n.id; id !== undefined && out.length < depth; id = parent.get(id)) {
    const x = nodes.get(id);
    if (x.callFrame.url.startsWith('node:') || idle(x)) continue;
    out.push(nameOf(x));
  }
  return out.join(' < ');
}

const total = samples.reduce((a, s) => a + s.ms, 0);
console.log(`${basename(file)}: ${Math.round(total)} ms profiled, ${blocks.length} busy stretches`);
const minMs = opt('min-ms', 30);
for (const b of blocks.sort((a, b) => b.ms - a.ms).slice(0, opt('blocks', 5)).filter((b) => b.ms >= minMs)) {
  console.log(`\nblock ${Math.round(b.ms)} ms`);
  for (const [k, ms] of top(b.samples, 8, nameOf)) console.log(`  self ${String(Math.round(ms)).padStart(5)} ms  ${k}`);
  for (const [k, ms] of top(b.samples, 5, (n) => stack(n))) console.log(`  stack ${String(Math.round(ms)).padStart(4)} ms  ${k}`);
}
console.log('\nheaviest over the whole profile (self time):');
for (const [k, ms] of top(samples.filter((s) => !idle(s.node)), 15, nameOf)) console.log(`  ${String(Math.round(ms)).padStart(6)} ms  ${k}`);
