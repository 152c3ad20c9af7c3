#!/usr/bin/env node
// Summarises a .heapprofile written by `run.mjs --heap-profile DIR`: the bytes that reached the extension host's
// old generation during the measured rounds (or are still alive), by where they were allocated — the innermost
// DEPTH frames of each allocation's stack (a bundle built with `minify: false` in scripts/build.mjs gives names).
// Divide by the refreshes profiled (the measured rounds and two warm-up rounds: --rounds + 2) for a figure per refresh.
//   node bench/explorer-vscode/heap-profile.mjs DIR/20000.heapprofile [--depth N] [--top N]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
if (!file) {
  console.error('usage: heap-profile.mjs FILE.heapprofile [--depth N] [--top N]');
  process.exit(2);
}
const depth = opt('depth', 2);
const { head } = JSON.parse(readFileSync(file, 'utf8'));
const frame = (n) => {
  const f = n.callFrame;
  return `${f.functionName || '(anonymous)'}${f.url ? ` ${basename(f.url)}:${f.lineNumber + 1}` : ''}`;
};
const bySite = new Map();
let total = 0;
// Iterative walk: the tree follows the stacks, which can be deep.
const stack = [{ node: head, frames: [] }];
while (stack.length > 0) {
  const { node, frames } = stack.pop();
  const here = [frame(node), ...frames].slice(0, depth + 1);
  if (node.selfSize) {
    total += node.selfSize;
    const site = here.slice(0, depth).join(' < ');
    bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
  }
  for (const child of node.children ?? []) stack.push({ node: child, frames: here });
}
const mb = (b) => `${(b / 1e6).toFixed(2).padStart(7)} MB`;
console.log(`${basename(file)}: ${mb(total).trim()} promoted or alive`);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, opt('top', 25))) console.log(`${mb(bytes)}  ${site}`);
