/**
 * Generated v2 manifests for the benchmark and the tests: an 8-way tree of `pve` parents with `vm` leaves,
 * the shape PERF-NOTES.md measured.
 */
export function generateManifest(nodeCount: number, seed = 0): string {
  const lines = [
    'schema_version: 2',
    `name: gen-${nodeCount}`,
    `description: "Generated manifest with ${nodeCount} nodes"`,
    'pattern: tiered',
    'execution:',
    '  default_mode: push',
    'settings:',
    '  on_error: stop',
    '',
    'nodes:',
  ];
  // Parents are the first ceil(n/8) nodes; node i (i ≥ 1) hangs under node floor((i - 1) / 8).
  const parents = Math.ceil(nodeCount / 8);
  for (let i = 0; i < nodeCount; i++) {
    const isPve = i < parents;
    lines.push(`  - name: node-${i}`);
    lines.push(`    type: ${isPve ? 'pve' : 'vm'}`);
    lines.push(`    spec: ${isPve ? 'pve' : 'base'}`);
    lines.push(`    preset: ${isPve ? 'vm-large' : 'vm-small'}`);
    lines.push(`    image: ${isPve ? 'pve-9' : 'debian-12'}`);
    lines.push(`    vmid: ${10000 + i + seed}`);
    if (isPve) lines.push('    disk: 64');
    if (i > 0) lines.push(`    parent: node-${Math.floor((i - 1) / 8)}`);
    if (i % 5 === 0) lines.push('    execution:', '      mode: pull');
    lines.push('');
  }
  return lines.join('\n');
}
