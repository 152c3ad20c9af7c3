/**
 * JSON.parse with a description of what is wrong that never quotes the input. V8's own message repeats the
 * start of the text (`Unexpected token 's', "{"a": s3cr…" is not valid JSON`), which must not reach a log
 * when the text is a secrets file or a server's answer.
 */
export type JsonParse = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, problem: jsonProblem(text, err) };
  }
}

function jsonProblem(text: string, err: unknown): string {
  if (text.trim() === '') return 'it is empty';
  const message = err instanceof Error ? err.message : '';
  if (/Unexpected end of JSON input/.test(message)) return 'it ends before the JSON is complete';
  const at = /at position (\d+)/.exec(message);
  if (at) {
    const offset = Number(at[1]);
    if (offset >= text.trimEnd().length) return 'it ends before the JSON is complete';
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    return `it is not valid JSON at line ${line}, column ${column}`;
  }
  return 'it is not valid JSON';
}
