import * as vscode from 'vscode';
import { errorMessage } from '../util/log';
import { pickStep, type PickItem } from './steps';
import type { ConnectionSettings } from './store';

/**
 * Looks at the server's certificate. A publicly trusted one needs no decision; otherwise the user sees its
 * SHA-256 fingerprint and must choose "Trust Certificate" — "Do Not Trust" comes first and is focused, so
 * Enter or Escape never trusts anything. Resolves to the settings to save, or undefined (after saying why
 * when the server could not be reached).
 */
export async function decideCertificate(c: ConnectionSettings, options: { previous?: string } = {}): Promise<ConnectionSettings | undefined> {
  const decision = await certificateDecision(c, options);
  if (decision.unreachable) void vscode.window.showErrorMessage(decision.unreachable);
  return decision.settings;
}

/**
 * decideCertificate's question, for the Add Connection wizard: `back` adds a Back button (it throws
 * WizardBack), and an unreachable server comes back as a sentence instead of being shown.
 */
export async function certificateDecision(
  c: ConnectionSettings,
  options: { previous?: string; back?: boolean } = {},
): Promise<{ settings?: ConnectionSettings; unreachable?: string }> {
  const { normalizeFingerprint, probeCertificate } = await import('../../core/pve/tls.js');
  let info: import('../../core/pve/tls.js').CertificateInfo;
  try {
    info = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading the certificate of ${c.url}…` }, () =>
      probeCertificate(c.url, { timeoutMs: 10_000 }),
    );
  } catch (err) {
    return { unreachable: `Could not reach ${c.url}: ${errorMessage(err)}` };
  }
  if (info.trusted) {
    const { fingerprint: _drop, ...rest } = c;
    return { settings: rest };
  }
  const pinned = c.fingerprint === undefined ? undefined : normalizeFingerprint(c.fingerprint);
  if (pinned !== undefined && pinned === normalizeFingerprint(info.fingerprint)) return { settings: c };
  const host = new URL(c.url).host;
  const why = options.previous ? 'The certificate CHANGED since you trusted it.' : `Not publicly trusted: ${info.verificationError ?? 'self-signed'}.`;
  const items: PickItem<'trust' | 'refuse'>[] = [
    { label: '$(close) Do Not Trust', description: 'nothing is saved', detail: why, value: 'refuse' },
    { label: '$(shield) Trust Certificate', description: 'pin this fingerprint', detail: 'Compare it with `pvenode cert info` on the node first.', value: 'trust' },
    ...fingerprintRows('SHA-256 fingerprint', info.fingerprint),
    ...(options.previous ? fingerprintRows('Trusted before', options.previous) : []),
    { label: 'Certificate', kind: vscode.QuickPickItemKind.Separator },
    { label: `Subject: ${info.subject}`, detail: `Issuer: ${info.issuer}; valid until ${info.validTo}.` },
  ];
  const choice = await pickStep({ title: `Trust the certificate of ${host}?`, back: options.back }, 'Compare the SHA-256 fingerprint below with the output of pvenode cert info on the node', items, {
    active: (i) => i.value === 'refuse',
  });
  return choice === 'trust' ? { settings: { ...c, fingerprint: info.fingerprint } } : {};
}

/** A fingerprint as two rows of 16 bytes under a heading, so all 32 bytes are readable without truncation. */
function fingerprintRows(heading: string, fingerprint: string): PickItem<never>[] {
  const bytes = fingerprint.split(':');
  return [
    { label: heading, kind: vscode.QuickPickItemKind.Separator },
    { label: bytes.slice(0, 16).join(':') },
    { label: bytes.slice(16).join(':') },
  ];
}
