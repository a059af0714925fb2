/**
 * Name normalisation and limits (BEHAVIOR.md §3.5, FORMAT.md §6.2/§6.7/§19.2 item 15).
 *
 * The reference trims with Rust's `str::trim`, i.e. the Unicode `White_Space` property.
 * JavaScript's `String.prototype.trim` uses a different set (it strips U+FEFF, keeps U+0085),
 * so names would normalise differently and collide or not collide differently; the set is
 * spelled out here instead.
 */
import { schemaError } from '../errors.ts';
import { isWellFormedUnicode, utf8ByteLength } from './text.ts';

/** Catalog strings (collection, primary-field and index names) are limited to 1023 UTF-8 bytes. */
export const MAX_NAME_BYTES = 1023;

/** Unicode White_Space (PropList.txt) — exactly what `char::is_whitespace` accepts. */
export function isRustWhitespace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Rust `str::trim`. Every White_Space character is in the BMP, so UTF-16 units suffice. */
export function rustTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isRustWhitespace(s.charCodeAt(start))) start++;
  while (end > start && isRustWhitespace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

function nameFits(s: string): boolean {
  // Cheap pre-check: each UTF-16 unit is at least one UTF-8 byte.
  if (s.length === 0 || s.length > MAX_NAME_BYTES) return false;
  return utf8ByteLength(s) <= MAX_NAME_BYTES;
}

/**
 * The collection name as registration stores it: trimmed, 1..=1023 UTF-8 bytes, and
 * representable in UTF-8 (no lone surrogates) → else `Schema.InvalidCollectionName`.
 */
export function normalizeCollectionName(name: string): string {
  if (typeof name !== 'string') throw schemaError('InvalidCollectionName', 'invalid collection name', { reason: 'not a string' });
  const trimmed = rustTrim(name);
  if (!nameFits(trimmed)) {
    throw schemaError('InvalidCollectionName', 'invalid collection name', {
      reason: trimmed.length === 0 ? 'empty after trimming' : 'longer than 1023 UTF-8 bytes',
    });
  }
  if (!isWellFormedUnicode(trimmed)) {
    throw schemaError('InvalidCollectionName', 'invalid collection name', { reason: 'not valid Unicode' });
  }
  return trimmed;
}

/**
 * Name lookups (`collectionIdNamed`) trim the argument the same way but never fail on
 * length: an over-long name simply is not registered.
 */
export function normalizeCollectionLookupName(name: string): string {
  return rustTrim(name);
}

/**
 * The primary-field argument of registration, trimmed. Blank → `Schema.InvalidCollectionName`
 * (the reference's variant, kept for parity). Over 1023 bytes is refused with the same
 * variant: the reference would write a catalog record its own decoder rejects.
 */
export function normalizePrimaryFieldName(primaryField: string): string {
  if (typeof primaryField !== 'string') throw schemaError('InvalidCollectionName', 'invalid collection name', { reason: 'primary field is not a string' });
  const trimmed = rustTrim(primaryField);
  if (trimmed.length === 0) throw schemaError('InvalidCollectionName', 'invalid collection name', { reason: 'blank primary field' });
  if (!nameFits(trimmed)) {
    throw schemaError('InvalidCollectionName', 'invalid collection name', { reason: 'primary field name longer than 1023 UTF-8 bytes' });
  }
  return trimmed;
}

/**
 * Index names are not trimmed by the engine (matched by exact name), but the catalog decoder
 * requires 1..=1023 bytes, so anything else would make the file unopenable.
 * Port-specific code `Schema.InvalidIndexName` — the reference has no variant (it poisons).
 */
export function checkIndexName(name: string): void {
  if (typeof name !== 'string' || !nameFits(name)) {
    throw schemaError('InvalidIndexName', `invalid index name: ${typeof name === 'string' && name.length === 0 ? 'empty' : 'longer than 1023 UTF-8 bytes'}`, {
      name,
    });
  }
  if (!isWellFormedUnicode(name)) throw schemaError('InvalidIndexName', 'invalid index name: not valid Unicode', { name });
}
