/**
 * The single errno → `Io.*` mapping, and Node-specific failures the conformance suite
 * cannot provoke portably.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelVaultError } from '../../src/errors.ts';
import { checkOffset, checkRange, mapIoError } from '../../src/fs/errors.ts';
import { nodeFs } from '../../src/fs/node.ts';
import { expectCode, thrown } from '../conformance/fsops-suite.ts';

const sys = (code: string) => Object.assign(new Error(`${code}: boom`), { code });

describe('mapIoError', () => {
  it.each([
    ['ENOENT', 'Io.NotFound'],
    ['ENOTDIR', 'Io.NotFound'],
    ['EEXIST', 'Io.AlreadyExists'],
    ['EACCES', 'Io.PermissionDenied'],
    ['EPERM', 'Io.PermissionDenied'],
    ['EROFS', 'Io.PermissionDenied'],
    ['ENOSPC', 'Io.NoSpace'],
    ['EDQUOT', 'Io.NoSpace'],
    ['EIO', 'Io.IoError'],
    ['EMFILE', 'Io.IoError'],
    ['EAGAIN', 'Io.WouldBlock'],
    ['EWOULDBLOCK', 'Io.WouldBlock'],
    ['EISDIR', 'Io.IsDirectory'],
    ['EBADF', 'Io.Closed'],
  ])('%s → %s, keeping the cause and details', (errno, code) => {
    const cause = sys(errno);
    const e = mapIoError(cause, 'open', '/x/y');
    expect(e).toBeInstanceOf(ModelVaultError);
    expect(e.code).toBe(code);
    expect(e.kind).toBe('Io');
    expect(e.cause).toBe(cause);
    expect(e.details).toEqual({ errno, syscall: 'open', path: '/x/y' });
    expect(e.message).toContain('/x/y');
  });

  it('maps Deno error classes by name', () => {
    const denoLike = (name: string) => Object.assign(new Error('x'), { name });
    expect(mapIoError(denoLike('NotFound'), 'open', 'p').code).toBe('Io.NotFound');
    expect(mapIoError(denoLike('AlreadyExists'), 'open', 'p').code).toBe('Io.AlreadyExists');
    expect(mapIoError(denoLike('PermissionDenied'), 'open', 'p').code).toBe('Io.PermissionDenied');
    expect(mapIoError(denoLike('NotCapable'), 'open', 'p').code).toBe('Io.PermissionDenied');
    expect(mapIoError(denoLike('IsADirectory'), 'open', 'p').code).toBe('Io.IsDirectory');
    expect(mapIoError(denoLike('BadResource'), 'read', 'p').code).toBe('Io.Closed');
  });

  it('anything else is Io.IoError, and ModelVaultErrors pass through', () => {
    expect(mapIoError('a string', 'read', 'p').code).toBe('Io.IoError');
    expect(mapIoError(new TypeError('weird'), 'read', 'p').code).toBe('Io.IoError');
    const typed = new ModelVaultError('Io.NoSpace', 'full');
    expect(mapIoError(typed, 'write', 'p')).toBe(typed);
  });

  it('offsets must be non-negative safe integers', () => {
    expect(() => checkOffset(0, 'position', 'read', 'p')).not.toThrow();
    expect(() => checkOffset(2 ** 53 - 1, 'position', 'read', 'p')).not.toThrow();
    expectCode(() => checkOffset(-0.5, 'position', 'read', 'p'), 'Io.InvalidArgument');
    expectCode(() => checkRange(2 ** 53 - 10, 11, 'read', 'p'), 'Io.InvalidArgument');
    expect(() => checkRange(2 ** 53 - 10, 9, 'read', 'p')).not.toThrow();
  });
});

describe('node adapter failures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelvault-errors-'));
  afterAll(() => {
    try {
      chmodSync(join(dir, 'ro'), 0o755);
    } catch {
      // the permission test did not run
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const fs = nodeFs();
  const root = process.getuid?.() === 0;

  it('removing a directory is refused with a typed error', () => {
    mkdirSync(join(dir, 'sub'));
    // Linux says EISDIR, macOS EPERM.
    expect(['Io.IsDirectory', 'Io.PermissionDenied']).toContain(thrown(() => fs.remove(join(dir, 'sub'))).code);
  });

  it.runIf(!root && process.platform !== 'win32')('a read-only directory gives Io.PermissionDenied', () => {
    mkdirSync(join(dir, 'ro'));
    writeFileSync(join(dir, 'ro', 'f'), 'x');
    chmodSync(join(dir, 'ro'), 0o555);
    expectCode(() => fs.open(join(dir, 'ro', 'new'), 'create'), 'Io.PermissionDenied');
    expectCode(() => fs.lock(join(dir, 'ro', 'f.writer.lock'), 'shared'), 'Io.PermissionDenied');
    expectCode(() => fs.remove(join(dir, 'ro', 'f')), 'Io.PermissionDenied');
  });
});
