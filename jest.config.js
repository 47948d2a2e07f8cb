// ESM all the way: Agenda 6 ships ESM only, so jest runs under --experimental-vm-modules (set by test/run.mjs)
// and ts-jest emits ES modules. Type checking is a separate step (`npm run typecheck`), so transforms stay fast.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
  // Under --experimental-vm-modules a worker keeps every test file's module graph: after a run of e2e suites one held
  // 2 GB and the big phrase table took 373 s there against 10 s in a fresh worker. A worker over this is replaced.
  workerIdleMemoryLimit: '1GB',
};
