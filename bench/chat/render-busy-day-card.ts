// `node --import tsx bench/chat/render-busy-day-card.ts [out.json]`: the schedule card of a busy day (conflicts,
// declined and tentative meetings, Join buttons, an all-day event, a stale-data footnote with its "Sync now"
// button) as Teams receives it.
// Writes the card JSON for docs/ and for the PNG renderer (bench/chat/render-card-png.mjs).
import { writeFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { renderScheduleAnswer, type DisplayEvent } from '../../src/chat/schedule-card.js';

const zone = 'Europe/Berlin';
const day = DateTime.fromISO('2026-11-26T00:00', { zone });
const at = (hour: number, minute = 0) => day.set({ hour, minute }).toJSDate();
const meeting = (subject: string, start: Date, minutes: number, extra: Partial<DisplayEvent> = {}): DisplayEvent => ({
  subject, start, end: new Date(start.getTime() + minutes * 60_000), isAllDay: false, isCancelled: false, showAs: 'busy', responseStatus: 'accepted', ...extra,
});
const join = (id: string) => `https://teams.microsoft.com/l/meetup-join/${id}`;
const events: DisplayEvent[] = [
  { subject: 'Thanksgiving (US office closed)', start: new Date('2026-11-26T00:00:00Z'), end: new Date('2026-11-27T00:00:00Z'), startDate: '2026-11-26', endDate: '2026-11-27', isAllDay: true, isCancelled: false, showAs: 'free' },
  meeting('Daily standup', at(9), 15, { location: 'Teams', joinUrl: join('standup') }),
  meeting('Design review: calendar sync v2', at(9, 30), 60, { location: 'Room 4.12 "Ada"', joinUrl: join('design') }),
  meeting('Interview: senior engineer', at(10), 45, { location: 'Room 2.01', responseStatus: 'tentativelyaccepted' }),
  meeting('Vendor pitch', at(11), 30, { responseStatus: 'declined', joinUrl: join('vendor') }),
  meeting('Lunch with Grace', at(12, 30), 60, { location: 'Canteen' }),
  meeting('1:1 with Bob', at(14), 30, { joinUrl: join('one-on-one') }),
  meeting('Quarterly planning **(all hands)**', at(14, 15), 90, { location: 'Auditorium', joinUrl: join('planning') }),
  meeting('Focus time', at(16), 60, { showAs: 'free' }),
  meeting('Customer call: Contoso <escalation>', at(17), 30, { joinUrl: join('contoso') }),
  meeting('Release go/no-go', at(18), 30, { showAs: 'tentative', joinUrl: join('release') }),
];
const answer = renderScheduleAnswer({
  label: 'Thursday · Thu 26 Nov',
  phrase: 'on Thu 26 Nov',
  zone,
  range: { start: day.toJSDate(), end: day.plus({ days: 1 }).toJSDate() },
  events,
  footnote: 'As of 08:42 · syncing is running late; newer changes aren\'t in yet.',
  footnoteAction: { title: 'Sync now', command: 'sync now' },
});
const out = process.argv[2] ?? 'docs/busy-day-card.json';
writeFileSync(out, `${JSON.stringify(answer.attachment.content, null, 2)}\n`);
console.log(answer.text);
console.log(`\nwrote ${out} (${Buffer.byteLength(JSON.stringify(answer.attachment.content))} bytes)`);
