// Preloaded into src/main.ts by process-lifecycle.test.ts: on SIGUSR2, a promise fails with nothing waiting for it,
// as a library's fire-and-forget call does when its database is away.
process.on('SIGUSR2', () => {
  void Promise.reject(new Error('stray rejection for the test'));
});
