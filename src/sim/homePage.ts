/**
 * What the simulator answers at `/` (where a real Proxmox VE serves its web UI): a small page that says what
 * this server is, so "Open in Web UI" against the simulator lands on an explanation instead of an error.
 */
/** A static page: no scripts, no requests of its own, styles only from the page itself. */
export const HOME_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function homePage(version: { readonly version: string; readonly release: string }, nodes: readonly string[]): string {
  const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const nodeList = nodes.map((n) => `<li>${escape(n)}</li>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${HOME_PAGE_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Proxmox IaC simulator</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
code { background: #eee; padding: 0 .25em; border-radius: 3px; }
.note { border-left: 4px solid #e57000; padding: .25rem 1rem; background: #fff6ed; }
</style>
</head>
<body>
<h1>Proxmox IaC simulator</h1>
<p class="note">This is <strong>not a real Proxmox VE</strong> server and has no web UI. It is the simulator that ships with
the Proxmox IaC extension for VS Code, for demos and tests.</p>
<p>It answers the Proxmox VE ${escape(version.release)} API (version ${escape(version.version)}) at
<code>/api2/json</code>, checks every request against the official API schema, and keeps its simulated
cluster in memory only.</p>
<p>Simulated nodes:</p>
<ul>${nodeList}</ul>
<p>Use the Proxmox explorer in VS Code to look at this cluster and act on its guests.</p>
</body>
</html>
`;
}
