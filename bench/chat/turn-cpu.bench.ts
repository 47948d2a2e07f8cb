// `node --import tsx bench/chat/turn-cpu.bench.ts [--iterations 5000]`: the CPU of the pure steps of one "what's
// on today" turn (no database, no HTTP), in microseconds per call, for a few zones. A table, not a test: it shows
// where a turn's own CPU goes and catches a step that gets slower (luxon asks Intl for an IANA zone's offset at
// every conversion unless the zone comes from luxonZone; chrono-node and adaptivecards-templating are the other
// costly parts). The same instant every call: luxonZone's remembered offsets all hit, as midnight's do in a turn.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { calendarFreshness } from '../../src/chat/calendar-freshness.js';
import { isScheduleQuestion, parseQuestion } from '../../src/chat/question.js';
import { eventsForDisplay, renderScheduleAnswer, type DisplayEvent } from '../../src/chat/schedule-card.js';
import { datesToRead } from '../../src/chat/schedule-query.js';
import { resolveUserZone } from '../../src/chat/time-zone.js';

const { values: args } = parseArgs({ options: { iterations: { type: 'string', default: '5000' } } });
const ITERATIONS = Number(args.iterations);
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Pacific/Tongatapu'];
const TEXT = "what's on today";

/** Median of five timed batches, in microseconds per call, after a warm-up batch. */
function microseconds(fn: () => unknown): number {
  for (let i = 0; i < ITERATIONS / 5; i++) fn();
  const batches: number[] = [];
  for (let batch = 0; batch < 5; batch++) {
    const started = performance.now();
    for (let i = 0; i < ITERATIONS; i++) fn();
    batches.push(((performance.now() - started) * 1000) / ITERATIONS);
  }
  return batches.sort((a, b) => a - b)[2]!;
}

const now = new Date();
const rows: [string, ...number[]][] = [];
const add = (step: string, measure: (zone: string) => number) => rows.push([step, ...ZONES.map(measure)]);

/** A busy day in `zone`: eight meetings in office hours, one all-day event, as the bench's seeded users have. */
function busyDay(zone: string): DisplayEvent[] {
  const day = DateTime.fromJSDate(now, { zone }).startOf('day');
  const meetings = Array.from({ length: 8 }, (_, i): DisplayEvent => ({
    subject: `Meeting ${i} with team 3`,
    start: day.set({ hour: 8 + i }).toJSDate(),
    end: day.set({ hour: 8 + i, minute: 45 }).toJSDate(),
    isAllDay: false,
    isCancelled: false,
    showAs: i === 3 ? 'tentative' : 'busy',
    responseStatus: 'accepted',
    location: i % 2 ? 'Room 4' : undefined,
    joinUrl: 'https://teams.microsoft.com/l/meetup-join/bench',
  }));
  const date = day.toISODate()!;
  const allDay: DisplayEvent = {
    subject: 'Out of office', start: new Date(`${date}T00:00:00Z`), end: new Date(new Date(`${date}T00:00:00Z`).getTime() + 86_400_000),
    startDate: date, endDate: DateTime.fromISO(date).plus({ days: 1 }).toISODate()!, isAllDay: true, isCancelled: false, showAs: 'oof',
  };
  return [allDay, ...meetings];
}

add('is it a question (match, no zone)', () => microseconds(() => isScheduleQuestion(TEXT, now)));
add('parse the question in the zone', (zone) => microseconds(() => parseQuestion(TEXT, now, zone)));
add('the user zone (Teams client zone)', (zone) => microseconds(() => resolveUserZone({ client: zone })));
add('freshness', (zone) => microseconds(() => calendarFreshness({ account: { status: 'connected' }, syncState: { status: 'idle', roundsCompleted: 3, lastSuccessAt: now }, now, zone, syncIntervalMs: 300_000 })));
add('dates to read', (zone) => {
  const question = parseQuestion(TEXT, now, zone) as { range: { start: Date; end: Date } };
  return microseconds(() => datesToRead(question.range, zone));
});
add("the day's events for display", (zone) => {
  const question = parseQuestion(TEXT, now, zone) as { range: { start: Date; end: Date } };
  const events = busyDay(zone);
  return microseconds(() => eventsForDisplay(events, question.range, zone));
});
add('render the card (9 rows) + plain text', (zone) => {
  const question = parseQuestion(TEXT, now, zone) as { range: { start: Date; end: Date }; label: string; phrase: string };
  const events = busyDay(zone);
  return microseconds(() => renderScheduleAnswer({ label: question.label, phrase: question.phrase, zone, range: question.range, events }));
});
rows.push(['total', ...ZONES.map((_, i) => rows.reduce((sum, row) => sum + (row[i + 1] as number), 0))]);

console.log(`calbot bench: the pure CPU of one "${TEXT}" turn, µs per call (median of 5 × ${ITERATIONS}); ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
console.log('');
console.log(`| ${'step'.padEnd(38)} | ${ZONES.map((zone) => zone.padStart(17)).join(' | ')} |`);
console.log(`|${'-'.repeat(40)}|${ZONES.map(() => `${'-'.repeat(18)}:`).join('|')}|`);
for (const [step, ...values] of rows) console.log(`| ${step.padEnd(38)} | ${values.map((v) => v.toFixed(1).padStart(17)).join(' | ')} |`);
