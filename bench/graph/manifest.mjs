// A manifest of `count` nodes shaped like a large nested-PVE lab: a few PVE roots, PVE hosts under them, and
// VMs and containers under those (every node has a VMID, as iac-driver manifests usually do).
export function benchManifest(count) {
  const lines = ['schema_version: 2', `name: bench-${count}`, 'pattern: tiered', '', 'nodes:'];
  const pves = [];
  for (let i = 0; i < count; i++) {
    const vmid = 100000 + i;
    const name = `node-${String(i).padStart(4, '0')}`;
    let type;
    let parent;
    if (i < 4) type = 'pve';
    else if (i < 40) {
      type = 'pve';
      parent = pves[i % 4];
    } else {
      type = i % 3 === 0 ? 'ct' : 'vm';
      parent = pves[4 + (i % 36)];
    }
    if (type === 'pve') pves.push(name);
    lines.push(`  - name: ${name}`, `    type: ${type}`, `    vmid: ${vmid}`, ...(parent ? [`    parent: ${parent}`] : []), '');
  }
  return lines.join('\n');
}
