/**
 * JSON text for the --json output. JSON.stringify cannot write a bigint, and
 * a 64-bit counter must not pass through a float (2^53 and above would be
 * rounded), so values are written here: bigints as their decimal digits,
 * everything else as JSON.stringify writes it. Compact, keys in insertion
 * order, like `ip -json`.
 */
export type JsonValue = null | boolean | number | bigint | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export function writeJson(value: JsonValue): string {
  const parts: string[] = [];
  const write = (v: JsonValue): void => {
    if (typeof v === 'bigint') {
      parts.push(v.toString());
    } else if (v === null || typeof v !== 'object') {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`not a JSON number: ${v}`);
      parts.push(JSON.stringify(v));
    } else if (Array.isArray(v)) {
      parts.push('[');
      v.forEach((item: JsonValue, i: number) => {
        if (i > 0) parts.push(',');
        write(item);
      });
      parts.push(']');
    } else {
      parts.push('{');
      let first = true;
      for (const [key, item] of Object.entries(v as { [key: string]: JsonValue })) {
        if (!first) parts.push(',');
        first = false;
        parts.push(JSON.stringify(key), ':');
        write(item);
      }
      parts.push('}');
    }
  };
  write(value);
  return parts.join('');
}
