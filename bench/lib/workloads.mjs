// Workload ids, labels and how many operations each one performs at a given size.
export const WORKLOADS = [
  { id: 'a', label: 'autocommit inserts, each durable', unit: 'rows/s' },
  { id: 'b', label: 'inserts in one transaction', unit: 'rows/s' },
  { id: 'c', label: 'gets by primary key, seeded random order', unit: 'gets/s' },
  { id: 'd', label: '100 equality queries on indexed grp', unit: 'queries/s' },
  { id: 'd_range', label: '10 range queries returning 1% of rows each', unit: 'queries/s' },
  { id: 'd_scan', label: '10 full scans returning 1% of rows each', unit: 'queries/s' },
  { id: 'e', label: 'close, reopen, first get', unit: '' },
  { id: 'e_ckpt', label: 'close, reopen, first get — after checkpoint', unit: '' },
  { id: 'f', label: 'checkpoint', unit: '' },
  { id: 'g', label: 'compaction after overwriting every row twice', unit: '' },
];

/**
 * Rows written by workload (a) per engine: durable per-row commits cost a few fsyncs each,
 * and lokijs rewrites its whole file per write (quadratic), so (a) runs fewer rows than N
 * (the issue allows it); the figure is per second either way.
 */
export function autocommitCount(engine, quick) {
  if (engine === 'lokijs') return quick ? 50 : 500;
  return quick ? 200 : 2000;
}
