/**
 * `modelvault inspect FILE [--json]`: the file's structure — header, both superblocks and
 * which one is selected, the manifest and checkpoint pointers, segment counts by type, how
 * the log ends (torn tail?) and what recovery would do, and the collections a read-only
 * auto-truncate open sees. Raw read: no lock, never writes.
 */
import type { CliCommand } from '../command.ts';
import { EXIT_FAILURE, EXIT_OK } from '../command.ts';
import { analyzeImage, bufferSource, decodeFileHeader, validateManifest } from '../../engine/open.ts';
import { computeSafePrefix } from '../../engine/recovery.ts';
import { isModelVaultError } from '../../errors.ts';
import { SEGMENT_HEADER_SIZE, SEGMENT_START, SUPERBLOCK_A_OFFSET, SUPERBLOCK_B_OFFSET, SUPERBLOCK_SIZE, segmentTypeName } from '../../format/constants.ts';
import { scanTolerant } from '../../format/segment.ts';
import { decodeSuperblock, selectSuperblock } from '../../format/superblock.ts';
import { errorJson, parseArgs, readDatabaseFile } from './file-args.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** u64 values as JSON numbers when exact, else as decimal strings. */
function num(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

function codeOf(e: unknown): string {
  return isModelVaultError(e) ? e.code : String(e);
}

export function inspectImage(path: string, image: Uint8Array): { [k: string]: Json } {
  const header = decodeFileHeader(image);
  const L = image.length;
  const out: { [k: string]: Json } = {
    path,
    file_size: L,
    header: {
      format_major: header.major,
      format_minor: header.minor,
      header_size: header.headerSize,
      flags: num(header.flags),
    },
  };
  if (L < SEGMENT_START) {
    out.problem = `file shorter than ${SEGMENT_START} bytes: no superblocks or log`;
    return out;
  }
  const slots: Json[] = [];
  for (const [slot, offset] of [['A', SUPERBLOCK_A_OFFSET], ['B', SUPERBLOCK_B_OFFSET]] as const) {
    try {
      const sb = decodeSuperblock(image.subarray(offset, offset + SUPERBLOCK_SIZE));
      slots.push({
        slot,
        offset,
        valid: true,
        version: sb.version,
        generation: num(sb.generation),
        manifest_offset: num(sb.manifestOffset),
        manifest_len: sb.manifestLen,
        checkpoint_offset: num(sb.checkpointOffset),
        checkpoint_len: sb.checkpointLen,
      });
    } catch (e) {
      slots.push({ slot, offset, valid: false, error: codeOf(e) });
    }
  }
  out.superblocks = slots;
  const selected = selectSuperblock(
    image.subarray(SUPERBLOCK_A_OFFSET, SUPERBLOCK_A_OFFSET + SUPERBLOCK_SIZE),
    image.subarray(SUPERBLOCK_B_OFFSET, SUPERBLOCK_B_OFFSET + SUPERBLOCK_SIZE),
  );
  out.selected_superblock = selected?.slot ?? null;
  if (selected !== null && selected.sb.manifestOffset !== 0n) {
    try {
      validateManifest(image, selected.sb);
      out.manifest = { offset: num(selected.sb.manifestOffset), valid: true };
    } catch (e) {
      out.manifest = { offset: num(selected.sb.manifestOffset), valid: false, error: codeOf(e) };
    }
  } else {
    out.manifest = null;
  }
  try {
    const scan = scanTolerant(bufferSource(image), SEGMENT_START);
    const byType: { [k: string]: number } = {};
    for (const s of scan.segments) {
      const n = segmentTypeName(s.type);
      byType[n] = (byType[n] ?? 0) + 1;
    }
    out.segment_count = scan.segments.length;
    out.segment_count_by_type = Object.fromEntries(Object.entries(byType).sort(([a], [b]) => (a < b ? -1 : 1)));
    const left = L - scan.stoppedAt;
    out.log_end = scan.torn
      ? {
          offset: scan.stoppedAt,
          torn: true,
          problem:
            left < SEGMENT_HEADER_SIZE
              ? `${left} trailing bytes (shorter than a segment header)`
              : 'segment payload extends past end of file',
        }
      : { offset: L, torn: false, problem: null };
    const prefix = computeSafePrefix(image, scan, header.minor, L);
    out.recovery = { safe_end: prefix.safeEnd, reason: prefix.reason, would_truncate: L - prefix.safeEnd };
  } catch (e) {
    out.log_error = { code: codeOf(e), message: e instanceof Error ? e.message : String(e), offset: offsetOf(e) };
    return out;
  }
  try {
    const a = analyzeImage(image, 'auto-truncate');
    out.checkpoint = a.checkpoint;
    out.collections = a.state.catalog.list().map((c) => ({
      id: c.id,
      name: c.name,
      schema_version: c.schemaVersion,
      indexes: c.indexes.length,
      rows: a.state.rows.count(c.id),
    }));
  } catch (e) {
    out.open_error = { code: codeOf(e), message: e instanceof Error ? e.message : String(e), offset: offsetOf(e) };
  }
  return out;
}

function offsetOf(e: unknown): Json {
  const o = isModelVaultError(e) ? e.details.offset : undefined;
  return typeof o === 'number' ? o : typeof o === 'bigint' ? num(o) : null;
}

function text(r: { [k: string]: Json }): string {
  const lines: string[] = [];
  const h = r.header as { [k: string]: Json };
  lines.push(`path: ${r.path}`, `file_size: ${r.file_size}`, `format: ${h.format_major}.${h.format_minor}`);
  if (typeof r.problem === 'string') lines.push(`problem: ${r.problem}`);
  for (const s of (r.superblocks ?? []) as { [k: string]: Json }[]) {
    lines.push(
      s.valid
        ? `superblock ${s.slot}: generation=${s.generation} manifest_offset=${s.manifest_offset} checkpoint_offset=${s.checkpoint_offset} checkpoint_len=${s.checkpoint_len} (v${s.version})`
        : `superblock ${s.slot}: invalid (${s.error})`,
    );
  }
  if (r.superblocks !== undefined) lines.push(`selected_superblock: ${r.selected_superblock ?? 'none_valid'}`);
  const m = r.manifest as { [k: string]: Json } | null | undefined;
  if (m) lines.push(`manifest: offset=${m.offset} ${m.valid ? 'valid' : `invalid (${m.error})`}`);
  if (r.segment_count !== undefined) {
    const by = Object.entries(r.segment_count_by_type as { [k: string]: number }).map(([k, v]) => `${k}=${v}`);
    lines.push(`segments: ${r.segment_count} (${by.join(' ')})`);
    const end = r.log_end as { [k: string]: Json };
    lines.push(end.torn ? `log_end: torn at ${end.offset}: ${end.problem}` : `log_end: clean at ${end.offset}`);
    const rec = r.recovery as { [k: string]: Json };
    lines.push(`recovery: safe_end=${rec.safe_end} reason=${rec.reason ?? 'none'} would_truncate=${rec.would_truncate}`);
  }
  const err = (r.log_error ?? r.open_error) as { [k: string]: Json } | undefined;
  if (err) lines.push(`error: ${err.code}${err.offset === null ? '' : ` at offset ${err.offset}`}: ${err.message}`);
  if (r.checkpoint !== undefined) lines.push(`checkpoint: ${r.checkpoint}`);
  if (r.collections !== undefined) {
    const cs = r.collections as { [k: string]: Json }[];
    lines.push(`collections: ${cs.length}`);
    for (const c of cs) lines.push(`- ${c.name} (id=${c.id}, schema_version=${c.schema_version}, indexes=${c.indexes}, rows=${c.rows})`);
  }
  return `${lines.join('\n')}\n`;
}

export const inspectCommand: CliCommand = {
  summary: 'describe the file: header, superblocks, segments, log end, recovery, collections',
  usage: '<file> [--json]',
  run(args, io) {
    const a = parseArgs(args, ['--json'], []);
    let report: { [k: string]: Json };
    try {
      report = inspectImage(a.file, readDatabaseFile(a.file));
    } catch (e) {
      if (a.flags.has('--json')) io.stdout(errorJson(e));
      else io.stderr(`inspect: ${codeOf(e)}: ${e instanceof Error ? e.message : String(e)}\n`);
      return EXIT_FAILURE;
    }
    io.stdout(a.flags.has('--json') ? `${JSON.stringify(report, null, 2)}\n` : text(report));
    return EXIT_OK;
  },
};
