/**
 * The development/test secrets file (`PROXMOX_IAC_SECRETS_FILE`): `{ "<connection id>": "<secret>" }`.
 * A file that is not such an object is described without quoting it: JSON.parse's own message repeats the
 * start of the text, which here is a secret.
 */
import { parseJson } from './json';

export type SecretsFileContent = { readonly ok: true; readonly secrets: ReadonlyMap<string, string> } | { readonly ok: false; readonly problem: string };

export function parseSecretsFile(text: string): SecretsFileContent {
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, problem: parsed.problem };
  const v = parsed.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, problem: 'it is not a JSON object of connection IDs and secrets' };
  const secrets = new Map<string, string>();
  for (const [id, secret] of Object.entries(v as Record<string, unknown>)) {
    if (typeof secret === 'string' && secret) secrets.set(id, secret);
  }
  return { ok: true, secrets };
}
