/**
 * Reference messages embed numbers the way Rust's `Display` prints them; the texts are part
 * of the observable behaviour (golden files compare them), so they are reproduced exactly.
 */

/**
 * Rust `{}` of an `f64`: shortest round-trip digits (the same digits JS picks), but never
 * exponent notation, `inf`/`-inf`/`NaN`, and a visible sign on negative zero.
 */
export function formatF64(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const s = String(Math.abs(x));
  const e = s.indexOf('e');
  if (e < 0) return sign + s;
  const mantissa = s.slice(0, e);
  const exponent = Number(s.slice(e + 1));
  const digits = mantissa.replace('.', '');
  const point = 1 + exponent; // position of the decimal point within `digits`
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Rust `{:?}` of a `Vec<String>`: `["a", "b"]`. */
export function debugStringList(items: readonly string[]): string {
  return `[${items.map(debugString).join(', ')}]`;
}

/**
 * Rust `{:?}` of a `&str`: double-quoted, with `char::escape_debug` for the characters that
 * names realistically contain (quote, backslash, \t \r \n \0, other control characters as
 * `\u{..}`); everything else prints as itself.
 */
export function debugString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\0') out += '\\0';
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}
