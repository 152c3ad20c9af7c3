/**
 * A JSON reader that tolerates output cut off in the middle. `nix-instantiate --eval --strict --json`
 * streams its result and stops where evaluation failed (then closes its open brackets, leaving the failed
 * member without a value), so the cut-off point tells which attribute failed
 * even when Nix's message carries no position (a `throw`, an error inside an imported file).
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface PartialJson {
  /** Everything read before the end; objects and arrays hold their complete members only. */
  readonly value: JsonValue | undefined;
  /** Keys and indexes from the root to the member being written when the text ended; undefined if complete. */
  readonly cutAt: readonly (string | number)[] | undefined;
}

class Cut extends Error {
  /** The innermost container read so far; each enclosing container adopts it on the way out. */
  partial: JsonValue | undefined;
  constructor(readonly path: (string | number)[]) {
    super('JSON text ends early');
  }
}

export function parsePartialJson(text: string): PartialJson {
  let i = 0;
  const path: (string | number)[] = [];
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const end = (): boolean => i >= text.length;
  const cut = (): Cut => new Cut([...path]);

  function str(): string {
    // Caller checked text[i] === '"'.
    let j = i + 1;
    let escaped = false;
    for (; j < text.length; j++) {
      const c = text[j];
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') break;
    }
    if (j >= text.length) throw cut();
    const raw = text.slice(i, j + 1);
    i = j + 1;
    return JSON.parse(raw) as string;
  }

  function value(): JsonValue {
    ws();
    if (end()) throw cut();
    const c = text[i];
    // Nix closes the brackets it opened even after a failure (`{"q":}}`): a missing value marks the spot.
    if (c === '}' || c === ']' || c === ',') throw cut();
    if (c === '{') {
      i++;
      const obj: { [key: string]: JsonValue } = {};
      let pending: string | undefined;
      try {
        ws();
        if (end()) throw cut();
        if (text[i] === '}') {
          i++;
          return obj;
        }
        for (;;) {
          ws();
          if (end() || text[i] !== '"') throw cut();
          const key = str();
          pending = key;
          path.push(key);
          ws();
          if (end() || text[i] !== ':') throw cut();
          i++;
          obj[key] = value();
          pending = undefined;
          path.pop();
          ws();
          if (end()) throw cut();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === '}') {
            i++;
            return obj;
          }
          throw new SyntaxError(`unexpected ${text[i]} at ${i}`);
        }
      } catch (e) {
        if (e instanceof Cut) {
          if (pending !== undefined && e.partial !== undefined) obj[pending] = e.partial;
          e.partial = obj;
        }
        throw e;
      }
    }
    if (c === '[') {
      i++;
      const arr: JsonValue[] = [];
      let reading = false;
      try {
        ws();
        if (end()) throw cut();
        if (text[i] === ']') {
          i++;
          return arr;
        }
        for (;;) {
          path.push(arr.length);
          reading = true;
          arr.push(value());
          reading = false;
          path.pop();
          ws();
          if (end()) throw cut();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === ']') {
            i++;
            return arr;
          }
          throw new SyntaxError(`unexpected ${text[i]} at ${i}`);
        }
      } catch (e) {
        if (e instanceof Cut) {
          if (reading && e.partial !== undefined) arr.push(e.partial);
          e.partial = arr;
        }
        throw e;
      }
    }
    if (c === '"') return str();
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) throw new SyntaxError(`unexpected ${c} at ${i}`);
    // A number or literal that reaches the very end may itself be cut short.
    if (i + m[0].length >= text.length) throw cut();
    i += m[0].length;
    return JSON.parse(m[0]) as JsonValue;
  }

  try {
    const v = value();
    return { value: v, cutAt: undefined };
  } catch (e) {
    if (e instanceof Cut) return { value: e.partial, cutAt: e.path };
    return { value: undefined, cutAt: undefined };
  }
}
