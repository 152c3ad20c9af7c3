/**
 * Proxmox endpoints that a workspace's IaC files mention: site-config `nodes/*.yaml` `api_endpoint`,
 * hosts.nix `_proxmox.host`, talos `proxmox_api_url`. They are only *offered* when adding a connection —
 * never connected to without the user choosing one.
 */
export interface OfferedEndpoint {
  /** `https://HOST:8006`. */
  readonly url: string;
  /** A name for the connection, e.g. the node name. */
  readonly name: string;
  /** Where it was found, `nodes/father.yaml:4`. */
  readonly source: string;
}

function unquote(v: string): string {
  const t = v.trim().replace(/\s+#.*$/, '');
  return t.replace(/^(["'])(.*)\1$/, '$2').trim();
}

function normaliseUrl(raw: string): string | undefined {
  let text = raw.trim();
  if (!text) return undefined;
  if (!/^[a-z]+:\/\//i.test(text)) text = `https://${text}`;
  try {
    const u = new URL(text);
    if (u.protocol !== 'https:' || !u.hostname) return undefined;
    return `https://${u.hostname.includes(':') && !u.hostname.startsWith('[') ? `[${u.hostname}]` : u.hostname}:${u.port || '8006'}`;
  } catch {
    return undefined;
  }
}

/**
 * What the user typed as a connection URL, normalised: `pve.lan`, `pve.lan:8006`, `https://pve.lan:8006/`
 * → `https://pve.lan:8006`. Undefined for anything but an https URL with a host (the API is HTTPS only).
 */
export function normaliseConnectionUrl(text: string): string | undefined {
  let t = text.trim();
  if (!t) return undefined;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) t = `https://${t}`;
  try {
    const u = new URL(t);
    if (u.protocol !== 'https:' || !u.hostname || u.username || u.password) return undefined;
    return `https://${u.port ? u.host : `${u.host}:8006`}`;
  } catch {
    return undefined;
  }
}

/** Scans one file's text; `relPath` names the file in the offer. */
export function findOfferedEndpoints(relPath: string, text: string): OfferedEndpoint[] {
  const offers: OfferedEndpoint[] = [];
  const lines = text.split(/\r?\n/);
  const base = relPath.replace(/^.*[\\/]/, '');
  if (/(^|[\\/])nodes[\\/][^\\/]+\.ya?ml$/.test(relPath)) {
    let nodeName: string | undefined;
    lines.forEach((line) => {
      const m = /^node:\s*(.+)$/.exec(line);
      if (m) nodeName = unquote(m[1]);
    });
    lines.forEach((line, i) => {
      const m = /^api_endpoint:\s*(.+)$/.exec(line);
      const url = m ? normaliseUrl(unquote(m[1])) : undefined;
      if (url) offers.push({ url, name: nodeName ?? base.replace(/\.ya?ml$/, ''), source: `${relPath}:${i + 1}` });
    });
  } else if (/(^|[\\/])hosts\.nix$/.test(relPath)) {
    const start = lines.findIndex((l) => /^\s*_proxmox\s*=\s*\{/.test(l));
    if (start >= 0) {
      let node: string | undefined;
      let hostLine = -1;
      let host: string | undefined;
      for (let i = start + 1; i < lines.length && !/^\s*\};/.test(lines[i]); i++) {
        const h = /^\s*host\s*=\s*"([^"]+)"/.exec(lines[i]);
        if (h) {
          host = h[1];
          hostLine = i;
        }
        const n = /^\s*node\s*=\s*"([^"]+)"/.exec(lines[i]);
        if (n) node = n[1];
      }
      const url = host ? normaliseUrl(host) : undefined;
      if (url) offers.push({ url, name: node ?? host!, source: `${relPath}:${hostLine + 1}` });
    }
  } else {
    lines.forEach((line, i) => {
      const m = /^\s*proxmox_api_url\s*[:=]\s*(.+)$/.exec(line);
      if (!m) return;
      // talos writes the API path too (`https://h:8006/api2/json`); the connection wants the base.
      const url = normaliseUrl(unquote(m[1]).replace(/\/api2\/json\/?$/, ''));
      if (url) offers.push({ url, name: new URL(url).hostname, source: `${relPath}:${i + 1}` });
    });
  }
  return offers;
}
