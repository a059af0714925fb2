// What the numbers were measured on.
import { cpus, totalmem, release, platform, arch, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';

function fsType(dir) {
  try {
    return execFileSync('df', ['-T', dir], { encoding: 'utf8' }).trim().split('\n').pop().split(/\s+/)[1];
  } catch {
    return 'unknown';
  }
}

export function machine(dataDir) {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    data_dir: dataDir,
    data_fs: fsType(dataDir),
    load_avg_at_start: loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString(),
  };
}
