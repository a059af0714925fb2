// The suites every runtime runs unchanged (they only need memfs / MemoryStore and the
// golden files): memfs + MemoryStore conformance, the golden read suite, engine suites.
import '../../conformance/memfs.test.ts';
import '../../golden/read.test.ts';
import '../../engine/open.test.ts';
import '../../engine/recovery.test.ts';
import '../../engine/replay.test.ts';
import './more-suites.ts';
import { createMemFs } from '../../../src/fs/memfs.ts';
import { runEngineSuite } from '../../portable/engine-suite.ts';

import { runOpsParity } from '../suites/ops-parity.ts';

runEngineSuite('memfs', () => ({ fs: createMemFs({ directories: ['/db'] }), dir: '/db', cleanup: () => {} }));
runOpsParity('memfs', () => ({ fs: createMemFs({ directories: ['/db'] }), dir: '/db', cleanup: () => {} }));
