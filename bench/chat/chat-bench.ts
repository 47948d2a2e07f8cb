// Entry point for the shared runner (`node bench/run.mjs chat`, bench/<name>/<name>-bench.ts): the ask benchmark with
export {};
// its defaults, on the database the runner started. Flags: run bench/chat/ask.bench.ts directly (see its header).
await import('./ask.bench.js');
