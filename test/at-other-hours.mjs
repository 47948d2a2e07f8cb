// `npm run test:hours [-- instant ...]`: the whole suite again with the clock set to instants where "today",
// "this week" and "tomorrow" are easy to get wrong (a Monday, a Sunday, the minutes before midnight in Berlin and
// New York, the year's last day, both DST changes, 15:00 in Berlin). Everything calbot and the tests compute from
// the clock starts there and runs on, through libfaketime (Debian's `faketime`); FerretDB, a Go binary, keeps the
// real clock, which nothing compares against. Not part of `npm test`: a run per instant takes as long as `npm test`.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** UTC instants, each with why it is here. */
const INSTANTS = [
  ['2026-12-07 13:56:00', 'Monday, 14:56 in Berlin: yesterday is last week; 15:00 is minutes away'],
  ['2026-12-06 23:10:00', 'Sunday 23:10 UTC, already Monday 00:10 in Berlin'],
  ['2027-03-28 00:50:00', 'Sunday, minutes before Berlin springs forward; tomorrow is next week'],
  ['2027-10-31 00:40:00', 'Sunday, Berlin falls back at 01:00 UTC'],
  ['2026-12-31 22:58:00', 'two minutes to the new year in Berlin; still 17:58 in New York'],
  ['2027-01-02 11:32:00', 'Saturday midday: no working hours in Berlin'],
  ['2026-12-02 04:55:00', '23:55 in New York, 05:55 in Berlin'],
  ['2026-12-03 21:07:00', '22:07 in Berlin: a meeting 90 minutes away runs past midnight'],
  ['2026-12-03 22:07:00', '23:07 in Berlin: "the next 2 hours" run past midnight, and so does a meeting in them'],
  ['2027-09-10 09:30:00', 'a Friday in September: month names (ICU\'s en-GB writes "Sept", calbot "Sep")'],
];

const chosen = process.argv.length > 2 ? process.argv.slice(2).map((instant) => [instant, 'given']) : INSTANTS;
const which = spawnSync('faketime', ['-f', '+0', 'true']);
if (which.error || which.status !== 0) {
  console.error('test:hours needs libfaketime: apt-get install faketime');
  process.exit(2);
}

const results = [];
for (const [instant, why] of chosen) {
  console.log(`\n=== ${instant} UTC: ${why}`);
  const run = spawnSync('faketime', ['-f', `@${instant}`, process.execPath, join(root, 'test', 'run.mjs')], {
    cwd: root,
    // Timers and timeouts keep real time: only the wall clock moves.
    env: { ...process.env, FAKETIME_DONT_FAKE_MONOTONIC: '1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  results.push({ instant, why, ok: run.status === 0 });
}

console.log('\n| instant (UTC) | why | suite |\n|---|---|---|');
for (const { instant, why, ok } of results) console.log(`| ${instant} | ${why} | ${ok ? 'passed' : '**FAILED**'} |`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
