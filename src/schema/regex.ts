/**
 * Regex constraints (BEHAVIOR.md §1.5, FORMAT.md §19.3 item 4).
 *
 * Patterns come from schema files, so they are hostile input: a backtracking engine (JS
 * `RegExp`) could be made to run for hours by `(a+)+$`. re2js is a port of RE2 — linear
 * time, no look-around, no back-references — the same family as the Rust `regex` crate the
 * reference uses. The two dialects still differ in a few places; `translateRustRegex`
 * closes the gaps that would otherwise change results silently and refuses the ones it
 * cannot close, so a pattern either means what it meant to the reference or fails loudly:
 *
 * - Rust's `\d \s \w` (and negations) are Unicode-aware; RE2's are ASCII. They are rewritten
 *   to Unicode properties (`\w` ≈ Alphabetic ∪ M ∪ Nd ∪ Pc ∪ Join_Control, as UTS#18).
 * - Rust's `\u{…}`, `\uXXXX`, `\UXXXXXXXX` escapes become `\x{…}`.
 * - `(?u)` (Unicode on — the default) is dropped; `(?-u)` (byte-oriented matching) is refused.
 * - Rust's nested classes and class set operations (`[a[b]]`, `&&`, `--`, `~~`) would be read
 *   by RE2 as literal characters, so they are refused rather than misread.
 *
 * Remaining known difference: `\b`/`\B` are ASCII word boundaries in RE2 but Unicode in Rust
 * (they agree on ASCII text).
 *
 * Matching is an unanchored search (Rust `Regex::is_match`): the pattern may match anywhere.
 */
import { RE2JS } from 're2js';

const WORD_ITEMS = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{200C}\\x{200D}';
const SPACE = '\\p{White_Space}';
const NOT_SPACE = '\\P{White_Space}';
const DIGIT = '\\p{Nd}';
const NOT_DIGIT = '\\P{Nd}';

/** A pattern this port cannot give the reference's meaning; reported like a syntax error. */
export class UnsupportedRegexError {
  constructor(readonly message: string) {}
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Fa-f]$/.test(c);
}

/**
 * Rust `regex` syntax → RE2 syntax with the same meaning (see the module comment).
 * Throws `UnsupportedRegexError` for constructs that cannot be carried over. Anything it
 * does not recognise is copied through for RE2 to accept or reject.
 */
export function translateRustRegex(pattern: string): string {
  let out = '';
  let inClass = false;
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i]!;
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined) return out + c; // trailing backslash: let RE2 report it
      switch (e) {
        case 'd':
          out += DIGIT;
          i += 2;
          continue;
        case 'D':
          out += NOT_DIGIT;
          i += 2;
          continue;
        case 's':
          out += SPACE;
          i += 2;
          continue;
        case 'S':
          out += NOT_SPACE;
          i += 2;
          continue;
        case 'w':
          out += inClass ? WORD_ITEMS : `[${WORD_ITEMS}]`;
          i += 2;
          continue;
        case 'W':
          if (inClass) throw new UnsupportedRegexError('\\W inside a character class is not supported');
          out += `[^${WORD_ITEMS}]`;
          i += 2;
          continue;
        case 'u':
        case 'U': {
          const [hex, len] = readUnicodeEscape(pattern, i, e === 'u' ? 4 : 8);
          out += `\\x{${hex}}`;
          i += len;
          continue;
        }
        default:
          // Copy the escape and, for \p{..}/\x{..}, its braces, so a `[` or `]` inside them
          // is not mistaken for class syntax.
          if ((e === 'p' || e === 'P' || e === 'x') && pattern[i + 2] === '{') {
            const close = pattern.indexOf('}', i + 3);
            const end = close < 0 ? n : close + 1;
            out += pattern.slice(i, end);
            i = end;
          } else {
            out += c + e;
            i += 2;
          }
          continue;
      }
    }
    if (inClass) {
      if (c === ']') {
        inClass = false;
        out += c;
        i++;
        continue;
      }
      if (c === '[') {
        if (pattern[i + 1] === ':') {
          const close = pattern.indexOf(':]', i + 2);
          if (close >= 0) {
            out += pattern.slice(i, close + 2);
            i = close + 2;
            continue;
          }
        }
        throw new UnsupportedRegexError('nested character classes are not supported');
      }
      const pair = pattern.slice(i, i + 2);
      if (pair === '&&' || pair === '--' || pair === '~~') {
        throw new UnsupportedRegexError(`character class set operation ${pair} is not supported`);
      }
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      if (pattern[i] === '^') {
        out += '^';
        i++;
      }
      // A `]` first in a class is a literal in both dialects.
      if (pattern[i] === ']') {
        out += ']';
        i++;
      }
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const m = /^\(\?([A-Za-z-]*)([:)])/.exec(pattern.slice(i, i + 40));
      if (m && m[1]!.length > 0) {
        const flags = m[1]!;
        const dash = flags.indexOf('-');
        const on = dash < 0 ? flags : flags.slice(0, dash);
        const off = dash < 0 ? '' : flags.slice(dash);
        if (off.includes('u')) throw new UnsupportedRegexError('disabling Unicode mode ((?-u)) is not supported');
        const kept = on.replaceAll('u', '') + (off === '-' ? '' : off);
        out += kept.length === 0 ? (m[2] === ':' ? '(?:' : '') : `(?${kept}${m[2]}`;
        i += m[0].length;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out;
}

/** `\u{H..}`, `\uHHHH` or `\UHHHHHHHH` at `at`; returns the hex digits and the escape length. */
function readUnicodeEscape(p: string, at: number, fixed: number): [string, number] {
  if (p[at + 2] === '{') {
    const close = p.indexOf('}', at + 3);
    const hex = close < 0 ? '' : p.slice(at + 3, close);
    if (hex.length === 0 || hex.length > 8 || ![...hex].every(isHex)) {
      throw new UnsupportedRegexError('invalid Unicode escape');
    }
    return [hex, close + 1 - at];
  }
  const hex = p.slice(at + 2, at + 2 + fixed);
  if (hex.length !== fixed || ![...hex].every(isHex)) throw new UnsupportedRegexError('invalid Unicode escape');
  return [hex, 2 + fixed];
}

export type CompiledRegex = { readonly ok: true; readonly re: RE2JS } | { readonly ok: false; readonly error: string };

/**
 * Compiled patterns, shared by every write. Bounded so a stream of distinct hostile patterns
 * cannot grow memory without limit; the oldest entry goes first.
 */
const CACHE_LIMIT = 256;
const cache = new Map<string, CompiledRegex>();

/** Compiles (once) a Rust-dialect pattern; failures are cached too, as their message. */
export function compileRegex(pattern: string): CompiledRegex {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  let result: CompiledRegex;
  try {
    result = { ok: true, re: RE2JS.compile(translateRustRegex(pattern)) };
  } catch (e) {
    result = { ok: false, error: regexErrorText(e) };
  }
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(pattern, result);
  return result;
}

function regexErrorText(e: unknown): string {
  if (e instanceof UnsupportedRegexError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Unanchored search: true when the pattern matches somewhere in `s`. */
export function regexFinds(re: RE2JS, s: string): boolean {
  return re.test(s);
}
