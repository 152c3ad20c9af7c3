/** The guest agent's answers (`agent/*`): results, the agent's own errors, interfaces, OS info, host name. */
import { AgentCommandError, InvalidResponseError } from './errors';
import { asObject, num0, str, type Row } from './fields';
import type { AgentInterface, AgentOsInfo } from './types';

/**
 * Agent answers are `{result: <QGA value>}`. An agent that lacks a command can also answer HTTP 200 with
 * `{result: {error: {class, desc}}}`: that is the agent's own answer, not a malformed one, so it becomes an
 * AgentCommandError (unsupported or failed) rather than "an answer the extension does not understand".
 */
export function agentResult(data: unknown, command?: string, request?: string): unknown {
  const r = asObject(data, 'the guest agent answer');
  const result = r.result;
  // The QGA error object one level up (`{error: {class, desc}}` without `result`) is read the same way.
  const failed = result !== null && typeof result === 'object' && !Array.isArray(result) && 'error' in result ? (result as Row) : !('result' in r) && 'error' in r ? r : undefined;
  if (!('result' in r) && !failed) throw new InvalidResponseError(`the guest agent answer${command ? ` to ${command}` : ''} has no result`);
  if (failed) {
    const e = failed.error;
    const err = e !== null && typeof e === 'object' && !Array.isArray(e) ? (e as Row) : {};
    const desc = str(err.desc) ?? (typeof e === 'string' && e !== '' ? e : 'the agent reported an error without a description');
    throw new AgentCommandError(command, desc, str(err.class), { status: 200, ...(request ? { request } : {}), serverMessage: desc });
  }
  return result;
}

export function parseAgentInterfaces(data: unknown, request?: string): AgentInterface[] {
  const result = agentResult(data, 'network-get-interfaces', request);
  if (!Array.isArray(result)) throw new InvalidResponseError('the guest agent interface list is not a list');
  const out: AgentInterface[] = [];
  for (const r of result as unknown[]) {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) continue;
    const row = r as Row;
    const addresses: { address: string; prefix: number; family: 'ipv4' | 'ipv6' }[] = [];
    if (Array.isArray(row['ip-addresses'])) {
      for (const a of row['ip-addresses'] as unknown[]) {
        if (a === null || typeof a !== 'object') continue;
        const ar = a as Row;
        const address = str(ar['ip-address']);
        if (address === undefined || address === '') continue;
        const family = ar['ip-address-type'] === 'ipv6' || (ar['ip-address-type'] === undefined && address.includes(':')) ? 'ipv6' : 'ipv4';
        addresses.push({ address, prefix: num0(ar.prefix), family });
      }
    }
    const iface: { -readonly [K in keyof AgentInterface]: AgentInterface[K] } = { name: str(row.name) ?? '', addresses };
    const hw = str(row['hardware-address']);
    if (hw !== undefined && hw !== '') iface.hardwareAddress = hw;
    out.push(iface);
  }
  return out;
}

/** Linux agents send os-release fields; Windows agents send `mswindows`, a build number as kernel-release and a variant. */
export function parseAgentOsInfo(data: unknown, request?: string): AgentOsInfo {
  const r = asObject(agentResult(data, 'get-osinfo', request), 'the guest agent OS info');
  const info: { -readonly [K in keyof AgentOsInfo]: AgentOsInfo[K] } = {};
  const set = (key: keyof AgentOsInfo, v: unknown): void => {
    const s = str(v);
    if (s !== undefined && s !== '') info[key] = s;
  };
  set('id', r.id);
  set('name', r.name);
  set('prettyName', r['pretty-name']);
  set('version', r.version);
  set('versionId', r['version-id']);
  set('variant', r.variant);
  set('kernelRelease', r['kernel-release']);
  set('kernelVersion', r['kernel-version']);
  set('machine', r.machine);
  return info;
}

export function parseHostName(data: unknown, request?: string): string {
  const r = asObject(agentResult(data, 'get-host-name', request), 'the guest agent host name');
  const name = str(r['host-name']);
  if (name === undefined) throw new InvalidResponseError('the guest agent sent no host-name');
  return name;
}

/** `/cluster/nextid` answers a JSON string ("106") although the schema says integer. */
