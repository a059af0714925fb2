/**
 * SQL tokens. Keywords are not reserved (BEHAVIOR.md §6.8): every word is an `ident`
 * token and the parser decides by position. Whitespace is any Unicode whitespace.
 * String literals use single quotes with '' as the escape; there are no double-quoted
 * identifiers. Positions are 0-based UTF-16 offsets into the text (errors print them 1-based).
 */
import { sqlError } from './errors.ts';

export type TokenKind = 'ident' | 'number' | 'string' | 'param' | 'punct' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier/number source text, string literal value, or punctuation. */
  readonly text: string;
  readonly pos: number;
}

/** Longest SQL text accepted; the parser is linear but the input comes from users. */
export const MAX_SQL_LENGTH = 1 << 20;

const PUNCT2 = ['<=', '>=', '<>', '!='];
const PUNCT1 = '*,.()=<>;-+/%|';

function isIdentStart(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '_';
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

export function tokenize(text: string): Token[] {
  if (typeof text !== 'string') throw sqlError('Syntax', 'SQL text must be a string', 0);
  if (text.length > MAX_SQL_LENGTH) throw sqlError('Syntax', `SQL text longer than ${MAX_SQL_LENGTH} characters`, 0);
  const out: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (/\s/u.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (isIdentStart(c)) {
      while (i < n && (isIdentStart(text[i]!) || isDigit(text[i]!))) i++;
      out.push({ kind: 'ident', text: text.slice(start, i), pos: start });
      continue;
    }
    if (isDigit(c)) {
      while (i < n && isDigit(text[i]!)) i++;
      if (text[i] === '.' && i + 1 < n && isDigit(text[i + 1]!)) {
        i++;
        while (i < n && isDigit(text[i]!)) i++;
      }
      if ((text[i] === 'e' || text[i] === 'E') && /^[eE][+-]?[0-9]/.test(text.slice(i, i + 3))) {
        i += text[i + 1] === '+' || text[i + 1] === '-' ? 2 : 1;
        while (i < n && isDigit(text[i]!)) i++;
      }
      if (i < n && isIdentStart(text[i]!)) throw sqlError('Syntax', 'invalid integer literal', start);
      out.push({ kind: 'number', text: text.slice(start, i), pos: start });
      continue;
    }
    if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= n) throw sqlError('Syntax', 'unterminated string literal', start);
        const d = text[i]!;
        if (d === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += d;
        i++;
      }
      out.push({ kind: 'string', text: value, pos: start });
      continue;
    }
    if (c === '?') {
      out.push({ kind: 'param', text: '?', pos: start });
      i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (PUNCT2.includes(two)) {
      out.push({ kind: 'punct', text: two, pos: start });
      i += 2;
      continue;
    }
    if (PUNCT1.includes(c)) {
      out.push({ kind: 'punct', text: c, pos: start });
      i++;
      continue;
    }
    const cp = String.fromCodePoint(text.codePointAt(i)!);
    if (c === '"' || c === '`' || c === '[') throw sqlError('Unsupported', `quoted identifiers (${c}) are not supported`, start, { construct: 'quoted identifier' });
    throw sqlError('Syntax', `unsupported character in SQL: '${cp}'`, start);
  }
  out.push({ kind: 'end', text: '', pos: n });
  return out;
}
