// Write-path, transaction and query suites that need only memfs / in-memory databases and
// the golden files, so every runtime (including the browser) runs them unchanged.
import '../../write/writes.test.ts';
import '../../write/transactions.test.ts';
import '../../query/golden-queries.test.ts';
import '../../query/typed.test.ts';
import '../../query/sql.test.ts';
