/**
 * Walks everything another extension could reach from a value (own and inherited properties, getters,
 * symbols, Map and Set entries, function properties) and lists the paths that lead to a secret: a
 * SecretStorage (`get`/`store`/`delete` + `onDidChange`), a function whose name mentions a secret, or a
 * string holding the secret itself. Private `#fields` are out of reach for everyone, so they are skipped.
 */
export function pathsToSecrets(root: unknown, secret: string | undefined, limit = 200_000): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  const queue: [unknown, string][] = [[root, 'exports']];
  let visited = 0;
  while (queue.length > 0 && visited < limit) {
    const [value, path] = queue.shift()!;
    visited++;
    if (typeof value === 'string') {
      if (secret && value.includes(secret)) found.push(`${path} (the secret itself)`);
      continue;
    }
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) continue;
    seen.add(value);
    const obj = value as Record<PropertyKey, unknown>;
    if (typeof value === 'function' && /secret/i.test((value as { name?: string }).name ?? '')) found.push(`${path} (function ${(value as { name: string }).name})`);
    if (typeof obj['get'] === 'function' && typeof obj['store'] === 'function' && typeof obj['delete'] === 'function' && 'onDidChange' in obj) {
      found.push(`${path} (a SecretStorage)`);
    }
    if (value instanceof Map) for (const [k, v] of value) queue.push([k, `${path}.<key>`], [v, `${path}.get(${String(k)})`]);
    if (value instanceof Set) for (const v of value) queue.push([v, `${path}.<entry>`]);
    for (let o: object | null = value; o && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o) as object | null) {
      for (const key of Reflect.ownKeys(o)) {
        const d = Object.getOwnPropertyDescriptor(o, key);
        if (!d) continue;
        let v: unknown = d.value;
        if (d.get) {
          try {
            v = d.get.call(value);
          } catch {
            continue;
          }
        }
        queue.push([v, `${path}.${String(key)}`]);
      }
    }
  }
  return found;
}
