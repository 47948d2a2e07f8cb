import { spawnSync } from 'node:child_process';
import { DateTime } from 'luxon';
import { asksToChangeCalendar, isScheduleQuestion, lastQuestionOf, matchesSubject, MAX_NEXT_COUNT, parseQuestion, readsDayFirst, type Question, type UnsupportedSpan } from '../../src/chat/question.js';

// Fixed clocks, each with the zone the expectations are written in (local wall-clock ISO, end exclusive).
const LONDON = { now: new Date('2026-11-26T10:42:00Z'), zone: 'Europe/London' }; // Thu 26 Nov 10:42 GMT
const AUCKLAND = { now: new Date('2026-11-26T23:30:00Z'), zone: 'Pacific/Auckland' }; // Fri 27 Nov 12:30 NZDT
const HONOLULU = { now: new Date('2026-11-27T08:00:00Z'), zone: 'Pacific/Honolulu' }; // Thu 26 Nov 22:00 HST
const NEW_YORK_DST = { now: new Date('2026-03-07T14:00:00Z'), zone: 'America/New_York' }; // Sat 7 Mar 09:00, clocks go forward Sun 8 Mar
const LONDON_DST = { now: new Date('2026-10-24T11:00:00Z'), zone: 'Europe/London' }; // Sat 24 Oct 12:00 BST, clocks go back Sun 25 Oct
// Late and early in the day, when the user's date is not UTC's (nor a European server's): a day read in the server's zone shows.
const NEW_YORK = { now: new Date('2026-11-26T02:00:00Z'), zone: 'America/New_York' }; // Wed 25 Nov 21:00 EST, Thursday in UTC
const TOKYO = { now: new Date('2026-11-25T20:00:00Z'), zone: 'Asia/Tokyo' }; // Thu 26 Nov 05:00 JST, Wednesday in UTC
const AUCKLAND_EARLY = { now: new Date('2026-11-25T12:00:00Z'), zone: 'Pacific/Auckland' }; // Thu 26 Nov 01:00 NZDT, Wednesday in UTC

type Clock = typeof LONDON;
/** `subject`: the words of the meetings named (the answer lists only those), or null for none; absent: not checked. */
type Row = [text: string, clock: Clock, kind: Question['kind'] | UnsupportedSpan['kind'] | undefined, start?: string, end?: string, subject?: string | null];

const L = LONDON;
const rows: Row[] = [
  // today
  ['today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ["What's on today?", L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['whats on today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['What’s on 2day', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['TODAY!!!', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['my meetings today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['agenda', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['schedule', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['show my calendar', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['show my calender', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ["what's on", L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['what do i have today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  // parts of the day: morning until noon, afternoon until 17:00, evening (tonight) until midnight
  ['any meetings this afternoon', L, 'agenda', '2026-11-26T12:00', '2026-11-26T17:00'],
  ['what is on tonight', L, 'agenda', '2026-11-26T17:00', '2026-11-27T00:00'],
  ['anything on tonite?', L, 'agenda', '2026-11-26T17:00', '2026-11-27T00:00'],
  ['whats on tomorrow morning', L, 'agenda', '2026-11-27T00:00', '2026-11-27T12:00'],
  ['meetings on monday evening', L, 'agenda', '2026-11-30T17:00', '2026-12-01T00:00'],
  // a day's night is its evening, as tonight is
  ['tomorrow night', L, 'agenda', '2026-11-27T17:00', '2026-11-28T00:00'],
  ['am i free tomorrow night', L, 'free-at', '2026-11-27T17:00', '2026-11-28T00:00'],
  ['anything on monday night', L, 'agenda', '2026-11-30T17:00', '2026-12-01T00:00'],
  ['what did i have last night', L, 'agenda', '2026-11-25T17:00', '2026-11-26T00:00'],
  // a weekday asked about in the past tense: the one gone by this week (it was the coming one)
  ['what did i have on monday', L, 'agenda', '2026-11-23T00:00', '2026-11-24T00:00'],
  ['what was on tuesday?', L, 'agenda', '2026-11-24T00:00', '2026-11-25T00:00'],
  ['meetings i missed on friday', L, 'agenda', '2026-11-20T00:00', '2026-11-21T00:00'],
  ['what did i have on dec 3', L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  // ... however the past is asked (these were the coming weekday's)
  ['who did i meet on monday', L, 'agenda', '2026-11-23T00:00', '2026-11-24T00:00'],
  ['did i meet bob on tuesday', L, 'agenda', '2026-11-24T00:00', '2026-11-25T00:00'],
  ['what was my first meeting on monday', L, 'agenda', '2026-11-23T00:00', '2026-11-24T00:00'],
  ['when was standup on monday', L, 'agenda', '2026-11-23T00:00', '2026-11-24T00:00', 'standup'],
  ['what do i have on monday', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  ['who am i meeting on monday', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  ['morning meetings', L, 'agenda', '2026-11-26T00:00', '2026-11-26T12:00'],
  ['this week mornings', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00'],
  ['am i free this afternoon', L, 'free-at', '2026-11-26T12:00', '2026-11-26T17:00'],
  ['am i free this morning', L, 'free-at', '2026-11-26T10:45', '2026-11-26T12:00'],
  ['am i free tonight', L, 'free-at', '2026-11-26T17:00', '2026-11-27T00:00'],
  ['am i free tomorrow afternoon at 3', L, 'free-at', '2026-11-27T15:00', '2026-11-27T15:30'],
  ['am i free tomorrow morning at 7', L, 'free-at', '2026-11-27T07:00', '2026-11-27T07:30'],
  ['am i free tomorrow morning 7-9', L, 'free-at', '2026-11-27T07:00', '2026-11-27T09:00'],
  ['am i free tomorrow morning at 7pm', L, 'free-at', '2026-11-27T19:00', '2026-11-27T19:30'],
  ['am i free tomorrow evening at 7', L, 'free-at', '2026-11-27T19:00', '2026-11-27T19:30'],
  ['when am i free tomorrow afternoon', L, 'free-slots', '2026-11-27T12:00', '2026-11-27T17:00'],
  ['free time this morning', L, 'free-slots', '2026-11-26T10:45', '2026-11-26T12:00'],
  ['do i have time at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['have i got any time tomorrow', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['got time this afternoon?', L, 'free-at', '2026-11-26T12:00', '2026-11-26T17:00'],
  ['find me a slot tomorrow', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['any slots on monday', L, 'free-slots', '2026-11-30T00:00', '2026-12-01T00:00'],
  ['find time on monday', L, 'free-slots', '2026-11-30T00:00', '2026-12-01T00:00'],
  // ... how long a slot to find, and whether a time suits (these were the whole day's agenda)
  ['find 30 mins tomorrow', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['can you find me an hour on friday', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['is 2pm ok', L, 'free-at', '2026-11-26T14:00', '2026-11-26T14:30'],
  ['does 3pm work for you', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['is tomorrow at 10 good for a call', L, 'free-at', '2026-11-27T10:00', '2026-11-27T10:30'],
  ['would 3pm work for a quick sync?', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  // asked whether something can go in then: whether the user is free
  ['can i book something at 4 tomorrow', L, 'free-at', '2026-11-27T16:00', '2026-11-27T16:30'],
  ['could we schedule a call at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['can i put something in at 2 on friday', L, 'free-at', '2026-11-27T14:00', '2026-11-27T14:30'],
  ['can i book something tomorrow', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['is tomorrow 10am ok', L, 'free-at', '2026-11-27T10:00', '2026-11-27T10:30'],
  ['would 2pm suit on monday', L, 'free-at', '2026-11-30T14:00', '2026-11-30T14:30'],
  ['free between 3 & 5?', L, 'free-at', '2026-11-26T15:00', '2026-11-26T17:00'],
  // a break: the free time between meetings (or one named so: the answer's), not the next meeting named "break"
  ["when's my next break", L, 'free-slots', '2026-11-26T10:45', '2026-11-27T00:00'],
  ['when is my next break?', L, 'free-slots', '2026-11-26T10:45', '2026-11-27T00:00'],
  ['next break', L, 'free-slots', '2026-11-26T10:45', '2026-11-27T00:00'],
  ['when can i take a break this afternoon', L, 'free-slots', '2026-11-26T12:00', '2026-11-26T17:00'],
  ['do i get a break tomorrow', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['any breaks on friday?', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'],
  // lunch: after it the afternoon, before it the morning, at it 12:00-14:00 (these were no question, or the whole day)
  ['anything after lunch', L, 'agenda', '2026-11-26T12:00', '2026-11-26T17:00'],
  ['whats on before lunch tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-27T12:00'],
  ['am i free at lunch tomorrow', L, 'free-at', '2026-11-27T12:00', '2026-11-27T14:00'],
  ['anything over lunchtime?', L, 'free-at', '2026-11-26T12:00', '2026-11-26T14:00'],
  ['team lunch tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'team lunch'],
  ['lunch tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['what time is lunch tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  // the rest of a day or week: from now
  ['whats on the rest of the week', L, 'agenda', '2026-11-26T10:42', '2026-11-30T00:00'],
  ['meetings left today', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00'],
  ['any meetings left?', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00'],
  ['remaining meetings this afternoon', L, 'agenda', '2026-11-26T12:00', '2026-11-26T17:00'],
  ['whats left tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ["what's left?", L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00'],
  ['anything left', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00'],
  ['what else is still left', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00'],
  // the end of another day is that day (it was the rest of today and that day, labelled "Rest of on 26–27 Nov")
  ['anything before eod tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['by end of day friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['rest of the day', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00'],
  ['anything before eod', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00'],
  ['whats on till eod', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00'],
  ['meetings until close of business', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00'],
  ['whats on later', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00'],
  ['anything later today?', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00'],
  ["what's coming up today", L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00'],
  ['anything coming up this week', L, 'agenda', '2026-11-26T10:42', '2026-11-30T00:00'],
  ["how's my day", L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['what does my day look like tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ["how's my afternoon looking", L, 'agenda', '2026-11-26T12:00', '2026-11-26T17:00'],
  ['what does my evening look like', L, 'agenda', '2026-11-26T17:00', '2026-11-27T00:00'],
  ['the rest of the morning', L, 'agenda', '2026-11-26T10:42', '2026-11-26T12:00'],
  ['anything on 2nite', L, 'agenda', '2026-11-26T17:00', '2026-11-27T00:00'],
  ['meetings this arvo', L, 'agenda', '2026-11-26T12:00', '2026-11-26T17:00'],
  ['tuesday pm', L, 'agenda', '2026-12-01T12:00', '2026-12-01T17:00'],
  ['mon am', L, 'agenda', '2026-11-30T00:00', '2026-11-30T12:00'],
  ['good morning', L, undefined],
  ['good evening!', L, undefined],
  ['morning', L, undefined],
  ['<at>calbot</at> what’s on today?', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['todays meetings', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['mtgs today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['am i avaliable at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['am i availabe tomorrow', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['next meeeting', L, 'next', undefined, undefined, null],
  // tomorrow, with typos
  ['tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['whats on tmrw', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ["what's on tomorow?", L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['tommorow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['tmr', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['2morrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['Meetings tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['wats on tmrw', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['anything on tomorrow?', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ["tomorrow's schedule", L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['what do I have on tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  // yesterday
  ['yesterday', L, 'agenda', '2026-11-25T00:00', '2026-11-26T00:00'],
  ['what was on yesterday', L, 'agenda', '2026-11-25T00:00', '2026-11-26T00:00'],
  ['yday', L, 'agenda', '2026-11-25T00:00', '2026-11-26T00:00'],
  ['meetings yesterdy', L, 'agenda', '2026-11-25T00:00', '2026-11-26T00:00'],
  // weeks (Monday to Sunday)
  ['this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00'],
  ["what's on this week?", L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00'],
  ['my week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00'],
  ['next week', L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00'],
  ["what's next week look like", L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00'],
  ['whats on nxt wk', L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00'],
  ['last week', L, 'agenda', '2026-11-16T00:00', '2026-11-23T00:00'],
  ['this weekend', L, 'agenda', '2026-11-28T00:00', '2026-11-30T00:00'],
  ['meetings next week', L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00'],
  ['the week after next', L, 'agenda', '2026-12-07T00:00', '2026-12-14T00:00'],
  // the week of a day: Monday to Sunday around it
  ['whats on the week of the 14th', L, 'agenda', '2026-12-14T00:00', '2026-12-21T00:00'],
  ['week commencing 7 dec', L, 'agenda', '2026-12-07T00:00', '2026-12-14T00:00'],
  ['am i free w/c 14/12', L, 'free-slots', '2026-12-14T00:00', '2026-12-21T00:00'],
  ['meetings with sam the week of christmas', L, 'agenda', '2026-12-21T00:00', '2026-12-28T00:00', 'sam'],
  // a week of a month: seven of its days, the first seven or the last
  ['first week of january', L, 'agenda', '2027-01-01T00:00', '2027-01-08T00:00'],
  ['second week of next month', L, 'agenda', '2026-12-08T00:00', '2026-12-15T00:00'],
  ['last week of december', L, 'agenda', '2026-12-25T00:00', '2027-01-01T00:00'],
  ['end of the week', L, 'agenda', '2026-11-26T10:42', '2026-11-30T00:00'],
  // a weekday with its date: that date (it was the coming weekday, whatever its date), the weekday's when both fit
  ['monday 7th', L, 'agenda', '2026-12-07T00:00', '2026-12-08T00:00'],
  ['what do i have on monday the 7th at 3', L, 'free-at', '2026-12-07T15:00', '2026-12-07T15:30'],
  ['meetings with sam on sunday the 6th', L, 'agenda', '2026-12-06T00:00', '2026-12-07T00:00', 'sam'],
  ['am i free on thursday 31st', L, 'free-slots', '2026-12-31T00:00', '2027-01-01T00:00'],
  ['friday 28th', L, 'agenda', '2026-11-28T00:00', '2026-11-29T00:00'], // a Saturday: the date, its label says so
  ['monday 3pm', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  // a day of a month named by where it is (it was the whole month)
  ['the 3rd of next month', L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  ['am i free at 3 on the 30th of next month', L, 'free-at', '2026-12-30T15:00', '2026-12-30T15:30'],
  ['the 31st of this month', L, 'agenda', '2026-11-01T00:00', '2026-12-01T00:00'],
  // the week ahead: the next seven days (it was this week, which on a Sunday is the one ending that day)
  ['the week ahead', L, 'agenda', '2026-11-26T10:42', '2026-12-03T00:00'],
  ['whats the coming week look like', L, 'agenda', '2026-11-26T10:42', '2026-12-03T00:00'],
  ['the upcoming week', NEW_YORK_DST, 'agenda', '2026-03-07T09:00', '2026-03-14T00:00'],
  // this week and the next: both (it was this week)
  ['whats on this week and next', L, 'agenda', '2026-11-23T00:00', '2026-12-07T00:00'],
  ['am i free this week and next week', L, 'free-slots', '2026-11-26T10:45', '2026-12-07T00:00'],
  // after the meeting the user is in: the rest of today (it was no question)
  ["what's after this", L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00'],
  ['anything after this meeting?', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00'],
  ['what is left to do', L, undefined],
  // the next working day: the next Monday to Friday (it was the next meeting named "working day")
  ['next working day', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['whats on the next business day', AUCKLAND, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  ['am i free at 3 next workday', LONDON_DST, 'free-at', '2026-10-26T15:00', '2026-10-26T15:30'],
  // a weekday of a month by its place: that one day (the month, when it has no such day)
  ['first monday of january', L, 'agenda', '2027-01-04T00:00', '2027-01-05T00:00'],
  ['whats on the last friday of the month', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['2nd tuesday of next month', L, 'agenda', '2026-12-08T00:00', '2026-12-09T00:00'],
  ['third wed in december', L, 'agenda', '2026-12-16T00:00', '2026-12-17T00:00'],
  ['am i free at 3 on the first monday of december', L, 'free-at', '2026-12-07T15:00', '2026-12-07T15:30'],
  ['last friday of december 2027', L, 'agenda', '2027-12-31T00:00', '2028-01-01T00:00'],
  ['5th monday of november', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  ['fifth monday of february', L, 'agenda', '2027-02-01T00:00', '2027-03-01T00:00'],
  // a possessive without its apostrophe, as chat writes it
  ['this weeks meetings', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00'],
  ['last weeks meetings', L, 'agenda', '2026-11-16T00:00', '2026-11-23T00:00'],
  ['nxt weeks schedule', L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00'],
  ['this weekends plans', L, 'agenda', '2026-11-28T00:00', '2026-11-30T00:00'],
  ['next 2 wks', L, 'agenda', '2026-11-26T10:42', '2026-12-10T00:00'],
  // a week from now is a day, not this week
  ['in a week', L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  ['a week from today', L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  ['1 week from now', L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  ['a fortnight from today', L, 'agenda', '2026-12-10T00:00', '2026-12-11T00:00'],
  // ... and from another day: that day, a week (or as many days) on; a weekday is the coming one
  ['a week from friday', L, 'agenda', '2026-12-04T00:00', '2026-12-05T00:00'],
  ['two weeks from tomorrow', L, 'agenda', '2026-12-11T00:00', '2026-12-12T00:00'],
  ['a week on monday', L, 'agenda', '2026-12-07T00:00', '2026-12-08T00:00'],
  ['monday week', L, 'agenda', '2026-12-07T00:00', '2026-12-08T00:00'],
  ['am i free friday week at 3', L, 'free-at', '2026-12-04T15:00', '2026-12-04T15:30'],
  ['am i free a week from friday at 3', L, 'free-at', '2026-12-04T15:00', '2026-12-04T15:30'],
  ['meetings with sam a week from monday', L, 'agenda', '2026-12-07T00:00', '2026-12-08T00:00', 'sam'],
  // a weekday after next: that day of the week after next, as "wednesday the week after next"
  ['monday after next', L, 'agenda', '2026-12-07T00:00', '2026-12-08T00:00'],
  ['whats on the friday after next', L, 'agenda', '2026-12-11T00:00', '2026-12-12T00:00'],
  ['in 1 week', L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  // months, as weeks: the whole month; the rest of it from now
  ['this month', L, 'agenda', '2026-11-01T00:00', '2026-12-01T00:00'],
  ['next month', L, 'agenda', '2026-12-01T00:00', '2027-01-01T00:00'],
  ['last month', L, 'agenda', '2026-10-01T00:00', '2026-11-01T00:00'],
  ["what's on in december", L, 'agenda', '2026-12-01T00:00', '2027-01-01T00:00'],
  ['january', L, 'agenda', '2027-01-01T00:00', '2027-02-01T00:00'],
  ['december 2027', L, 'agenda', '2027-12-01T00:00', '2028-01-01T00:00'],
  ['rest of the month', L, 'agenda', '2026-11-26T10:42', '2026-12-01T00:00'],
  ['meetings until the end of the month', L, 'agenda', '2026-11-26T10:42', '2026-12-01T00:00'],
  ['when am i free this month', L, 'free-slots', '2026-11-26T10:45', '2026-12-01T00:00'],
  // the next few days or weeks: from now, today included
  ['next 7 days', L, 'agenda', '2026-11-26T10:42', '2026-12-03T00:00'],
  ['whats on the next 3 days', L, 'agenda', '2026-11-26T10:42', '2026-11-29T00:00'],
  ['next few days', L, 'agenda', '2026-11-26T10:42', '2026-11-29T00:00'],
  ['next 2 weeks', L, 'agenda', '2026-11-26T10:42', '2026-12-10T00:00'],
  ['meetings in the next 2-3 weeks', L, 'agenda', '2026-11-26T10:42', '2026-12-17T00:00'], // the longer, not 14:00-15:00
  ['next 3 to 5 days', L, 'agenda', '2026-11-26T10:42', '2026-12-01T00:00'],
  ['free slots over the next couple of days', L, 'free-slots', '2026-11-26T10:45', '2026-11-28T00:00'],
  ['the coming 3 days', L, 'agenda', '2026-11-26T10:42', '2026-11-29T00:00'],
  ['the next 1 week', L, 'agenda', '2026-11-26T10:42', '2026-12-03T00:00'],
  ['the following 3 days', L, 'agenda', '2026-11-26T10:42', '2026-11-29T00:00'],
  // weekday names (the coming one, today included)
  ['on friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ["what's on friday", L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['fri', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['firday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['thursday', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['on monday', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  ['monday', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  ['next monday', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  ['what about tuesday', L, 'agenda', '2026-12-01T00:00', '2026-12-02T00:00'],
  ['tues', L, 'agenda', '2026-12-01T00:00', '2026-12-02T00:00'],
  ['wednesday', L, 'agenda', '2026-12-02T00:00', '2026-12-03T00:00'],
  ['wendesday', L, 'agenda', '2026-12-02T00:00', '2026-12-03T00:00'],
  ['wed', L, 'agenda', '2026-12-02T00:00', '2026-12-03T00:00'],
  ['thrusday', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['saturday', L, 'agenda', '2026-11-28T00:00', '2026-11-29T00:00'],
  ['sunday', L, 'agenda', '2026-11-29T00:00', '2026-11-30T00:00'],
  ['last monday', L, 'agenda', '2026-11-23T00:00', '2026-11-24T00:00'],
  ['next friday', L, 'agenda', '2026-12-04T00:00', '2026-12-05T00:00'],
  // ... the short names as the long ones: "last fri" is no coming Friday
  ['next fri', L, 'agenda', '2026-12-04T00:00', '2026-12-05T00:00'],
  ['next sat', L, 'agenda', '2026-12-05T00:00', '2026-12-06T00:00'],
  ['last fri', L, 'agenda', '2026-11-20T00:00', '2026-11-21T00:00'],
  ['meetings last mon', L, 'agenda', '2026-11-23T00:00', '2026-11-24T00:00'],
  // dates
  ['dec 3', L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  ['Dec 3rd', L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  ['3 December', L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  ['what’s on 3 december?', L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  ['december 3', L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  ['2026-12-03', L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  ['meetings on 2026-12-03', L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  // with full stops, day first as everywhere dates are so written; a time after "at" stays one
  ['14.12.', L, 'agenda', '2026-12-14T00:00', '2026-12-15T00:00'],
  ['am i free on 3.12. at 2', L, 'free-at', '2026-12-03T14:00', '2026-12-03T14:30'],
  // ... with a leading zero (it was no date: today's agenda, or no question) and with a year (it was read month first)
  ['whats on 03.12.', L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  ['am i free on 03.12 at 3', L, 'free-at', '2026-12-03T15:00', '2026-12-03T15:30'],
  ['03.12.2026', L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  ['meetings on 4.1.27', L, 'agenda', '2027-01-04T00:00', '2027-01-05T00:00'],
  ['meetings 3.12 and 4.12', L, 'agenda', '2026-12-03T00:00', '2026-12-05T00:00'],
  ['am i free at 10.11', L, 'free-at', '2026-11-27T10:11', '2026-11-27T10:41'],
  ['jan 5', L, 'agenda', '2027-01-05T00:00', '2027-01-06T00:00'],
  ['dec 3 2027', L, 'agenda', '2027-12-03T00:00', '2027-12-04T00:00'],
  ['on the 1st of december', L, 'agenda', '2026-12-01T00:00', '2026-12-02T00:00'],
  // holidays on fixed dates; "christmas" before a name is the name's
  ['whats on christmas eve', L, 'agenda', '2026-12-24T00:00', '2026-12-25T00:00'],
  ['am i free on christmas', L, 'free-slots', '2026-12-25T00:00', '2026-12-26T00:00'],
  ['xmas day', L, 'agenda', '2026-12-25T00:00', '2026-12-26T00:00'],
  ['boxing day', L, 'agenda', '2026-12-26T00:00', '2026-12-27T00:00'],
  ['anything on new years eve', L, 'agenda', '2026-12-31T00:00', '2027-01-01T00:00'],
  ["new year's day", L, 'agenda', '2027-01-01T00:00', '2027-01-02T00:00'],
  ['christmas party tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'christmas party'],
  // ... and days counted from a day named (they were tomorrow, this week or the coming weekday): a weekday is the first
  // after it (the last before), a week the seven days after it (before), a weekend the first after it (last before)
  ['the day after christmas', L, 'agenda', '2026-12-26T00:00', '2026-12-27T00:00'],
  ['what do i have the day before xmas', L, 'agenda', '2026-12-24T00:00', '2026-12-25T00:00'],
  ['2 days after christmas', L, 'agenda', '2026-12-27T00:00', '2026-12-28T00:00'],
  ['the friday before christmas', L, 'agenda', '2026-12-18T00:00', '2026-12-19T00:00'], // christmas is a friday: not it
  ['the monday after christmas', L, 'agenda', '2026-12-28T00:00', '2026-12-29T00:00'],
  ['the week before christmas', L, 'agenda', '2026-12-18T00:00', '2026-12-25T00:00'],
  ['anything the week after christmas', L, 'agenda', '2026-12-26T00:00', '2027-01-02T00:00'],
  ['a week before christmas', L, 'agenda', '2026-12-18T00:00', '2026-12-19T00:00'], // a day, as "a week from friday"
  ['the weekend before christmas', L, 'agenda', '2026-12-19T00:00', '2026-12-21T00:00'],
  ['the weekend after christmas', L, 'agenda', '2026-12-26T00:00', '2026-12-28T00:00'],
  ['christmas week', L, 'agenda', '2026-12-21T00:00', '2026-12-28T00:00'],
  ['the day after new year', L, 'agenda', '2027-01-02T00:00', '2027-01-03T00:00'],
  ['the day after thanksgiving', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'], // thanksgiving is today
  ['the tuesday after the 14th', L, 'agenda', '2026-12-15T00:00', '2026-12-16T00:00'],
  ['the weekend before monday', L, 'agenda', '2026-11-28T00:00', '2026-11-30T00:00'],
  ['the day after dec 25 2027', L, 'agenda', '2027-12-26T00:00', '2027-12-27T00:00'],
  ['am i free the day after christmas', L, 'free-slots', '2026-12-26T00:00', '2026-12-27T00:00'],
  ['what do i have the day after christmas at 3', L, 'free-at', '2026-12-26T15:00', '2026-12-26T15:30'],
  ['meetings with sam the week before christmas', L, 'agenda', '2026-12-18T00:00', '2026-12-25T00:00', 'sam'],
  ['what did i have the day after monday', L, 'agenda', '2026-11-24T00:00', '2026-11-25T00:00'], // the monday gone by
  ['the day after christmas', NEW_YORK, 'agenda', '2026-12-26T00:00', '2026-12-27T00:00'],
  ['am i free on friday after 3', L, 'free-at', '2026-11-27T15:00', '2026-11-28T00:00'], // a time: nothing counted from it
  ['standup the day after christmas', L, 'agenda', '2026-12-26T00:00', '2026-12-27T00:00', 'standup'],
  // ... and the holidays between: "between christmas and new year" the days in between, "the christmas holidays" eve to new year's day
  ['anything between christmas and new year', L, 'agenda', '2026-12-26T00:00', '2027-01-01T00:00'],
  ['the week between christmas and new years', L, 'agenda', '2026-12-26T00:00', '2027-01-01T00:00'],
  ['am i free between xmas and new year', L, 'free-slots', '2026-12-26T00:00', '2027-01-01T00:00'],
  ['christmas to new year', L, 'agenda', '2026-12-25T00:00', '2027-01-02T00:00'],
  ['from christmas to new years eve', L, 'agenda', '2026-12-25T00:00', '2027-01-01T00:00'],
  ['what do i have over the christmas holidays', L, 'agenda', '2026-12-24T00:00', '2027-01-02T00:00'],
  ['the festive period', L, 'agenda', '2026-12-24T00:00', '2027-01-02T00:00'],
  ['what do i have before christmas', L, 'agenda', '2026-11-26T10:42', '2026-12-25T00:00'],
  ['anything till xmas', L, 'agenda', '2026-11-26T10:42', '2026-12-26T00:00'],
  ['until new year', L, 'agenda', '2026-11-26T10:42', '2026-12-27T00:00'], // a month at most, as "until jan 1"
  ['until the christmas party', L, undefined],
  // ... and on dates that move: the next one from today (they were today's agenda, or no question)
  ['thanksgiving day', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'], // today, the fourth Thursday of November
  ['whats on easter', L, 'agenda', '2027-03-28T00:00', '2027-03-29T00:00'],
  ['am i free on good friday', L, 'free-slots', '2027-03-26T00:00', '2027-03-27T00:00'],
  ['easter monday', L, 'agenda', '2027-03-29T00:00', '2027-03-30T00:00'],
  ['easter party tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'easter party'],
  ['in 2 days', L, 'agenda', '2026-11-28T00:00', '2026-11-29T00:00'],
  ['day after tomorrow', L, 'agenda', '2026-11-28T00:00', '2026-11-29T00:00'],
  ['whats on day after tmrw', L, 'agenda', '2026-11-28T00:00', '2026-11-29T00:00'],
  ['day before yesterday', L, 'agenda', '2026-11-24T00:00', '2026-11-25T00:00'],
  // ... in the user's zone, not the server's (chrono-node reads "the day after tomorrow" in the process's zone)
  ['day after tomorrow', NEW_YORK, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['the day before yesterday', NEW_YORK, 'agenda', '2026-11-23T00:00', '2026-11-24T00:00'],
  ['tomorrow and the day after', NEW_YORK, 'agenda', '2026-11-26T00:00', '2026-11-28T00:00'],
  ['day after tomorrow', TOKYO, 'agenda', '2026-11-28T00:00', '2026-11-29T00:00'],
  ['the day before yesterday', TOKYO, 'agenda', '2026-11-24T00:00', '2026-11-25T00:00'],
  ['am i free the day after tomorrow at 3', AUCKLAND_EARLY, 'free-at', '2026-11-28T15:00', '2026-11-28T15:30'],
  ['whats on day after tmrw', AUCKLAND_EARLY, 'agenda', '2026-11-28T00:00', '2026-11-29T00:00'],
  // ranges of dates: those whole days
  ['whats on dec 3-5', L, 'agenda', '2026-12-03T00:00', '2026-12-06T00:00'],
  ['meetings 3-5 december', L, 'agenda', '2026-12-03T00:00', '2026-12-06T00:00'],
  ['dec 30 to jan 2', L, 'agenda', '2026-12-30T00:00', '2027-01-03T00:00'],
  ['when am i free dec 3 to 5', L, 'free-slots', '2026-12-03T00:00', '2026-12-06T00:00'],
  // ... across a month's end, the month written once: the end is in the next month ("nov 30-2"), or the start in the one before ("30-2 dec")
  ['nov 30-2', L, 'agenda', '2026-11-30T00:00', '2026-12-03T00:00'],
  ['nov 30 - 2', L, 'agenda', '2026-11-30T00:00', '2026-12-03T00:00'],
  ['nov 29 to 2', L, 'agenda', '2026-11-29T00:00', '2026-12-03T00:00'],
  ['dec 28-3', L, 'agenda', '2026-12-28T00:00', '2027-01-04T00:00'],
  ['30-2 dec', L, 'agenda', '2026-11-30T00:00', '2026-12-03T00:00'],
  ['am i free nov 30-2', L, 'free-slots', '2026-11-30T00:00', '2026-12-03T00:00'],
  // days listed or ranged: the first to the last, the days between included (one answer covers one range)
  ['dec 3 and 4', L, 'agenda', '2026-12-03T00:00', '2026-12-05T00:00'],
  ["what's on dec 3, 4 and 5", L, 'agenda', '2026-12-03T00:00', '2026-12-06T00:00'],
  ['dec 3 or 4', L, 'agenda', '2026-12-03T00:00', '2026-12-05T00:00'],
  ['dec 3 & 4', L, 'agenda', '2026-12-03T00:00', '2026-12-05T00:00'],
  ['dec 3 and dec 5', L, 'agenda', '2026-12-03T00:00', '2026-12-06T00:00'],
  ['3 and 4 december', L, 'agenda', '2026-12-03T00:00', '2026-12-05T00:00'],
  ['dec 3rd to the 5th', L, 'agenda', '2026-12-03T00:00', '2026-12-06T00:00'],
  ['the 3rd and 4th', L, 'agenda', '2026-12-03T00:00', '2026-12-05T00:00'],
  ['3rd to 5th', L, 'agenda', '2026-12-03T00:00', '2026-12-06T00:00'],
  ['what about monday and tuesday', L, 'agenda', '2026-11-30T00:00', '2026-12-02T00:00'],
  ['thursday or friday', L, 'agenda', '2026-11-26T00:00', '2026-11-28T00:00'],
  ['mon tue and wed', L, 'agenda', '2026-11-30T00:00', '2026-12-03T00:00'],
  ['monday and wednesday', L, 'agenda', '2026-11-30T00:00', '2026-12-03T00:00'],
  ['today and tomorrow', L, 'agenda', '2026-11-26T00:00', '2026-11-28T00:00'],
  ['tmrw and the day after', L, 'agenda', '2026-11-27T00:00', '2026-11-29T00:00'],
  ['monday to wednesday', L, 'agenda', '2026-11-30T00:00', '2026-12-03T00:00'],
  ['mon-wed', L, 'agenda', '2026-11-30T00:00', '2026-12-03T00:00'],
  ['between monday and wednesday', L, 'agenda', '2026-11-30T00:00', '2026-12-03T00:00'],
  ['friday to monday', L, 'agenda', '2026-11-27T00:00', '2026-12-01T00:00'],
  ['next tuesday and wednesday', L, 'agenda', '2026-12-01T00:00', '2026-12-03T00:00'],
  ['wednesday and thursday next week', L, 'agenda', '2026-12-02T00:00', '2026-12-04T00:00'],
  ['am i free thursday or friday', L, 'free-slots', '2026-11-26T10:45', '2026-11-28T00:00'],
  ['am i free dec 3 and 4', L, 'free-slots', '2026-12-03T00:00', '2026-12-05T00:00'],
  ['tomorrow or friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  // a two-digit number after a day is the list's next day, not a year (chrono-node reads "dec 30 31" as 30 Dec 2031)
  ['dec 30, 31 and jan 1', L, 'agenda', '2026-12-30T00:00', '2027-01-02T00:00'],
  ['dec 28, 29, 30', L, 'agenda', '2026-12-28T00:00', '2026-12-31T00:00'],
  ['dec 10, 11', L, 'agenda', '2026-12-10T00:00', '2026-12-12T00:00'],
  ['jan 30 31', L, 'agenda', '2027-01-30T00:00', '2027-02-01T00:00'],
  ['am i free dec 3 10-12', L, 'free-at', '2026-12-03T10:00', '2026-12-03T12:00'],
  // days more than a year apart are not one answer's range: the first day named
  ['dec 3 and dec 5 2028', L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  ['am i free dec 3 2-4pm', L, 'free-at', '2026-12-03T14:00', '2026-12-03T16:00'],
  // a day of the month without its month: the next one, today included
  ["what's on the 3rd", L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  ['schedule for the 30th', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  ['meetings on the 26th', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['am i free on the 3rd at 2', L, 'free-at', '2026-12-03T14:00', '2026-12-03T14:30'],
  ['30th?', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  // ... spelled out (it was today's): "the fourth", "the twenty-first", lists and ranges of them; not the ordinal of a
  // meeting, a week or a weekday ("the first meeting", "the second week of", "the first monday of")
  ["what's on the fourth", L, 'agenda', '2026-12-04T00:00', '2026-12-05T00:00'],
  ["what's on the third", L, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  ['whats on the twenty-first', L, 'agenda', '2026-12-21T00:00', '2026-12-22T00:00'],
  ['meetings on the twenty sixth', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['the thirty-first', L, 'agenda', '2026-12-31T00:00', '2027-01-01T00:00'],
  ['am i free on the fourth', L, 'free-slots', '2026-12-04T00:00', '2026-12-05T00:00'],
  ['am i free the fourth at 3', L, 'free-at', '2026-12-04T15:00', '2026-12-04T15:30'],
  ['the third and fourth', L, 'agenda', '2026-12-03T00:00', '2026-12-05T00:00'],
  ['the fourth to the sixth', L, 'agenda', '2026-12-04T00:00', '2026-12-07T00:00'],
  ['the first of next month', L, 'agenda', '2026-12-01T00:00', '2026-12-02T00:00'],
  ['friday the fourth', L, 'agenda', '2026-12-04T00:00', '2026-12-05T00:00'],
  ['the fourth of december', L, 'agenda', '2026-12-04T00:00', '2026-12-05T00:00'],
  ['the first meeting', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', null],
  ['the second week of january', L, 'agenda', '2027-01-08T00:00', '2027-01-15T00:00'],
  ['the first monday of january', L, 'agenda', '2027-01-04T00:00', '2027-01-05T00:00'],
  // ... asked in the past tense: the last one gone by (it was next month's)
  ['what did i have on the 3rd', L, 'agenda', '2026-11-03T00:00', '2026-11-04T00:00'],
  ['what was on the first', L, 'agenda', '2026-11-01T00:00', '2026-11-02T00:00'],
  ['meetings i missed on the 26th', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['what did i have on the 31st', L, 'agenda', '2026-10-31T00:00', '2026-11-01T00:00'],
  ['what was on the 24th and 25th', L, 'agenda', '2026-11-24T00:00', '2026-11-26T00:00'],
  // a weekday beside a week: that day of that week
  ['wednesday next week', L, 'agenda', '2026-12-02T00:00', '2026-12-03T00:00'],
  ['next week wednesday', L, 'agenda', '2026-12-02T00:00', '2026-12-03T00:00'],
  ['friday last week', L, 'agenda', '2026-11-20T00:00', '2026-11-21T00:00'],
  ['am i free wednesday next week at 3', L, 'free-at', '2026-12-02T15:00', '2026-12-02T15:30'],
  // next meeting
  ['next meeting', L, 'next'],
  ["what's next", L, 'next'],
  ['whats next?', L, 'next'],
  ['Next', L, 'next'],
  ['when is my next meeting', L, 'next'],
  ['nxt mtg', L, 'next'],
  ['next call', L, 'next'],
  ["what's up next", L, 'next'],
  ["what's coming up", L, 'next'],
  ['upcoming', L, 'next'],
  // the next meeting of a kind (they read as the plain next meeting, or not as questions)
  ['when is my next standup', L, 'next'],
  ['next 1:1 with sam', L, 'next'],
  ["when's my next meeting with Bob", L, 'next'],
  ['next design review', L, 'next'],
  ['what time is my next one on one with Sam?', L, 'next'],
  ['next 2 standups', L, 'next'],
  // when the user meets someone next: the next meeting with them (people by role, one named so: SubjectFilter.role)
  ['when do i meet sam next', L, 'next', undefined, undefined, 'sam'],
  ["when's the next time i meet bob", L, 'next', undefined, undefined, 'bob'],
  ['when is the next time i speak to priya?', L, 'next', undefined, undefined, 'priya'],
  ['when am i seeing Bob', L, 'next', undefined, undefined, 'bob'],
  ['when am i seeing bob tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'bob'],
  ['when do i see my manager next', L, 'next', undefined, undefined, 'manager'],
  ['when do i see a break', L, undefined],
  // time off: the next shown as out of office, or all day and named so (TIME_OFF); "next vacation" stays a name
  ['when am i off next', L, 'next', undefined, undefined, 'time off'],
  ["when's my next day off?", L, 'next', undefined, undefined, 'time off'],
  ['when am I next out of office', L, 'next', undefined, undefined, 'time off'],
  ['when am i on leave', L, 'next', undefined, undefined, 'time off'],
  ['next time off', L, 'next', undefined, undefined, 'time off'],
  ['when is my next vacation', L, 'next', undefined, undefined, 'vacation'],
  // people by role, no day named: the next (or last) meeting named so ("Manager 1:1"); with a kind, the next of that kind
  ['next meeting with my manager', L, 'next', undefined, undefined, 'manager'],
  ['next call with my boss', L, 'next', undefined, undefined, 'boss'],
  ["when's my next 1:1 with my manager", L, 'next', undefined, undefined, '1:1'],
  ['next meeting with my boss or my manager', L, 'next', undefined, undefined, 'boss or my manager'],
  ['next meeting with my manager friday', L, 'next', undefined, undefined, null], // Friday's first meeting, as before
  ['when was my last meeting with my manager', L, 'next', undefined, undefined, 'manager'], // not the last of all
  ['my last meeting with the ceo', L, 'next', undefined, undefined, 'ceo'],
  ['when was my last 1:1 with my manager', L, 'next', undefined, undefined, '1:1'],
  ['last meeting with my manager today', L, 'next', undefined, undefined, null], // today's last, as before
  // when a meeting is, no day named: the next one (it was today's only, or no question); with a day, that day's
  ['when is my call with bob', L, 'next', undefined, undefined, 'bob'],
  ['what time is the standup?', L, 'next', undefined, undefined, 'standup'],
  ["when's the all hands", L, 'next', undefined, undefined, 'all hands'],
  ['when is standup', L, 'next', undefined, undefined, 'standup'],
  ['when is my dentist appointment', L, 'next', undefined, undefined, 'dentist'],
  ['when is my meeting with sam tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sam'],
  ['when is my first meeting tomorrow', L, 'next'],
  ['when is lunch', L, undefined],
  // ... not a day after "next", nor a day or a time besides it
  ['next standup tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['next meeting tomorrow', L, 'next'], // the first of that day (its range below)
  ['next march planning', L, 'agenda', '2027-03-01T00:00', '2027-04-01T00:00'],
  ['next time', L, undefined],
  ['cancel my next standup', L, undefined],
  // ... nor free time: "next free slot" is when the user is free, not a meeting called "free slot"
  ['next free slot', L, 'free-slots', '2026-11-26T10:45', '2026-11-27T00:00'],
  ["when's my next free slot", L, 'free-slots', '2026-11-26T10:45', '2026-11-27T00:00'],
  ['next gap', L, 'free-slots', '2026-11-26T10:45', '2026-11-27T00:00'],
  ['next availability', L, 'free-slots', '2026-11-26T10:45', '2026-11-27T00:00'],
  ['next available time', L, 'free-slots', '2026-11-26T10:45', '2026-11-27T00:00'],
  // ... nor a day named with a possessive
  ["next monday's meetings", L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  ["next week's meetings", L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00'],
  ['mondays meetings', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  ['next mondays agenda', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  // several next meetings (they read as today's agenda)
  ['next 3 meetings', L, 'next'],
  ['my next two meetings', L, 'next'],
  ['next few meetings', L, 'next'],
  ['what are my next 5 events', L, 'next'],
  ['the next couple of calls', L, 'next'],
  ['nxt 4 mtgs', L, 'next'],
  ['upcoming meetings', L, 'next'],
  ['3 upcoming meetings', L, 'next'],
  ['upcoming meetings this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00'],
  ['meetings in the next 3 days', L, 'agenda', '2026-11-26T10:42', '2026-11-29T00:00'],
  // now
  ['now', L, 'now'],
  ['am I in a meeting?', L, 'now'],
  ['am i in a meeting right now', L, 'now'],
  ['what am I doing now', L, 'now'],
  ['am i free now', L, 'now'],
  // ... asked as which meeting, or where to be (these were today's agenda, or no question)
  ['what meeting am i in', L, 'now'],
  ['when does this meeting end', L, 'now'],
  ["what's happening for me", L, 'now'],
  ["what's happening with the launch", L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', 'launch'], // a name, not now
  ["what's going on with project x this week", L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', 'project x'],
  ['who is in this call?', L, 'now'],
  ['am i late', L, 'now'],
  ['am i running late for anything', L, 'now'],
  ['should i be somewhere?', L, 'now'],
  ['am i supposed to be somewhere', L, 'now'],
  ['where should i be?', L, 'now'],
  ['where should i be at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['whats my next', L, 'next'],
  ['am I busy right now?', L, 'now'],
  ['current meeting', L, 'now'],
  ["what's happening", L, 'now'],
  ["what's going on", L, 'now'],
  // ... unless a day is named
  ["What's happening tomorrow?", L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ["what's going on on friday", L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ["what's happening next week", L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00'],
  ["what's coming up next week", L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00'],
  ["what's up next week", L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00'],
  // greetings before the question are not part of it
  ["Good morning, what's on today?", L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['morning! anything today?', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ["Hi! What's on today?", L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['Hey, next meeting?', L, 'next'],
  ['hello whats next', L, 'next'],
  ['hi calbot am i free at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['Good afternoon! meetings tomorrow morning?', L, 'agenda', '2026-11-27T00:00', '2026-11-27T12:00'],
  ['hi there', L, undefined],
  // free at a time (1-7 without am/pm = afternoon; default 30 minutes)
  ['am I free at 3pm', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['am i free at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['am i free at 3 pm?', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['am i free at 11', L, 'free-at', '2026-11-26T11:00', '2026-11-26T11:30'],
  // a time already over today, no day named (asked at 10:42): the next one, tomorrow's
  ['am i free at 9', L, 'free-at', '2026-11-27T09:00', '2026-11-27T09:30'],
  ['am i free at 10', L, 'free-at', '2026-11-27T10:00', '2026-11-27T10:30'],
  ['am i free today at 9', L, 'free-at', '2026-11-26T09:00', '2026-11-26T09:30'],
  ['am i free at 9am tomorrow', L, 'free-at', '2026-11-27T09:00', '2026-11-27T09:30'],
  ['am I free at 15:30', L, 'free-at', '2026-11-26T15:30', '2026-11-26T16:00'],
  ['am i busy at 11', L, 'free-at', '2026-11-26T11:00', '2026-11-26T11:30'],
  ['am i free at noon', L, 'free-at', '2026-11-26T12:00', '2026-11-26T12:30'],
  ['am I free tomorrow 2-4pm', L, 'free-at', '2026-11-27T14:00', '2026-11-27T16:00'],
  ['am i free tomorrow 2-4', L, 'free-at', '2026-11-27T14:00', '2026-11-27T16:00'],
  ['am i free tomorrow from 11 to 1', L, 'free-at', '2026-11-27T11:00', '2026-11-27T13:00'],
  ['am i free between 10 and 11:30 on friday', L, 'free-at', '2026-11-27T10:00', '2026-11-27T11:30'],
  ['free at 3 on monday?', L, 'free-at', '2026-11-30T15:00', '2026-11-30T15:30'],
  ['am i available friday at 10', L, 'free-at', '2026-11-27T10:00', '2026-11-27T10:30'],
  ['am i free on dec 3 at 2pm', L, 'free-at', '2026-12-03T14:00', '2026-12-03T14:30'],
  ['am i free tmrw at 4', L, 'free-at', '2026-11-27T16:00', '2026-11-27T16:30'],
  ['am i free 9:30-10', L, 'free-at', '2026-11-27T09:30', '2026-11-27T10:00'],
  ['am i free at half 3', L, 'free-at', '2026-11-26T15:30', '2026-11-26T16:00'],
  ['am i free at quarter past 3', L, 'free-at', '2026-11-26T15:15', '2026-11-26T15:45'],
  ['am i free at quarter to 1', L, 'free-at', '2026-11-26T12:45', '2026-11-26T13:15'],
  ['free at 1030 tomorrow', L, 'free-at', '2026-11-27T10:30', '2026-11-27T11:00'],
  ['am i free at 3 30', L, 'free-at', '2026-11-26T15:30', '2026-11-26T16:00'],
  // a time before the day it is on, other words between
  ['is 3pm free tomorrow', L, 'free-at', '2026-11-27T15:00', '2026-11-27T15:30'],
  ['anything at 3 with sam on monday', L, 'free-at', '2026-11-30T15:00', '2026-11-30T15:30', 'sam'],
  ['am i free at 15h30', L, 'free-at', '2026-11-26T15:30', '2026-11-26T16:00'],
  ['anything at 9h tomorrow', L, 'free-at', '2026-11-27T09:00', '2026-11-27T09:30'],
  ['am i free between 14h and 16h', L, 'free-at', '2026-11-26T14:00', '2026-11-26T16:00'],
  ['am i free around 2', L, 'free-at', '2026-11-26T14:00', '2026-11-26T14:30'],
  ['anything at 4ish tomorrow', L, 'free-at', '2026-11-27T16:00', '2026-11-27T16:30'],
  ['am i free @ 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['am i booked tomorrow', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['am i double booked tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'], // the agenda flags conflicts
  ['when can we meet on friday', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'],
  // a range's start takes its end's am/pm unless that puts it after the end
  ['am i free 11-12pm', L, 'free-at', '2026-11-26T11:00', '2026-11-26T12:00'],
  ['am i free 10-12pm', L, 'free-at', '2026-11-26T10:00', '2026-11-26T12:00'],
  ['am i free 11-1pm', L, 'free-at', '2026-11-26T11:00', '2026-11-26T13:00'],
  ['am i free 11:30-1pm', L, 'free-at', '2026-11-26T11:30', '2026-11-26T13:00'],
  ['am i free tomorrow 11-12:30pm', L, 'free-at', '2026-11-27T11:00', '2026-11-27T12:30'],
  ['am i free tomorrow 9-11am', L, 'free-at', '2026-11-27T09:00', '2026-11-27T11:00'],
  // a bare hour in the afternoon or evening is after noon
  ['am i free tonight at 8', L, 'free-at', '2026-11-26T20:00', '2026-11-26T20:30'],
  ['am i free this evening at 9', L, 'free-at', '2026-11-26T21:00', '2026-11-26T21:30'],
  ['am i free this afternoon at 12', L, 'free-at', '2026-11-26T12:00', '2026-11-26T12:30'],
  ['am i free tomorrow afternoon 1-3', L, 'free-at', '2026-11-27T13:00', '2026-11-27T15:00'],
  // "am I in a meeting" at a time named: am I free then
  ['am i in a meeting at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['am i in a meeting tomorrow at 10', L, 'free-at', '2026-11-27T10:00', '2026-11-27T10:30'],
  // a stretch of the day bounded by a time, or the next hours: that stretch, not a half-hour slot at the time named
  ['is there anything in the next hour', L, 'agenda', '2026-11-26T10:42', '2026-11-26T11:42'],
  ['are there any meetings in the next hour', L, 'agenda', '2026-11-26T10:42', '2026-11-26T11:42'],
  ['do i have anything in the next 2 hours', L, 'agenda', '2026-11-26T10:42', '2026-11-26T12:42'],
  ['do i have anything in the next 30 minutes', L, 'agenda', '2026-11-26T10:42', '2026-11-26T11:12'],
  ['do i have any meetings in the next few hours', L, 'agenda', '2026-11-26T10:42', '2026-11-26T13:42'],
  ['next half hour', L, 'agenda', '2026-11-26T10:42', '2026-11-26T11:12'],
  ['whats on in the next 3 hours', HONOLULU, 'agenda', '2026-11-26T22:00', '2026-11-27T01:00'],
  ['do i have any meetings after 4pm', L, 'agenda', '2026-11-26T16:00', '2026-11-27T00:00'],
  ['do i have anything after 3', L, 'agenda', '2026-11-26T15:00', '2026-11-27T00:00'],
  ['meetings after 3 tomorrow', L, 'agenda', '2026-11-27T15:00', '2026-11-28T00:00'],
  ['do i have anything this evening after 6', L, 'agenda', '2026-11-26T18:00', '2026-11-27T00:00'],
  ['do i have meetings from 2', L, 'agenda', '2026-11-26T14:00', '2026-11-27T00:00'],
  ['do i have anything from 2 onwards', L, 'agenda', '2026-11-26T14:00', '2026-11-27T00:00'],
  ['are there any meetings before noon', L, 'agenda', '2026-11-26T00:00', '2026-11-26T12:00'],
  ['anything before 9', L, 'agenda', '2026-11-27T00:00', '2026-11-27T09:00'], // over today: tomorrow's, as "am I free at 9"
  ['do i have meetings until 5', L, 'agenda', '2026-11-26T10:42', '2026-11-26T17:00'],
  ['am i free in the next hour', L, 'free-at', '2026-11-26T10:45', '2026-11-26T11:42'],
  ['am i free after 3', L, 'free-at', '2026-11-26T15:00', '2026-11-27T00:00'],
  ['am i free until 5', L, 'free-at', '2026-11-26T10:45', '2026-11-26T17:00'],
  ['when am i free after 3', L, 'free-slots', '2026-11-26T15:00', '2026-11-27T00:00'],
  // ... and between two times: the free time in that stretch (it was the whole day's)
  ['when am i free between 2 and 4', L, 'free-slots', '2026-11-26T14:00', '2026-11-26T16:00'],
  ['do i have a gap between 2 and 4 tomorrow', L, 'free-slots', '2026-11-27T14:00', '2026-11-27T16:00'],
  ['any free slots between 9 and 10', L, 'free-slots', '2026-11-27T09:00', '2026-11-27T10:00'], // over today: tomorrow's
  ['free time 10-12', L, 'free-slots', '2026-11-26T10:45', '2026-11-26T12:00'], // begun: from now
  ['free time between 2 and 4 this week', L, 'free-slots', '2026-11-26T10:45', '2026-11-30T00:00'], // a week: its whole days
  // ... from now to a time or a day: "now" here is where it starts, not what is asked about ("now till 5" was 'now')
  ['now till 5', L, 'agenda', '2026-11-26T10:42', '2026-11-26T17:00'],
  ['anything between now and 3', L, 'agenda', '2026-11-26T10:42', '2026-11-26T15:00'],
  ['what do i have from now to 5pm', L, 'agenda', '2026-11-26T10:42', '2026-11-26T17:00'],
  ['what do i have between now and friday', L, 'agenda', '2026-11-26T10:42', '2026-11-28T00:00'],
  ['right now', L, 'now'],
  // up to a day: from now to its end (to the day before it, "before"); it was that day alone
  ['meetings until wednesday', L, 'agenda', '2026-11-26T10:42', '2026-12-03T00:00'],
  ['whats on till dec 3', L, 'agenda', '2026-11-26T10:42', '2026-12-04T00:00'],
  ['anything through the 3rd', L, 'agenda', '2026-11-26T10:42', '2026-12-04T00:00'],
  ['whats on before wednesday', L, 'agenda', '2026-11-26T10:42', '2026-12-02T00:00'],
  ['anything before friday', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00'],
  ['am i free until wednesday', L, 'free-slots', '2026-11-26T10:45', '2026-12-03T00:00'],
  ['next meeting before wednesday', L, 'next'],
  ['until today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  // ... and a length asked for at a time
  ['is there anything for half an hour at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['am i free for an hour at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T16:00'],
  // the unit written short ("2h" was read as a time two hours from now, and the length as the default half hour)
  ['am i free for 2h at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T17:00'],
  ['am i free for 90min at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T16:30'],
  ['am i free for 45 m at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:45'],
  // ... but an hour range and a date range stay what they were
  ['do i have meetings between 2 and 4', L, 'free-at', '2026-11-26T14:00', '2026-11-26T16:00'],
  ['meetings from dec 3 to 5', L, 'agenda', '2026-12-03T00:00', '2026-12-06T00:00'],
  // ... written with until or through (these were 3:00-5:00 today, or 15:00 today)
  ['dec 3 until 5', L, 'agenda', '2026-12-03T00:00', '2026-12-06T00:00'],
  ['am i free dec 3 through 5', L, 'free-slots', '2026-12-03T00:00', '2026-12-06T00:00'],
  ['whats on dec 3 until 5pm', L, 'agenda', '2026-12-03T00:00', '2026-12-03T17:00'],
  ['dec 3 until noon', L, 'agenda', '2026-12-03T00:00', '2026-12-03T12:00'],
  ['am i free from 3 until 4', L, 'free-at', '2026-11-26T15:00', '2026-11-26T16:00'],
  // free slots (today starts at now, rounded up to 5 minutes)
  ['free time tomorrow', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['when am I free friday', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['when am i free', L, 'free-slots', '2026-11-26T10:45', '2026-11-27T00:00'],
  ['free time today', L, 'free-slots', '2026-11-26T10:45', '2026-11-27T00:00'],
  ['am i free tomorrow', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['free slots on monday', L, 'free-slots', '2026-11-30T00:00', '2026-12-01T00:00'],
  ['my availability next week', L, 'free-slots', '2026-11-30T00:00', '2026-12-07T00:00'],
  ['free time this week', L, 'free-slots', '2026-11-26T10:45', '2026-11-30T00:00'],
  ['when am i free on dec 3', L, 'free-slots', '2026-12-03T00:00', '2026-12-04T00:00'],
  ['any gaps tomorrow', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'],
  // other zones: "today" is the user's today
  ['today', AUCKLAND, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['tomorrow', AUCKLAND, 'agenda', '2026-11-28T00:00', '2026-11-29T00:00'],
  ['on friday', AUCKLAND, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['am i free at 3', AUCKLAND, 'free-at', '2026-11-27T15:00', '2026-11-27T15:30'],
  ['this week', AUCKLAND, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00'],
  ['today', HONOLULU, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['tomorrow', HONOLULU, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['dec 3', HONOLULU, 'agenda', '2026-12-03T00:00', '2026-12-04T00:00'],
  // DST days: 23 hours (New York spring forward) and 25 hours (London fall back)
  ['tomorrow', NEW_YORK_DST, 'agenda', '2026-03-08T00:00', '2026-03-09T00:00'],
  ['sunday', NEW_YORK_DST, 'agenda', '2026-03-08T00:00', '2026-03-09T00:00'],
  ['am i free tomorrow at 3', NEW_YORK_DST, 'free-at', '2026-03-08T15:00', '2026-03-08T15:30'],
  ['tomorrow', LONDON_DST, 'agenda', '2026-10-25T00:00', '2026-10-26T00:00'],
  ['next week', LONDON_DST, 'agenda', '2026-10-26T00:00', '2026-11-02T00:00'],
  ['this week', LONDON_DST, 'agenda', '2026-10-19T00:00', '2026-10-26T00:00'],
  // not schedule questions
  ['help', L, undefined],
  ['connect outlook', L, undefined],
  ['sync now', L, undefined],
  ['Sync now!', L, undefined],
  ['disconnect outlook', L, undefined],
  ['status', L, undefined],
  ['notify off', L, undefined],
  ['notify on', L, undefined],
  ['timezone Europe/Paris', L, undefined],
  ['time zone: America/New_York', L, undefined],
  ['hello', L, undefined],
  ['thanks!', L, undefined],
  ['', L, undefined],
  ['   ', L, undefined],
  ['lol', L, undefined],
  ['how are you', L, undefined],
  // the first meetings of a day or a range named ("next meeting tomorrow"; their ranges are checked below)
  ['first meeting tomorrow', L, 'next'],
  ["what's my first meeting monday", L, 'next'],
  ['next meeting on friday', L, 'next'],
  ['next 2 calls on monday', L, 'next'],
  ['when is my first meeting tomorrow', L, 'next'],
  ['next meeting next week', L, 'next'],
  // ... not a first meeting named, nor "first" without a day, nor a day that is over
  ['first standup tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'standup'],
  ['first meeting', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', null],
  // ... but asked when it is, today's first from now, as "when do i start" (the answer looks on once today's are over)
  ['when is my first meeting', L, 'next'],
  ["what's my first call?", L, 'next'],
  ['first thing tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['first meeting yesterday', L, 'agenda', '2026-11-25T00:00', '2026-11-26T00:00', null],
  // what is on at a time named: the yes/no about then, with what is on then
  ['anything at 2', L, 'free-at', '2026-11-26T14:00', '2026-11-26T14:30', null],
  ['what do I have at 3pm', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', null],
  ["what's at 10 tomorrow", L, 'free-at', '2026-11-27T10:00', '2026-11-27T10:30', null],
  ["what's on at 3", L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', null],
  ['any meetings at 4?', L, 'free-at', '2026-11-26T16:00', '2026-11-26T16:30', null],
  // ... who with and where (these were the whole day's agenda)
  ['who am i meeting at 2', L, 'free-at', '2026-11-26T14:00', '2026-11-26T14:30', null],
  ['where am i at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', null],
  ['who do i have at 3pm?', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', null],
  ["who's my 3pm with", L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', null],
  ['where should i be at 10 tomorrow', L, 'free-at', '2026-11-27T10:00', '2026-11-27T10:30', null],
  // ... and a meeting named by its time ("my 3pm", "the 10:30")
  ['who organized my 3pm', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', null],
  ['where is my 3pm?', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', null],
  ["who's in my 10:30 tomorrow", L, 'free-at', '2026-11-27T10:30', '2026-11-27T11:00', null],
  ["is my 3 o'clock still on", L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', null],
  ['is the noon one on teams', L, 'free-at', '2026-11-26T12:00', '2026-11-26T12:30', null],
  ['who am i meeting today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', null],
  // ... and over an hour range, "anything" asks yes or no while "what's on" lists that stretch
  ['anything between 2 and 4', L, 'free-at', '2026-11-26T14:00', '2026-11-26T16:00', null],
  ["what's on between 2 and 4", L, 'agenda', '2026-11-26T14:00', '2026-11-26T16:00', null],
  ['what do I have from 1 to 3pm tomorrow', L, 'agenda', '2026-11-27T13:00', '2026-11-27T15:00', null],
  ["what's on 9-11 on friday", L, 'agenda', '2026-11-27T09:00', '2026-11-27T11:00', null],
  ['what do i have on dec 3 at 2pm', L, 'free-at', '2026-12-03T14:00', '2026-12-03T14:30', null],
  ['anything at 9', L, 'free-at', '2026-11-27T09:00', '2026-11-27T09:30', null], // 9:00 is over: tomorrow's, as "am I free at 9"
  // ... but a stretch of the day is still a list, and a meeting proposed is still the day's
  ['anything after 2', L, 'agenda', '2026-11-26T14:00', '2026-11-27T00:00', null],
  ["what's on tomorrow", L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  // a season, a year or a quarter: no span calbot answers for, and said so (not a meeting named "summer", nor today)
  // the meetings the user organizes (it was every meeting, or no question); no day named, the next 14 days
  ['meetings i organized this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00'], // gone by too
  ['which meetings am i running tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['any invites i sent out', L, 'agenda', '2026-11-26T10:42', '2026-12-10T00:00'],
  ['my own meetings next week', L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00'],
  // a good time: whether the user is free then, or their free time (it was the day's agenda, 3 am, or no question)
  ['is 3 a good time for a call', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['would 3 be a good time', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['is 3pm a good time', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['whens a good time to meet sam', L, 'free-slots', '2026-11-26T10:45', '2026-11-27T00:00'],
  ["what's a good time for a call tomorrow", L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['i had a good time at the offsite', L, undefined],
  // how long until a meeting named: the next one so named, which says how soon (it was no question)
  ['how long do i have until the standup', L, 'next', undefined, undefined, 'standup'],
  ['how much time do i have before my 1:1 with sam', L, 'next', undefined, undefined, '1:1 with sam'],
  ['how long until my next meeting', L, 'next', undefined, undefined, null],
  // the first thing on the day: its first meeting (it was the whole day)
  ['whats the first thing tomorrow', L, 'next', undefined, undefined, null],
  ["what's first on my agenda on monday", L, 'next', undefined, undefined, null],
  // a day no calendar has: said so (they were today's agenda, or another day's)
  ['meetings on feb 30', L, 'unsupported'],
  ['whats on 30th february', L, 'unsupported'],
  ['anything on april 31st', L, 'unsupported'],
  ['whats on 31/02', L, 'unsupported'],
  ['free on 2/30?', L, 'unsupported'],
  ['31.02.2027', L, 'unsupported'],
  ['whats on feb 29', L, 'unsupported'], // 2027's February has 28 days
  ['whats on feb 29 2028', L, 'agenda', '2028-02-29T00:00', '2028-03-01T00:00'],
  ['whats on feb 28', L, 'agenda', '2027-02-28T00:00', '2027-03-01T00:00'],
  ['whats on 12/25', L, 'agenda', '2026-12-25T00:00', '2026-12-26T00:00'],
  ['am i free at 11.45', L, 'free-at', '2026-11-26T11:45', '2026-11-26T12:15'], // a time, not a date
  ['free for 1/2 hour tomorrow', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'], // half an hour, not 2 January
  ['next summer', L, 'unsupported'],
  ['this winter', L, 'unsupported'],
  ['next spring', L, 'unsupported'],
  ["what's on in the fall", L, 'unsupported'],
  ['am i free this summer', L, 'unsupported'],
  ['meetings next year', L, 'unsupported'],
  ['next year', L, 'unsupported'],
  ['rest of the quarter', L, 'unsupported'],
  ['anything over the holidays', L, 'unsupported'],
  ['over the christmas holidays', L, 'agenda', '2026-12-24T00:00', '2027-01-02T00:00'],
  ['holidays party tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'holidays party'],
  // ... but a season in a meeting's name is a name
  ['spring planning tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['summer party on friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'summer party'],
  ['winter offsite tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'winter offsite'],
  // a yes/no about Bob's call then (its subject below, with the other named meetings)
  ['do i have a call with bob at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  // calbot reads the calendar, never changes it: these get "I didn't catch that" and the help, not a day's agenda
  ['book a meeting tomorrow at 3', L, undefined],
  ['cancel my 3pm', L, undefined],
  ['can you schedule a meeting with bob on friday', L, undefined],
  ['pls move my 2pm to 4', L, undefined],
  ['set up a call friday', L, undefined],
  // ... nor keeps the weather or reminders
  ["what's the weather tomorrow?", L, undefined],
  ['will it rain on friday', L, undefined],
  ['remind me at 3 to call bob', L, undefined],
  ['set a reminder for tomorrow', L, undefined],
  ["remind me what's on tomorrow", L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['weather briefing tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'weather briefing'],
  ['schedule for tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['cancelled meetings this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00'],
  // meetings named beside a day, a week, a month or a stretch of a day: that range, only those meetings
  ['next meeting with sam tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sam'],
  ['Next STANDUP tmrw?', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'standup'],
  ['nxt standup tomorow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'standup'],
  ['when is my next standup on friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'standup'],
  ['whens my next stand-up on firday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'stand-up'],
  ['next standup today', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00', 'standup'], // "next": the ones still to come
  ['when is my next design review next week', L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00', 'design review'],
  ['next 1:1 with Sam on friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', '1:1 with sam'],
  ['meetings with sam this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', 'sam'],
  ['Meetings with SAM this wk', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', 'sam'],
  ['mtgs w/ sam this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', 'sam'],
  ['any 1:1s with sam on friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', '1:1s with sam'],
  ['any one on ones with Sam on firday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', '1:1s with sam'],
  ['1-1s with ada next week', L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00', '1:1s with ada'],
  ['do I have anything with bob tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'bob'],
  ['do i have anythign with Bob tmrw', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'bob'],
  ['whats on with bob this afternoon', L, 'agenda', '2026-11-26T12:00', '2026-11-26T17:00', 'bob'],
  ['meetings about the budget next week', L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00', 'budget'],
  ['anything about the offsite in the next 3 days', L, 'agenda', '2026-11-26T10:42', '2026-11-29T00:00', 'offsite'],
  ['what meetings do i have with the design team on monday', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00', 'design team'],
  ['meetings with sam dec 3-5', L, 'agenda', '2026-12-03T00:00', '2026-12-06T00:00', 'sam'],
  ['1:1s with sam after 3', L, 'agenda', '2026-11-26T15:00', '2026-11-27T00:00', '1:1s with sam'],
  ['team meeting tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'team'],
  ['do i have a team meeting tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'team'],
  ['design review on friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'design review'],
  // a get-together named by the word before it ("lunch tomorrow" is the day), and a name with no determiner after "is"
  ['the team drinks tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'team drinks'],
  ['is team lunch tomorrow?', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'team lunch'],
  ['is design review tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'design review'],
  ['when is design review', L, 'next', undefined, undefined, 'design review'],
  ['when is team lunch?', L, 'next', undefined, undefined, 'team lunch'],
  ['next weekly sync tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'weekly sync'],
  // something asked of a meeting named with no "next": the next one so named (they were no question)
  ['when does my standup start', L, 'next', undefined, undefined, 'standup'],
  ['when does the offsite finish?', L, 'next', undefined, undefined, 'offsite'],
  ['where is the design review', L, 'next', undefined, undefined, 'design review'],
  ["where's the team lunch", L, 'next', undefined, undefined, 'team lunch'],
  ['what room is my 1:1 in', L, 'next', undefined, undefined, '1:1'],
  ['which room is the retro in?', L, 'next', undefined, undefined, 'retro'],
  ['join link for the standup', L, 'next', undefined, undefined, 'standup'],
  ["what's the link to the all-hands", L, 'next', undefined, undefined, 'all-hands'],
  ['how do i join the design review', L, 'next', undefined, undefined, 'design review'],
  ['where is the standup tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'standup'],
  ['when does the standup start on monday', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00', 'standup'],
  ['where is the office', L, undefined],
  ['where are my keys', L, undefined],
  ['next weekly meeting tomorrow', L, 'next', undefined, undefined, null],
  ['Design Review on Fri?', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'design review'],
  ['any standups this afternoon', L, 'agenda', '2026-11-26T12:00', '2026-11-26T17:00', 'standups'],
  ['do i have interviews tomorrow afternoon', L, 'agenda', '2026-11-27T12:00', '2026-11-27T17:00', 'interviews'],
  ['interviews next month', L, 'agenda', '2026-12-01T00:00', '2027-01-01T00:00', 'interviews'],
  ['is my standup tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'standup'],
  ['my 1:1s this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', '1:1s'],
  // the name without the describing words or the people by role in it
  ['daily standup tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'standup'],
  ['1:1 with my manager this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', '1:1'],
  ['next 1:1 with my manager friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', '1:1'],
  ['is my review with my manager this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', 'review'],
  ['is my sync with the team at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', 'sync'],
  // ... and a yes/no about them at a time: "Yes, you have something matching "bob" then"
  ['do I have a call with Bob at 3pm?', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', 'bob'],
  ['is my standup at 9 tomorrow', L, 'free-at', '2026-11-27T09:00', '2026-11-27T09:30', 'standup'],
  ['Is my STANDUP at 9am tmrw', L, 'free-at', '2026-11-27T09:00', '2026-11-27T09:30', 'standup'],
  ['is my standup at 9', L, 'free-at', '2026-11-27T09:00', '2026-11-27T09:30', 'standup'], // 9:00 is over: tomorrow's
  ['is my 1:1 with sam at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', '1:1 with sam'],
  // a one-on-one written "1-1" is no hour range (13:00-13:00): no time unless one is named
  ['is my 1-1 tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', '1:1'],
  ['is my 1-1 with ada on friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', '1:1 with ada'],
  ['is my 1-1 at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', '1:1'],
  ['am i free for my 1-1 on friday', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['am i in a meeting with bob at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', 'bob'],
  ['is there anything about the budget at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', 'budget'],
  // a list of names, however joined: the meetings of any one of them (SubjectFilter.alternatives)
  ['meetings with sam, bob', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', 'sam or bob'],
  ['meetings with sam,bob tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sam or bob'],
  ['meetings with sam or bob tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sam or bob'],
  ['meetings with sam and bob tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sam or bob'],
  ['next meeting with both sam and bob', L, 'next', undefined, undefined, 'sam or bob'], // "both" is no one's name
  ['meetings with sam & bob this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', 'sam or bob'],
  ['meetings with priya/raj tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'priya or raj'],
  ['meetings with sam, bob, ana and raj this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', 'sam or bob or ana or raj'],
  ['meetings with the design team, sam on monday', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00', 'design team or sam'],
  ['any 1:1s with sam or bob this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', '1:1s with sam or bob'],
  ['standup or retro tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'standup or retro'],
  ['standup, retro tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'standup or retro'],
  ['next 1:1 with sam or bob tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', '1:1 with sam or bob'],
  ['do i have a call with sam or bob at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', 'sam or bob'],
  // ... a comma that lists no names goes, as all did; names set against each other, or a list with someone by role, name none
  ['meetings with sam, tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sam'],
  ['anything with bob, and what about friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'bob'],
  ['monday, tuesday and wednesday', L, 'agenda', '2026-11-30T00:00', '2026-12-03T00:00', null],
  ['meetings with sam vs bob tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['meetings with sam or my manager tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  // meeting someone, said of them: the meetings with them (they were the day's agenda, or no question)
  ['am i meeting sam this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', 'sam'],
  ['do i see bob tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'bob'],
  ['will i see priya on friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'priya'],
  ['do i have anything with sam', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', 'sam'],
  ['is there anything with the design team next week', L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00', 'design team'],
  ['am i seeing sam at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', 'sam'],
  ['am i meeting anyone tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['do i have anything tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  // a time named with meetings named, however asked: whether they are then, not the whole day's
  ['anything about the project at 2', L, 'free-at', '2026-11-26T14:00', '2026-11-26T14:30', 'project'],
  ['do i have anything with bob at 2', L, 'free-at', '2026-11-26T14:00', '2026-11-26T14:30', 'bob'],
  ['anything with bob at 2', L, 'free-at', '2026-11-26T14:00', '2026-11-26T14:30', 'bob'],
  ['call with bob at 3?', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', 'bob'],
  ['meetings with sam 2-4pm', L, 'free-at', '2026-11-26T14:00', '2026-11-26T16:00', 'sam'],
  ['standup at 9 tomorrow', L, 'free-at', '2026-11-27T09:00', '2026-11-27T09:30', 'standup'],
  ['team meeting at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', 'team'],
  ['status call at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', 'status'],
  ['is my 3pm with sam', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', 'sam'],
  // ... a stretch of the day is still a list (a time without a name: what is on then, above)
  ['anything about the project after 2', L, 'agenda', '2026-11-26T14:00', '2026-11-27T00:00', 'project'],
  ['meetings with sam this afternoon', L, 'agenda', '2026-11-26T12:00', '2026-11-26T17:00', 'sam'],
  // ... but no name where there is none: filler, days, times, what a meeting is like, a list, free time, a typo
  ["what's on tomorrow", L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['my meetings this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null],
  ['anything with a join link today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', null], // the card's Join buttons say
  ['meetings tomorrow morning', L, 'agenda', '2026-11-27T00:00', '2026-11-27T12:00', null],
  ['what do I have on friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['whats on with my day tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['am I free with my afternoon', L, 'free-at', '2026-11-26T12:00', '2026-11-26T17:00', null],
  ['how many meetings tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['back to back meetings tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['all day events tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['teams meetings tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null], // online ones, not a name
  ['do i hve meetings tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['any meetings left today', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00', null],
  ['meetings for the rest of the week', L, 'agenda', '2026-11-26T10:42', '2026-11-30T00:00', null],
  ['meetings with everyone tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['is my boss in today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', null],
  ['am i free to meet with bob at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', null], // free at all
  ['am i busy with work at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', null],
  ['when am i free with sam tomorrow', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['review my calendar for tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null], // a verb, not a design review
  ['review this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null], // a verb too
  ['standup this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', 'standup'], // no verb
  ['design review this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', 'design review'], // a name before it
  ['design review with sam on friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'design review with sam'], // the name before the kind kept
  ['retro this week?', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', 'retro'],
  // people by what they are to the user, not by a word of a subject ("Sam / Ada" never says "manager")
  ['back-to-back meetings tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['do i have calls with customers today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', null],
  ['meetings with my manager tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['do i have a meeting with my manager tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['anything going on with the team this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null],
  ['what meetings are with the whole team this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null],
  ['meetings with my direct reports this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null],
  ['meetings with senior people this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null],
  ['meetings with guests today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', null],
  ['meetings with it tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['do i have a call with the client at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', null],
  ['meeting with my tutor tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['meetings with my professor friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['is my meeting with my manager at 2', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', null],
  // what a meeting has, or what overlaps it: about the meetings around it (conflicts: only those, from now on)
  ['meetings with conflicts this week', L, 'agenda', '2026-11-26T10:42', '2026-11-30T00:00', null],
  ['meetings with a break today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', null],
  ['meetings with breaks in between tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['meetings with attachments today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', null],
  ['does anything overlap with my standup tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['clashes with my standup today', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00', null],
  ['meetings that clash with lunch today', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00', null],
  ['meetings that conflict with each other this week', L, 'agenda', '2026-11-26T10:42', '2026-11-30T00:00', null],
  ['any conflicts with sam tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  // a meeting proposed, not named; "with" and "about" in their ordinary senses
  ['can i meet with sam at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30', null],
  ['could we catch up with bob tomorrow at 2pm', L, 'free-at', '2026-11-27T14:00', '2026-11-27T14:30', null],
  ['do i have time for a call with bob at 3', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', null],
  ['do i have room for a meeting with sam tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['with regards to tomorrow whats on', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['with respect to friday what do i have', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['anything about it tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['what about it tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['how about coffee at 3', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', null],
  // how a meeting is, which of them, how often: describing words, not names
  ["what's my earliest meeting tomorrow", L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['longest meeting tomorrow', L, 'next', undefined, undefined, null], // the longest of them (it was the day's agenda)
  ['my own meetings this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null],
  ['each meeting today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', null],
  ['every meeting this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null],
  ['another meeting today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', null],
  ['weekly meeting tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['weekly meetings this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null],
  ['usual meetings tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['key meetings this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null],
  ['internal meetings tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['optional meetings this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null],
  ['required meetings tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['quick call tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['conference call tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['client meeting tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['staff meeting tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['display meetings today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', null],
  ['exist meetings today?', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', null],
  ['is my boss in the office tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  ['is my weekly tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', null],
  // meetings in the plural after a word: a sort of them, not one so named ("team meeting" is one)
  ['client meetings this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null],
  ['customer calls today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', null],
  ['team meetings this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null],
  ['project meetings this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null],
  ['changed meetings this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null],
  ['rescheduled meetings this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null],
  ['existing meetings this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null],
  ['lunch meetings this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null],
  // a command's word that names a meeting: a question (the commands themselves are matched before any question)
  ['sync meeting today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', 'sync'],
  ['status meeting tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'status'],
  ['refresh meeting', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', 'refresh'],
  ['settings review friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'settings review'],
  ['sync with sam tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sam'],
  ['Sync w/ Ana fri', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'ana'],
  ['sync 1:1 tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sync 1:1'],
  ['help desk meeting tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'help desk'],
  ['status update call on monday', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00', 'status update'],
  ['is the sync meeting on friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sync'],
  ['sync meetings this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', null], // a sort of meetings, as "client meetings"
  // ... but a command's verb and what it acts on is still no question ("I didn't catch that" and the help)
  ['sync', L, undefined],
  ['sync status', L, undefined],
  ['tz reset', L, undefined],
  ['sync meetings', L, undefined],
  ['refresh events', L, undefined],
  ['refresh my calendar', L, undefined],
  ['sync my calendar for tomorrow', L, undefined],
  ['sync with outlook', L, undefined],
  ['sync with my outlook calendar', L, undefined],
  ['connect with microsoft', L, undefined],
  ['sync calendar events', L, undefined],
  ['notify me about meetings tomorrow', L, undefined],
  ['notifications for meetings', L, undefined],
  ['status of my meetings', L, undefined],
  // asking how to use calbot, which the help answers: no agenda
  ['how do i connect my calendar', L, undefined],
  ['how do i turn off notifications for meetings', L, undefined],
  ['can you sync my calendar', L, undefined],
  ['how can i see my meetings tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['help with meetings', L, undefined],
  ['thanks meeting was great', L, undefined],
  // ... but after "thanks," or "ok," comes the question; a goodbye is none
  ['thanks, what about tomorrow?', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['Thanks! am i free at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['ok thanks, see you tomorrow', L, undefined],
  ['have a good weekend', L, undefined],
  ['talk to you on monday', L, undefined],
  // a day word typed with a slip ends a name as the day word does, and names that day
  ['meetings with sam tmorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sam'],
  ['call with bob tomorow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'bob'],
  ['standup tommorow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'standup'],
  ['meeting with sam on thurs', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', 'sam'],
  ['with sam 2moro', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sam'],
  ['meetings with sam 2moz', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sam'],
  ['meetings with sam tmorow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sam'],
  ['meetings with sam tommorw', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sam'],
  ['meetings with sam tomarrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sam'],
  ['anything about the budget tmw', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'budget'],
  ['meetings with sam tody', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', 'sam'],
  ['meetings with sam todday', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', 'sam'],
  ['meetings with sam yesterady', L, 'agenda', '2026-11-25T00:00', '2026-11-26T00:00', 'sam'],
  ['meetings with sam yesturday', L, 'agenda', '2026-11-25T00:00', '2026-11-26T00:00', 'sam'],
  ['meetings with sam tonihgt', L, 'agenda', '2026-11-26T17:00', '2026-11-27T00:00', 'sam'],
  ['meetings with sam moday', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00', 'sam'],
  ['meetings with sam tusday', L, 'agenda', '2026-12-01T00:00', '2026-12-02T00:00', 'sam'],
  ['meetings with sam wedsday', L, 'agenda', '2026-12-02T00:00', '2026-12-03T00:00', 'sam'],
  ['meetings with sam wensday', L, 'agenda', '2026-12-02T00:00', '2026-12-03T00:00', 'sam'],
  ['meetings with sam thrsday', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', 'sam'],
  ['meetings with sam fryday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sam'],
  ['meetings with sam friady', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sam'],
  ['meetings with sam saterday', L, 'agenda', '2026-11-28T00:00', '2026-11-29T00:00', 'sam'],
  ['meetings with sam sundy', L, 'agenda', '2026-11-29T00:00', '2026-11-30T00:00', 'sam'],
  ['meetings with sam this weke', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00', 'sam'],
  ['meetings with sam next wk', L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00', 'sam'],
  ['meetings with sam this weeknd', L, 'agenda', '2026-11-28T00:00', '2026-11-30T00:00', 'sam'],
  ['meetings with sam mondays', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00', 'sam'],
  // ... and a day word is no slip of another, nor is a name a day's slip
  ['whats on tuesday', L, 'agenda', '2026-12-01T00:00', '2026-12-02T00:00'],
  ['whats on thusday', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  // shorthand with a possessive's s (these were today's, or no question)
  ["tmrw's meetings", L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['2morrows schedule', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['my calnder', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['whats my sched', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['in 2 days', L, 'agenda', '2026-11-28T00:00', '2026-11-29T00:00'],
  ['meetings with frida tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'frida'],
  ['meetings with sundar tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sundar'],
  ['meetings with mondal on friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'mondal'],
  ['sundae social on friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00', 'sundae social'],
  // a bare hour asked whether it suits: that time (they were today's free slots, or no question)
  ['is 3 free', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['is 3 free tomorrow?', L, 'free-at', '2026-11-27T15:00', '2026-11-27T15:30'],
  ['is 3:30 ok', L, 'free-at', '2026-11-26T15:30', '2026-11-26T16:00'],
  ['would 4 work for you', L, 'free-at', '2026-11-26T16:00', '2026-11-26T16:30'],
  // a weekday and a bare number that is a date on that weekday: that date (it was the coming weekday); else as before
  ['mon 7', L, 'agenda', '2026-12-07T00:00', '2026-12-08T00:00'],
  ['whats on monday 7', L, 'agenda', '2026-12-07T00:00', '2026-12-08T00:00'],
  ['am i free fri 4', L, 'free-slots', '2026-12-04T00:00', '2026-12-05T00:00'],
  ['whats on mon 14', L, 'agenda', '2026-12-14T00:00', '2026-12-15T00:00'],
  ['mon the 7', L, 'agenda', '2026-12-07T00:00', '2026-12-08T00:00'],
  ['monday 10', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  ['am i free monday 10', L, 'free-at', '2026-11-30T10:00', '2026-11-30T10:30'],
  ['whats on mon 7 at 3', L, 'free-at', '2026-12-07T15:00', '2026-12-07T15:30'],
  // an ordinal day until a time: that day up to then, as "dec 3 until 5pm" (it was the whole day)
  ['the 3rd until 5pm', L, 'agenda', '2026-12-03T00:00', '2026-12-03T17:00'],
  ['whats on the 3rd till 10:30', L, 'agenda', '2026-12-03T00:00', '2026-12-03T10:30'],
  // a briefing is the day's agenda (it was no question)
  ['brief me', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['brief me on tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['give me a rundown of friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  // how busy: the agenda, which counts the meetings and their hours (it was the free slots "busy" asks for)
  ['how busy am i this week', L, 'agenda', '2026-11-23T00:00', '2026-11-30T00:00'],
  ['how busy am i', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['how long is my day', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'], // not a meeting called "day"
  ['daily summary', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['morning summary', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'], // the day's, given in the morning
  ['daily summary for tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['how long are my meetings today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['how booked is friday', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['how much time am i in meetings next week', L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00'],
  ['how many meetings tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['am i busy this week', L, 'free-slots', '2026-11-26T10:45', '2026-11-30T00:00'],
  ['how busy am i at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  // the last meeting (its day in the table of last-meeting questions below)
  ["when's my last meeting", L, 'next', undefined, undefined, null],
  ['what time do I finish today?', L, 'next', undefined, undefined, null],
  ['my last call with sam tomorrow', L, 'next', undefined, undefined, 'sam'],
  ['when was my last meeting with sam', L, 'next', undefined, undefined, 'sam'], // the most recent that has ended (it was today's agenda)
  // with a person and no day, the last one that has ended, in the synced days gone by; with a day, that day's last
  ['when is my last meeting with sam', L, 'next', undefined, undefined, 'sam'],
  ['last meeting today with sam', L, 'next', undefined, undefined, 'sam'],
  // when the day starts, no day named: today's first meeting from now (the answer looks on once they are over)
  ['when do i start', L, 'next', undefined, undefined, null],
  ['when does my day begin?', L, 'next', undefined, undefined, null],
  // follow-ups with no last question (another calbot answered it, or it is forgotten): a day is its agenda, a time
  // whether the user is free then, today unless a day is named
  ['and tomorrow?', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['and next week?', L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00'],
  ['and at 4?', L, 'free-at', '2026-11-26T16:00', '2026-11-26T16:30'],
  ['how about 3pm', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['what about monday at 2', L, 'free-at', '2026-11-30T14:00', '2026-11-30T14:30'],
  ['and on friday at noon?', L, 'free-at', '2026-11-27T12:00', '2026-11-27T12:30'],
  ['ok and at 9?', L, 'free-at', '2026-11-27T09:00', '2026-11-27T09:30'],
  ['what did i have last week', L, 'agenda', '2026-11-16T00:00', '2026-11-23T00:00'],
  // a third round of what people type, on a phone as on a desktop: slips, shorthand, capitals, no punctuation
  ['wat do i have tomoz', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['WHATS ON TOMORROW', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['whts on tmrw', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ["wot's on today", L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['whats on tomoro', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['whats on 2mrw', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['any mtgs 2day', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['anything on tmr', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['wats on tmr morning', L, 'agenda', '2026-11-27T00:00', '2026-11-27T12:00'],
  ['free tmr?', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['is 4 ok tmrw', L, 'free-at', '2026-11-27T16:00', '2026-11-27T16:30'],
  ['what r my meetings today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  // ... English as a second language
  ['which meetings I have today', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['tell me my today meetings', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['give me today schedule', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['show me meetings of monday', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  ['I am busy tomorrow?', L, 'free-slots', '2026-11-27T00:00', '2026-11-28T00:00'], // as "am i busy tomorrow"
  // ... which meeting is at a time, asked without "do" or by which: whether there is one then (it was the whole day's agenda)
  ['I have meeting at 3?', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['i have a meeting at 3?', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['which meeting I have at 2', L, 'free-at', '2026-11-26T14:00', '2026-11-26T14:30'],
  ['what meetings do i have at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['what calls have i got at 4', L, 'free-at', '2026-11-26T16:00', '2026-11-26T16:30'],
  ['meeting at half past 2?', L, 'free-at', '2026-11-26T14:30', '2026-11-26T15:00'],
  ['call at 4?', L, 'free-at', '2026-11-26T16:00', '2026-11-26T16:30'],
  // ... a day and "at" a time, nothing else: what is on then (it was the whole day's; "monday 3pm" still is, above)
  ['at 3pm tomorrow?', L, 'free-at', '2026-11-27T15:00', '2026-11-27T15:30'],
  ['the 14th at 3', L, 'free-at', '2026-12-14T15:00', '2026-12-14T15:30'],
  ['the day after tomorrow at 3', L, 'free-at', '2026-11-28T15:00', '2026-11-28T15:30'],
  // ... chatty openers
  ['hey quick q - anything this arvo?', L, 'agenda', '2026-11-26T12:00', '2026-11-26T17:00'],
  ['hey quick q, am i free at 2', L, 'free-at', '2026-11-26T14:00', '2026-11-26T14:30'],
  ["sorry, what's on tomorrow again?", L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  ['just checking - anything at 4?', L, 'free-at', '2026-11-26T16:00', '2026-11-26T16:30'],
  ['umm what do i have at 3', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ["hi! what's my day look like", L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
  ['how does friday look', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  // ... times as said or written on a 24-hour clock
  ['anything at quarter past 10', L, 'free-at', '2026-11-26T10:15', '2026-11-26T10:45'], // not over yet at 10:42
  ['am i free at quarter to 4', L, 'free-at', '2026-11-26T15:45', '2026-11-26T16:15'],
  ['am i free at 15h', L, 'free-at', '2026-11-26T15:00', '2026-11-26T15:30'],
  ['free at 1530?', L, 'free-at', '2026-11-26T15:30', '2026-11-26T16:00'],
  ['free at 3.30?', L, 'free-at', '2026-11-26T15:30', '2026-11-26T16:00'],
  ['am i free at 0930 tomorrow', L, 'free-at', '2026-11-27T09:30', '2026-11-27T10:00'],
  ['free 1400-1600 tomorrow?', L, 'free-at', '2026-11-27T14:00', '2026-11-27T16:00'], // it was the whole day's free time
  ['meetings 2026-2027', L, 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'], // years, not 20:26-20:27 (no span read, as before)
  // ... ranges of hours
  ['between 2 and 4 tomorrow', L, 'agenda', '2026-11-27T14:00', '2026-11-27T16:00'],
  ['from 9 to 11 on fri', L, 'agenda', '2026-11-27T09:00', '2026-11-27T11:00'],
  ['anything from 9 to 11 on fri', L, 'free-at', '2026-11-27T09:00', '2026-11-27T11:00'],
  ['free from 2 till 4 on friday?', L, 'free-at', '2026-11-27T14:00', '2026-11-27T16:00'],
  ['what have i got between 1 and 3', L, 'agenda', '2026-11-26T13:00', '2026-11-26T15:00'],
  ['busy from 10 to 12?', L, 'free-at', '2026-11-26T10:00', '2026-11-26T12:00'],
  // ... days
  ['what do i have the day after tomorrow', L, 'agenda', '2026-11-28T00:00', '2026-11-29T00:00'],
  ['this coming monday', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  ['mon next week', L, 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  ['tues next week', L, 'agenda', '2026-12-01T00:00', '2026-12-02T00:00'],
  ['what do i have at the end of the week', L, 'agenda', '2026-11-26T10:42', '2026-11-30T00:00'], // the rest of the week
  ['anything over the weekend', L, 'agenda', '2026-11-28T00:00', '2026-11-30T00:00'],
  ['whats on the 14th', L, 'agenda', '2026-12-14T00:00', '2026-12-15T00:00'],
  ['am i free on the 14th', L, 'free-slots', '2026-12-14T00:00', '2026-12-15T00:00'],
  ['whats on the 14th of december', L, 'agenda', '2026-12-14T00:00', '2026-12-15T00:00'],
  ['anything later', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00'],
  ['anything else today', L, 'agenda', '2026-11-26T10:42', '2026-11-27T00:00'], // what is left of it (it was all of it)
  ['what else do i have this week', L, 'agenda', '2026-11-26T10:42', '2026-11-30T00:00'],
  ['what else is on tomorrow', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
  // ... spans with no edge said: a reasonable reading kept ("this coming week" may be next week; "early" and "end
  // of" next week, some of its days, so the whole of it)
  ['this coming week', L, 'agenda', '2026-11-26T10:42', '2026-12-03T00:00'],
  ['what do i have early next week', L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00'],
  ['end of next week', L, 'agenda', '2026-11-30T00:00', '2026-12-07T00:00'],
  // ... the last meeting gone by, however asked: the most recent that has ended (they were no question, or today's)
  ['when did i last meet with sam', L, 'next', undefined, undefined, 'sam'],
  ['when did i last meet sam', L, 'next', undefined, undefined, 'sam'],
  ['when did i meet sam', L, 'next', undefined, undefined, 'sam'],
  ['when did i see sam?', L, 'next', undefined, undefined, 'sam'],
  ['when did i meet my manager', L, 'next', undefined, undefined, 'manager'], // one named so ("Manager 1:1"), not the last of all
  ['when was the last time i saw my team', L, 'next', undefined, undefined, 'team'],
  ['when did i last meet you', L, undefined],
  ['when was the last time I spoke to Ada?', L, 'next', undefined, undefined, 'ada'],
  ['when was my last 1:1 with sam', L, 'next', undefined, undefined, '1:1 with sam'],
  ['what was my last meeting', L, 'next', undefined, undefined, null],
  ['what was my last meeting yesterday', L, 'next', undefined, undefined, null], // yesterday's last (it was its agenda)
  // ... follow-ups with no last question: a part of the day is its agenda (tonight was "am i free then"); "the day
  // after" with no day before it is tomorrow, the day after today
  ['and tonight?', L, 'agenda', '2026-11-26T17:00', '2026-11-27T00:00'],
  ['what about the afternoon', L, 'agenda', '2026-11-26T12:00', '2026-11-26T17:00'],
  ['and the day after?', L, 'agenda', '2026-11-27T00:00', '2026-11-28T00:00'],
];

/** Rows written before agenda and yes/no questions read names, which now name the meetings they are about. */
const NAMED_SINCE = new Set(['next standup tomorrow', 'do i have a call with bob at 3']);

describe('parseQuestion', () => {
  it('has a table of more than 100 phrasings', () => {
    expect(rows.length).toBeGreaterThan(100);
  });

  // A rest parameter: jest reads a callback with more parameters than the row as one wanting `done`.
  it.each(rows)('%j', (...row) => {
    const [text, clock, kind, start, end, subject] = row as Row;
    const question = parseQuestion(text, clock.now, clock.zone);
    expect(question?.kind).toBe(kind);
    if (subject !== undefined) expect((question as { subject?: { text: string } } | undefined)?.subject?.text ?? null).toBe(subject);
    if (start === undefined || end === undefined) return;
    const range = (question as { range: { start: Date; end: Date } }).range;
    expect(DateTime.fromJSDate(range.start, { zone: clock.zone }).toISO({ suppressMilliseconds: true, includeOffset: false })).toBe(`${start}:00`);
    expect(DateTime.fromJSDate(range.end, { zone: clock.zone }).toISO({ suppressMilliseconds: true, includeOffset: false })).toBe(`${end}:00`);
  });

  // A name read where there is none would empty an ordinary answer: every other row of the table names no meeting.
  it('reads no meeting name in the ordinary questions of the table', () => {
    const named = rows.filter((row) => row[5] === undefined && !NAMED_SINCE.has(row[0])).flatMap(([text, clock]) => {
      const question = parseQuestion(text, clock.now, clock.zone);
      return question && question.kind !== 'next' && 'subject' in question ? [`${text}: ${question.subject?.text}`] : [];
    });
    expect(named).toEqual([]);
    for (const text of NAMED_SINCE) expect(parseQuestion(text, L.now, L.zone)).toHaveProperty('subject');
  });

  // The words quoted back are as typed (lower case); the terms matched are folded as "next standup" folds them.
  it.each([
    ['next standup tomorrow', 'standup', ['standup']],
    ['whens my next stand-up on firday', 'stand-up', ['standup']],
    ['any one on ones with Sam on firday', '1:1s with sam', ['1:1', 'sam']],
    ['what meetings do i have with the design team on monday', 'design team', ['design', 'team']],
    ['Design Review on Fri?', 'design review', ['design', 'review']],
    ['any standups this afternoon', 'standups', ['standup']],
    ['meetings about the Réunion budget next week', 'réunion budget', ['reunion', 'budget']],
    ['do i have a call with bob at 3', 'bob', ['bob']],
  ] as const)('%j names the meetings %j (terms %j)', (text, subject, terms) => {
    expect(parseQuestion(text, L.now, L.zone)).toMatchObject({ subject: { text: subject, terms } });
  });

  // A list's names are alternatives, each with the words before them; the words quoted say how it was read.
  it.each([
    ['meetings with sam, bob tomorrow', 'sam or bob', ['sam'], [['bob']]],
    ['meetings with Sam and Bob tomorrow', 'sam or bob', ['sam'], [['bob']]],
    ['any 1:1s with sam or Bob this week', '1:1s with sam or bob', ['1:1', 'sam'], [['1:1', 'bob']]],
    ['meetings with the design team, sam on monday', 'design team or sam', ['design', 'team'], [['sam']]],
    ['standups and retros this week', 'standups or retros', ['standup'], [['retro']]],
    ['next meeting with sam or bob', 'sam or bob', ['sam'], [['bob']]],
  ] as const)('%j names the meetings %j: terms %j or %j', (text, subject, terms, alternatives) => {
    expect(parseQuestion(text, L.now, L.zone)).toMatchObject({ subject: { text: subject, terms, alternatives } });
  });

  it('keeps the range, label and phrase of a question that names meetings: the answer says what it filtered', () => {
    expect(parseQuestion('meetings with sam this week', L.now, L.zone)).toEqual({ ...parseQuestion('meetings this week', L.now, L.zone), subject: { text: 'sam', terms: ['sam'], people: true } });
    expect(parseQuestion('next standup today', L.now, L.zone)).toMatchObject({ label: 'Rest of today · Thu 26 Nov', phrase: 'for the rest of today' });
    expect(parseQuestion('do i have a call with bob at 3', L.now, L.zone)).toEqual({ ...parseQuestion('do i have a call at 3', L.now, L.zone), subject: { text: 'bob', terms: ['bob'], people: true } });
  });

  it('labels days relative to the user today, and weeks with their dates', () => {
    const label = (text: string) => (parseQuestion(text, L.now, L.zone) as { label: string }).label;
    expect(label('today')).toBe('Today · Thu 26 Nov');
    expect(label('tmrw')).toBe('Tomorrow · Fri 27 Nov');
    expect(label('yesterday')).toBe('Yesterday · Wed 25 Nov');
    expect(label('monday')).toBe('Mon 30 Nov');
    expect(label('dec 3 2027')).toBe('Fri 3 Dec 2027');
    expect(label('this week')).toBe('This week · 23–29 Nov');
    expect(label('next week')).toBe('Next week · 30 Nov – 6 Dec');
    expect(label('am i free tomorrow 2-4pm')).toBe('Tomorrow · Fri 27 Nov'); // (the card's header adds the times)
    expect(label('what is on this afternoon')).toBe('Today · Thu 26 Nov · Afternoon');
    expect(label('meetings on monday evening')).toBe('Mon 30 Nov · Evening');
    expect(label('whats on dec 3-5')).toBe('3–5 Dec');
    expect(label('dec 30 to jan 2')).toBe('30 Dec – 2 Jan 2027');
    expect(label('dec 3 and 4')).toBe('3–4 Dec');
    expect(label('nov 30-2')).toBe('30 Nov – 2 Dec');
    expect(label('dec 28-3')).toBe('28 Dec – 3 Jan 2027');
    expect(label('dec 30, 31 and jan 1')).toBe('30 Dec – 1 Jan 2027');
    expect(label('the week after next')).toBe('Week after next · 7–13 Dec');
    expect(label('this month')).toBe('This month · 1–30 Nov');
    expect(label('next month')).toBe('Next month · 1–31 Dec');
    expect(label('in december')).toBe('December');
    expect(label('january')).toBe('January 2027');
    expect(label('next 3 days')).toBe('Next 3 days · 26–28 Nov');
    expect(label('next 2 weeks')).toBe('Next 2 weeks · 26 Nov – 9 Dec');
    expect(label('monday and tuesday')).toBe('30 Nov – 1 Dec');
    expect(label('am i free at 9')).toBe('Tomorrow · Fri 27 Nov');
  });

  it('labels and phrases the rest of a day or week', () => {
    expect(parseQuestion('whats on the rest of the week', L.now, L.zone)).toMatchObject({ label: 'Rest of this week · 26–29 Nov', phrase: 'for the rest of this week', days: 4 });
    expect(parseQuestion('meetings left today', L.now, L.zone)).toMatchObject({ label: 'Rest of today · Thu 26 Nov', phrase: 'for the rest of today', days: 1 });
    expect(parseQuestion('rest of the month', L.now, L.zone)).toMatchObject({ label: 'Rest of this month · 26–30 Nov', phrase: 'for the rest of this month', days: 5 });
    expect(parseQuestion('the rest of november', L.now, L.zone)).toMatchObject({ label: 'Rest of November · 26–30 Nov', phrase: 'for the rest of November', days: 5 });
    expect(parseQuestion('whats on in december', L.now, L.zone)).toMatchObject({ phrase: 'in December', days: 31 });
    expect(parseQuestion('the next 3 days', L.now, L.zone)).toMatchObject({ phrase: 'in the next 3 days', days: 3 });
  });

  it('labels a stretch of a day with the day; the card adds its times', () => {
    expect(parseQuestion('do i have anything after 3', L.now, L.zone)).toMatchObject({ kind: 'agenda', label: 'Today · Thu 26 Nov', phrase: 'then', days: 1, times: true });
    expect(parseQuestion('meetings before noon tomorrow', L.now, L.zone)).toMatchObject({ label: 'Tomorrow · Fri 27 Nov', phrase: 'then', times: true });
    expect(parseQuestion('is there anything in the next 2 hours', L.now, L.zone)).toMatchObject({ label: 'Today · Thu 26 Nov', phrase: 'in the next 2 hours', days: 1, times: true });
    expect(parseQuestion('is there anything in the next hour', L.now, L.zone)).toMatchObject({ phrase: 'in the next hour' });
    expect(parseQuestion('whats on in the next 3 hours', HONOLULU.now, HONOLULU.zone)).toMatchObject({ label: 'Today · Thu 26 Nov', days: 2, times: true });
    expect(parseQuestion('today', L.now, L.zone)).not.toHaveProperty('times');
  });

  it('phrases parts of the day for sentences', () => {
    expect(parseQuestion('what is on this afternoon', L.now, L.zone)).toMatchObject({ phrase: 'this afternoon', days: 1 });
    expect(parseQuestion('tonight', L.now, L.zone)).toMatchObject({ phrase: 'this evening' });
    expect(parseQuestion('tomorrow morning', L.now, L.zone)).toMatchObject({ phrase: 'tomorrow morning' });
    expect(parseQuestion('meetings on monday evening', L.now, L.zone)).toMatchObject({ phrase: 'on Mon 30 Nov in the evening' });
  });

  it('gives agenda answers a phrase for sentences and a day count', () => {
    expect(parseQuestion('today', L.now, L.zone)).toMatchObject({ phrase: 'today', days: 1 });
    expect(parseQuestion('dec 3', L.now, L.zone)).toMatchObject({ phrase: 'on Thu 3 Dec', days: 1 });
    expect(parseQuestion('this week', L.now, L.zone)).toMatchObject({ phrase: 'this week', days: 7 });
  });

  it('makes DST days 23 and 25 hours long', () => {
    const hours = (text: string, clock: Clock) => {
      const { range } = parseQuestion(text, clock.now, clock.zone) as { range: { start: Date; end: Date } };
      return (range.end.getTime() - range.start.getTime()) / 3_600_000;
    };
    expect(hours('tomorrow', NEW_YORK_DST)).toBe(23);
    expect(hours('tomorrow', LONDON_DST)).toBe(25);
    expect(hours('tomorrow morning', LONDON_DST)).toBe(13); // midnight to noon, with the hour the clocks go back
    expect(hours('today', L)).toBe(24);
  });

  // The bot decides "is this a question" with isScheduleQuestion (no zone yet), then parses in the user's zone.
  it.each(rows.map((row) => [row[0], row[1], row[2]] as const))('%j is a question in every zone or in none', (text, clock, kind) => {
    const zones = ['UTC', clock.zone, 'Pacific/Kiritimati', 'Pacific/Pago_Pago'];
    for (const zone of zones) expect(parseQuestion(text, clock.now, zone) !== undefined).toBe(kind !== undefined);
    expect(isScheduleQuestion(text, clock.now)).toBe(kind !== undefined);
  });

  // The server's own zone must never show in an answer (chrono-node reads some phrases in it, not in the zone it is
  // given): every row reads the same in a process on another zone's clock.
  it.each(['UTC', 'America/New_York', 'Asia/Tokyo', 'Pacific/Kiritimati'])('reads every row the same on a server in %s', (serverZone) => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { isScheduleQuestion, parseQuestion } from './src/chat/question.ts';
      const rows = JSON.parse(readFileSync(0, 'utf8'));
      console.log(JSON.stringify(rows.map(([text, now, zone]) => [parseQuestion(text, new Date(now), zone) ?? null, isScheduleQuestion(text, new Date(now))])));
    `;
    const input = JSON.stringify(rows.map(([text, clock]) => [text, clock.now.toISOString(), clock.zone]));
    const env = { ...process.env, TZ: serverZone, NODE_OPTIONS: '' };
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), env, input, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (child.status !== 0) throw new Error(`the ${serverZone} process failed: ${child.stderr}`);
    const here = rows.map(([text, clock]) => [parseQuestion(text, clock.now, clock.zone) ?? null, isScheduleQuestion(text, clock.now)]);
    expect(JSON.parse(child.stdout)).toEqual(JSON.parse(JSON.stringify(here)));
  });

  it('reads numeric dates in the order of the user locale: "12/3" is 3 December in en-US, 12 March in en-GB', () => {
    const startDate = (text: string, dayFirst: boolean) =>
      DateTime.fromJSDate((parseQuestion(text, L.now, L.zone, { dayFirst }) as { range: { start: Date } }).range.start, { zone: L.zone }).toISODate();
    expect(startDate('12/3', false)).toBe('2026-12-03');
    expect(startDate('12/3', true)).toBe('2027-03-12');
    expect(startDate("what's on 3/12", true)).toBe('2026-12-03');
    expect(startDate('am i free on 3/12 at 2pm', true)).toBe('2026-12-03');
    // Words and ISO dates read the same either way.
    for (const dayFirst of [false, true]) {
      expect(startDate('dec 3', dayFirst)).toBe('2026-12-03');
      expect(startDate('2026-12-03', dayFirst)).toBe('2026-12-03');
      expect(startDate('tomorrow', dayFirst)).toBe('2026-11-27');
      // A month name and a two-digit day: that day, not a month and year (chrono-node's en.GB reads "dec 25" as December 2025).
      expect(startDate('dec 25', dayFirst)).toBe('2026-12-25');
      expect(startDate('meetings on nov 30', dayFirst)).toBe('2026-11-30');
      expect(startDate('am i free on dec 12 at 2pm', dayFirst)).toBe('2026-12-12');
      expect(parseQuestion('dec 30 to jan 2', L.now, L.zone, { dayFirst })).toMatchObject({ label: '30 Dec – 2 Jan 2027', days: 4 });
    }
  });

  // "next" carries how many meetings: one unless a number (or "few", or a plural alone) says more, at most MAX_NEXT_COUNT.
  it.each([
    ['next meeting', 1],
    ["what's next", 1],
    ['Next', 1],
    ['next call', 1],
    ['up next', 1],
    ["what's coming up", 1],
    ['next 3 meetings', 3],
    ['my next two meetings', 2],
    ['next few meetings', 3],
    ['next a few meetings', 3],
    ['what are my next 5 events', 5],
    ['the next couple of calls', 2],
    ['next ten appointments', 10],
    ['next one meeting', 1],
    ['next 0 meetings', 1],
    ['next meetings', 3],
    ['upcoming meetings', 3],
    ['3 upcoming meetings', 3],
    ['upcoming 2 events', 2],
    ['any meetings coming up', 3],
  ] as const)('%j asks for the next %d', (text, count) => {
    expect(parseQuestion(text, L.now, L.zone)).toEqual({ kind: 'next', count });
  });

  // "next" carries the words the meeting is named by: the text after "next" without filler (meeting, with, the), for
  // the answer to quote, and its terms folded (no accents, "stand-up" as "standup", a one-on-one as "1:1").
  it.each([
    ['when is my next standup', 1, 'standup', ['standup']],
    ['when is my next stand-up?', 1, 'stand-up', ['standup']],
    ['next 1:1 with sam', 1, '1:1 with sam', ['1:1', 'sam']],
    ['next one on one with Sam', 1, '1:1 with sam', ['1:1', 'sam']],
    ['next 1-on-1 w/ sam', 1, '1:1 w/ sam', ['1:1', 'sam']],
    ["when's my next meeting with Bob", 1, 'bob', ['bob']],
    ['whens my next call with Bob?', 1, 'bob', ['bob']],
    ['next design review', 1, 'design review', ['design', 'review']],
    ['what day is the next offsite', 1, 'offsite', ['offsite']],
    ['next meeting with the design team', 1, 'design team', ['design', 'team']],
    ['next meeting in room 4', 1, 'room 4', ['room', '4']],
    ['next réunion au café', 1, 'réunion au café', ['reunion', 'au', 'cafe']],
    ['next morning standup', 1, 'morning standup', ['morning', 'standup']],
    ['my next 3 meetings with sam', 3, 'sam', ['sam']],
    ['next few standups', 3, 'standups', ['standup']],
    ['next two 1:1s', 2, '1:1s', ['1:1']],
    // a kind of meeting in the plural is a few of them, as "next meetings" is
    ['next standups', 3, 'standups', ['standup']],
    ['when are my next 1:1s', 3, '1:1s', ['1:1']],
    ['upcoming interviews', 3, 'interviews', ['interview']],
    ['upcoming all-hands', 1, 'all-hands', ['allhand']],
    // ... and "coming up" keeps what it names
    ['what standups are coming up', 3, 'standups', ['standup']],
    ['any offsite meetings coming up?', 3, 'offsite', ['offsite']],
    ['upcoming meetings with sam', 3, 'sam', ['sam']],
    ["next “sam's” sync", 1, 'sams sync', ['sam', 'sync']],
    // ... and what is asked of it is not part of the name
    ['next meeting with sam details', 1, 'sam', ['sam']],
    ['where is my next standup', 1, 'standup', ['standup']],
    ['next design review start time', 1, 'design review', ['design', 'review']],
    ['next standup in the morning', 1, 'standup', ['standup']],
    ['next meeting w bob', 1, 'bob', ['bob']],
    ['next 1:1 w sam', 1, '1:1 w sam', ['1:1', 'sam']],
    ['next teams meeting', 1, 'teams', ['team']],
    ['next meeting about budget', 1, 'budget', ['budget']],
    ['next summer party', 1, 'summer party', ['summer', 'party']], // a name, not a season
  ] as const)('%j asks for the next %d matching %j', (text, count, subject, terms) => {
    // A name after "with" may be someone in the meeting too (matchesSubject reads its people).
    const people = /(?:^|\s)(?:with|w\/?)\s/i.test(text) ? { people: true } : {};
    expect(parseQuestion(text, L.now, L.zone)).toEqual({ kind: 'next', count, subject: { text: subject, terms, ...people } });
  });

  it.each([
    // Said before "next", filler only; said after it, nothing that is a subject: the plain next meeting.
    ['when is my next meeting', 1],
    ['what are my next 5 events', 5],
    ['next one', 1],
    ['next up', 1],
    ['next please', 1],
    ['am i free before my next meeting', 1], // mid-sentence: no subject is read
    ['agenda for the next 3 meetings', 3],
    // A time alone beside it, or a day that is over: the plain next meeting ("next meeting at 3" is not a meeting named "3").
    ['next meeting at 3', 1],
    ['next meeting yesterday', 1],
    // Words about the meeting, not its name: what is asked of it, when, where, and thanks.
    ['next meeting details', 1],
    ['next meeting link', 1],
    ['next meeting location', 1],
    ["next meeting's location", 1], // a possessive, not a plural
    ['next meeting agenda', 1],
    ['next meeting time', 1],
    ['when does my next meeting start', 1],
    ['is my next meeting online', 1],
    ['is my next meeting in person', 1],
    ['is my next meeting cancelled', 1],
    ['next meeting before 5', 1],
    ['next meeting in the morning', 1],
    ['next meeting later', 1],
    ['next meeting soon', 1],
    ['next meeting thanks', 1],
    ['next meeting thx', 1],
    ['next meeting again', 1],
    ["what's next on my calendar", 1],
    ["what's next after this", 1],
    ['next meeting in my outlook calendar', 1],
    ["next 3 meeting's links", 3],
    ['next morning meeting', 1],
    ['next afternoon', 1],
  ] as const)('%j names no subject', (text, count) => {
    expect(parseQuestion(text, L.now, L.zone)).toEqual({ kind: 'next', count });
  });

  // "next meeting after 3": the first from 15:00 today on (a time already over, from now), as a time of day reads elsewhere.
  it.each([
    ['next meeting after 3', L, undefined, '2026-11-26T15:00'],
    ['next meeting after 3pm', L, undefined, '2026-11-26T15:00'],
    ['whats my next meeting after 11:30', L, undefined, '2026-11-26T11:30'],
    ['next standup after 4', L, 'standup', '2026-11-26T16:00'],
    ['next 2 meetings after 2pm', L, undefined, '2026-11-26T14:00'],
    ['next meeting after 10', L, undefined, undefined], // 10:00 is over at 10:42: from now
  ] as const)('%j asks for the next meeting from a time', (text, clock, subject, after) => {
    const question = parseQuestion(text, clock.now, clock.zone) as Extract<Question, { kind: 'next' }>;
    expect(question.kind).toBe('next');
    expect(question.subject?.text).toBe(subject);
    expect(question.after && DateTime.fromJSDate(question.after, { zone: clock.zone }).toISO({ suppressMilliseconds: true, includeOffset: false })).toBe(after && `${after}:00`);
  });

  // "next meeting tomorrow": the first meetings of that day, not the next from now; today's (or this week's) from now.
  it.each([
    ['next meeting tomorrow', 1, '2026-11-27T00:00', '2026-11-28T00:00', 'Tomorrow · Fri 27 Nov', 'tomorrow', L],
    ['first meeting tomorrow', 1, '2026-11-27T00:00', '2026-11-28T00:00', 'Tomorrow · Fri 27 Nov', 'tomorrow', L],
    ['next meeting on friday', 1, '2026-11-27T00:00', '2026-11-28T00:00', 'Tomorrow · Fri 27 Nov', 'tomorrow', L],
    ["what's my first meeting monday", 1, '2026-11-30T00:00', '2026-12-01T00:00', 'Mon 30 Nov', 'on Mon 30 Nov', L],
    ['my first 2 meetings on dec 3', 2, '2026-12-03T00:00', '2026-12-04T00:00', 'Thu 3 Dec', 'on Thu 3 Dec', L],
    ['next 3 meetings tomorrow', 3, '2026-11-27T00:00', '2026-11-28T00:00', 'Tomorrow · Fri 27 Nov', 'tomorrow', L],
    ['first one tomorrow', 1, '2026-11-27T00:00', '2026-11-28T00:00', 'Tomorrow · Fri 27 Nov', 'tomorrow', L],
    ['next meeting today', 1, '2026-11-26T10:42', '2026-11-27T00:00', 'Today · Thu 26 Nov', 'for the rest of today', L],
    ['first meeting today', 1, '2026-11-26T10:42', '2026-11-27T00:00', 'Today · Thu 26 Nov', 'for the rest of today', L],
    ['next meeting this morning', 1, '2026-11-26T10:42', '2026-11-26T12:00', 'Today · Thu 26 Nov · Morning', 'for the rest of this morning', L],
    ["what's next tomorrow", 1, '2026-11-27T00:00', '2026-11-28T00:00', 'Tomorrow · Fri 27 Nov', 'tomorrow', L],
    ['next meeting next week', 1, '2026-11-30T00:00', '2026-12-07T00:00', 'Next week · 30 Nov – 6 Dec', 'next week', L],
    ['next meeting this week', 1, '2026-11-26T10:42', '2026-11-30T00:00', 'This week · 23–29 Nov', 'for the rest of this week', L],
    ['next meeting tomorrow', 1, '2026-11-27T00:00', '2026-11-28T00:00', 'Tomorrow · Fri 27 Nov', 'tomorrow', HONOLULU],
    // when the day starts: its first meeting, as when it ends is its last (these were the whole day's agenda)
    ['what time do i start tomorrow', 1, '2026-11-27T00:00', '2026-11-28T00:00', 'Tomorrow · Fri 27 Nov', 'tomorrow', L],
    ['when does my day begin on monday', 1, '2026-11-30T00:00', '2026-12-01T00:00', 'Mon 30 Nov', 'on Mon 30 Nov', L],
    ['first meeting tomorrow', 1, '2026-03-08T00:00', '2026-03-09T00:00', 'Tomorrow · Sun 8 Mar', 'tomorrow', NEW_YORK_DST],
  ] as const)('%j asks for the first %d meetings from %s to %s', (text, count, start, end, label, phrase, clock) => {
    const question = parseQuestion(text, clock.now, clock.zone) as Extract<Question, { kind: 'next' }>;
    expect(question).toMatchObject({ kind: 'next', count, within: { label, phrase } });
    expect(question).not.toHaveProperty('after');
    expect(question).not.toHaveProperty('subject');
    const local = (date: Date) => DateTime.fromJSDate(date, { zone: clock.zone }).toISO({ suppressMilliseconds: true, includeOffset: false });
    expect([local(question.within!.range.start), local(question.within!.range.end)]).toEqual([`${start}:00`, `${end}:00`]);
  });

  // A rest parameter: jest reads a callback with more parameters than the row as one wanting `done`.
  it.each([
    ["when's my last meeting", '2026-11-26T00:00', '2026-11-27T00:00', 'Today · Thu 26 Nov', 'today'],
    ['what time do I finish today', '2026-11-26T00:00', '2026-11-27T00:00', 'Today · Thu 26 Nov', 'today'],
    ['when am i done', '2026-11-26T00:00', '2026-11-27T00:00', 'Today · Thu 26 Nov', 'today'],
    ['what time does my day end tomorrow', '2026-11-27T00:00', '2026-11-28T00:00', 'Tomorrow · Fri 27 Nov', 'tomorrow'],
    ['my last meeting tomorrow', '2026-11-27T00:00', '2026-11-28T00:00', 'Tomorrow · Fri 27 Nov', 'tomorrow'],
    ['final meeting on monday?', '2026-11-30T00:00', '2026-12-01T00:00', 'Mon 30 Nov', 'on Mon 30 Nov'],
    ['last call this afternoon', '2026-11-26T12:00', '2026-11-26T17:00', 'Today · Thu 26 Nov · Afternoon', 'this afternoon'],
    ['am i done for the day?', '2026-11-26T00:00', '2026-11-27T00:00', 'Today · Thu 26 Nov', 'today'],
    // asked in the past tense: the weekday gone by (these were the coming Friday's and Monday's)
    ['when was my last meeting on friday', '2026-11-20T00:00', '2026-11-21T00:00', 'Fri 20 Nov', 'on Fri 20 Nov'],
    ['what was my last meeting friday?', '2026-11-20T00:00', '2026-11-21T00:00', 'Fri 20 Nov', 'on Fri 20 Nov'],
    ['what time did i finish on monday', '2026-11-23T00:00', '2026-11-24T00:00', 'Mon 23 Nov', 'on Mon 23 Nov'],
    ['when did i meet sam on monday', '2026-11-23T00:00', '2026-11-24T00:00', 'Mon 23 Nov', 'on Mon 23 Nov', 'sam'],
    ['when is my last meeting on friday', '2026-11-27T00:00', '2026-11-28T00:00', 'Tomorrow · Fri 27 Nov', 'tomorrow'],
  ] as const)('%j asks for the last meeting from %s to %s, the whole of it, begun or not', (...row) => {
    const [text, start, end, label, phrase, subject] = row as readonly [string, string, string, string, string, string?];
    const question = parseQuestion(text, L.now, L.zone) as Extract<Question, { kind: 'next' }>;
    expect(question).toMatchObject({ kind: 'next', count: 1, last: true, within: { label, phrase } });
    expect(question.subject?.text).toBe(subject);
    const local = (date: Date) => DateTime.fromJSDate(date, { zone: L.zone }).toISO({ suppressMilliseconds: true, includeOffset: false });
    expect([local(question.within!.range.start), local(question.within!.range.end)]).toEqual([`${start}:00`, `${end}:00`]);
  });

  // A follow-up asks the last question again: its kind, for the day or at the time named; a time alone keeps its day.
  it.each([
    ['free time tomorrow', 'and monday?', 'free-slots', '2026-11-30T00:00', '2026-12-01T00:00'],
    ['free time tomorrow', 'what about next week', 'free-slots', '2026-11-30T00:00', '2026-12-07T00:00'],
    ['when am i free on monday', 'and on tuesday?', 'free-slots', '2026-12-01T00:00', '2026-12-02T00:00'],
    ['am i free tomorrow at 3', 'and at 4?', 'free-at', '2026-11-27T16:00', '2026-11-27T16:30'],
    ['am i free tomorrow at 3', 'how about 9:30', 'free-at', '2026-11-27T09:30', '2026-11-27T10:00'],
    ['am i free tomorrow at 3', 'and monday?', 'free-at', '2026-11-30T15:00', '2026-11-30T15:30'],
    ['am i free tomorrow at 3', 'what about monday at 2', 'free-at', '2026-11-30T14:00', '2026-11-30T14:30'],
    ['am i busy on monday at 10', 'and at 11', 'free-at', '2026-11-30T11:00', '2026-11-30T11:30'],
    ["what's on monday", 'and tuesday?', 'agenda', '2026-12-01T00:00', '2026-12-02T00:00'],
    ["what's on monday", 'and at 4?', 'free-at', '2026-11-30T16:00', '2026-11-30T16:30'],
    ['meetings with sam this week', 'and next week?', 'agenda', '2026-11-30T00:00', '2026-12-07T00:00'],
    ['first meeting tomorrow', 'and monday', 'next', '2026-11-30T00:00', '2026-12-01T00:00'],
    ['what time do i finish tomorrow', 'what about monday', 'next', '2026-11-30T00:00', '2026-12-01T00:00'],
    // a part of the day is of the last question's day, asked as it was ("and tonight?" was whether the user is free)
    ['whats on tmrw', 'and tonight?', 'agenda', '2026-11-26T17:00', '2026-11-27T00:00'],
    ["what's on monday", 'what about the afternoon', 'agenda', '2026-11-30T12:00', '2026-11-30T17:00'],
    ["what's on monday", 'and the morning?', 'agenda', '2026-11-30T00:00', '2026-11-30T12:00'],
    ['am i free tomorrow at 3', 'what about the afternoon', 'free-at', '2026-11-27T12:00', '2026-11-27T17:00'],
    ['free time tomorrow', 'and the afternoon?', 'free-slots', '2026-11-27T12:00', '2026-11-27T17:00'],
    ['first meeting tomorrow', 'and tonight?', 'next', '2026-11-26T17:00', '2026-11-27T00:00'],
    ["what's on monday", 'what about the evening at 6', 'free-at', '2026-11-30T18:00', '2026-11-30T18:30'],
    // ... and the day after (or before) is next to the last question's day (it was tomorrow, or no follow-up)
    ["what's on tomorrow", 'and the day after?', 'agenda', '2026-11-28T00:00', '2026-11-29T00:00'],
    ["what's on tomorrow", 'what about the day before', 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
    ['am i free tomorrow at 3', 'and the next day?', 'free-at', '2026-11-28T15:00', '2026-11-28T15:30'],
    ['first meeting tomorrow', 'and the day after', 'next', '2026-11-28T00:00', '2026-11-29T00:00'],
    // what is no follow-up is read as before, the last question or not
    ['free time tomorrow', 'how about coffee at 3', 'agenda', '2026-11-26T00:00', '2026-11-27T00:00'],
    ['free time tomorrow', "what's on monday", 'agenda', '2026-11-30T00:00', '2026-12-01T00:00'],
  ] as const)('after %j, %j is %s from %s to %s', (before, text, kind, start, end) => {
    const last = lastQuestionOf(parseQuestion(before, L.now, L.zone) as Question, L.zone);
    const question = parseQuestion(text, L.now, L.zone, { last }) as Question;
    expect(question.kind).toBe(kind);
    const range = question.kind === 'next' ? question.within!.range : (question as { range: { start: Date; end: Date } }).range;
    const local = (date: Date) => DateTime.fromJSDate(date, { zone: L.zone }).toISO({ suppressMilliseconds: true, includeOffset: false });
    expect([local(range.start), local(range.end)]).toEqual([`${start}:00`, `${end}:00`]);
  });

  // Asked who or where at a time: what is on then, answered the busy way round (the meetings then, not "you're free").
  it.each(['who am i meeting at 2', 'where am i at 3', "who's my 3pm with", 'what do I have at 3pm', 'who organized my 3pm', 'where is my 3pm'])('%j asks what is on at that time', (text) => {
    expect(parseQuestion(text, L.now, L.zone)).toMatchObject({ kind: 'free-at', asks: 'busy' });
  });

  it('a follow-up keeps what the last question was asked of: its meetings, the busy way round, first or last', () => {
    const after = (before: string, text: string) => parseQuestion(text, L.now, L.zone, { last: lastQuestionOf(parseQuestion(before, L.now, L.zone) as Question, L.zone) });
    expect(after('meetings with sam this week', 'and next week?')).toMatchObject({ subject: { text: 'sam' } });
    expect(after('am i busy on monday at 10', 'and at 11')).toMatchObject({ asks: 'busy' });
    expect(after('am i free tomorrow at 3', 'and at 4?')).toMatchObject({ asks: 'free', label: 'Tomorrow · Fri 27 Nov' });
    expect(after('what time do i finish tomorrow', 'what about monday')).toMatchObject({ last: true, within: { label: 'Mon 30 Nov' } });
    expect(after('first meeting tomorrow', 'and monday')).not.toHaveProperty('last');
    expect(after("when's my next break", 'and tomorrow?')).toMatchObject({ kind: 'free-slots', named: { text: 'break' } });
  });

  it('"when do I start" with no day is today\'s first meeting from now, looking on once they are over', () => {
    const question = parseQuestion('when do I start?', L.now, L.zone) as Extract<Question, { kind: 'next' }>;
    expect(question).toMatchObject({ kind: 'next', count: 1, onward: true, within: { label: 'Rest of today · Thu 26 Nov' } });
    expect(question.within!.range).toEqual({ start: L.now, end: new Date('2026-11-27T00:00:00Z') });
    expect(parseQuestion('what time do i start tomorrow', L.now, L.zone)).not.toHaveProperty('onward');
    // So is "when is my first meeting" (typed "first meeting", it is today's agenda).
    expect(parseQuestion('when is my first meeting?', L.now, L.zone)).toEqual(question);
    expect(parseQuestion('whats my first call', L.now, L.zone)).toEqual(question);
    expect(parseQuestion('what is my first meeting tomorrow', L.now, L.zone)).not.toHaveProperty('onward');
  });

  it('"when is my last meeting with sam" is the last one with Sam that has ended, in the 21 days gone by', () => {
    const question = parseQuestion('when is my last meeting with sam', L.now, L.zone) as Extract<Question, { kind: 'next' }>;
    expect(question).toMatchObject({ kind: 'next', last: true, ended: true, subject: { text: 'sam', people: true } });
    expect(question.within!.range).toEqual({ start: new Date('2026-11-05T00:00:00Z'), end: L.now });
    const today = parseQuestion('last meeting today with sam', L.now, L.zone);
    expect(today).not.toHaveProperty('ended');
    expect(today).toMatchObject({ within: { label: 'Today · Thu 26 Nov' } });
  });

  it('people by role are looked for as a meeting\'s name, marked so, and a follow-up does not keep them', () => {
    for (const text of ['next meeting with my manager', 'when was my last meeting with my manager', 'when did i meet my manager']) {
      expect(parseQuestion(text, L.now, L.zone)).toMatchObject({ kind: 'next', subject: { text: 'manager', terms: ['manager'], people: true, role: true } });
    }
    expect(parseQuestion('when was my last meeting with my manager', L.now, L.zone)).toMatchObject({ last: true, ended: true, within: { label: 'Last 21 days' } });
    expect(parseQuestion('next meeting with sam', L.now, L.zone)).not.toHaveProperty('subject.role');
    expect(parseQuestion("when's my next 1:1 with my manager", L.now, L.zone)).not.toHaveProperty('subject.role');
    const last = lastQuestionOf(parseQuestion('next meeting with my manager', L.now, L.zone) as Question, L.zone);
    expect(last).toEqual({ kind: 'next' });
    expect(parseQuestion('and friday?', L.now, L.zone, { last })).not.toHaveProperty('subject');
  });

  it('"can I meet with sam at 3" asks whether the user is free then, and says who else it would be with', () => {
    expect(parseQuestion('can I meet with Sam at 3', L.now, L.zone)).toMatchObject({ kind: 'free-at', asks: 'free', proposedWith: 'sam' });
    expect(parseQuestion('can i meet with the design team tomorrow at 2', L.now, L.zone)).toMatchObject({ kind: 'free-at', proposedWith: 'the design team' });
  });

  it.each([
    ['how long is my next meeting', { kind: 'next', count: 1, length: true }],
    ['how long will my next call be?', { kind: 'next', count: 1, length: true }],
    ['how long is my next standup', { kind: 'next', count: 1, length: true, subject: { text: 'standup', terms: ['standup'] } }],
    ['how long is my standup', { kind: 'next', count: 1, length: true, subject: { text: 'standup', terms: ['standup'] } }],
    ['how long will the design review be?', { kind: 'next', count: 1, length: true, subject: { text: 'design review', terms: ['design', 'review'] } }],
    ['How long is my meeting with Sam', { kind: 'next', count: 1, length: true, subject: { text: 'sam', terms: ['sam'], people: true } }],
    ['how long is my first meeting tomorrow', { kind: 'next', count: 1, length: true, within: { label: 'Tomorrow · Fri 27 Nov', phrase: 'tomorrow' } }],
  ] as const)('%j is the next meeting, and how long it is', (text, expected) => {
    expect(isScheduleQuestion(text, L.now)).toBe(true);
    expect(parseQuestion(text, L.now, L.zone)).toMatchObject(expected);
  });

  it.each([
    ['is the offsite still on?', { kind: 'next', count: 1, status: true, subject: { text: 'offsite', terms: ['offsite'] } }],
    ['has my 1:1 with sam been cancelled', { kind: 'next', count: 1, status: true, subject: { text: '1:1 with sam', terms: ['1:1', 'sam'], people: true } }],
    ['was the retro canceled', { kind: 'next', count: 1, status: true, subject: { text: 'retro', terms: ['retro'] } }],
    ['Is the design review still happening', { kind: 'next', count: 1, status: true, subject: { text: 'design review', terms: ['design', 'review'] } }],
    ['is standup still on tomorrow', { kind: 'agenda', label: 'Tomorrow · Fri 27 Nov', status: true, subject: { text: 'standup', terms: ['standup'] } }],
    ['is standup cancelled today', { kind: 'agenda', label: 'Today · Thu 26 Nov', status: true, subject: { text: 'standup', terms: ['standup'] } }],
    // moved: when it is now, the plain next one (or that day's)
    ['did the design review get moved', { kind: 'next', count: 1, subject: { text: 'design review', terms: ['design', 'review'] } }],
    ['has the all-hands been postponed?', { kind: 'next', count: 1, subject: { text: 'all-hands', terms: ['allhand'] } }],
  ] as const)('%j asks whether a meeting named is on (or when it is now)', (text, expected) => {
    expect(isScheduleQuestion(text, L.now)).toBe(true);
    const question = parseQuestion(text, L.now, L.zone);
    expect(question).toMatchObject(expected);
    if (!('status' in expected)) expect(question).not.toHaveProperty('status');
  });

  it.each(['is it still on', 'is that cancelled', 'is my day still free', 'has my calendar changed', 'is my 3pm still on'])('%j names no meeting: no status question', (text) => {
    expect((parseQuestion(text, L.now, L.zone) as { status?: true } | undefined)?.status).toBeUndefined();
  });

  it('meetings named with no day named are today\'s, and the next ones so named when none are (onward); a day named is that day\'s alone', () => {
    expect(parseQuestion('what meetings do i have with sam', L.now, L.zone)).toMatchObject({ kind: 'agenda', label: 'Today · Thu 26 Nov', subject: { text: 'sam' }, onward: true });
    expect(parseQuestion('meetings about the budget?', L.now, L.zone)).toMatchObject({ kind: 'agenda', subject: { text: 'budget' }, onward: true });
    for (const text of ['meetings with sam today', 'meetings with sam this week', 'standup this afternoon', 'meetings with sam after 3', 'meetings with sam and my conflicts']) {
      expect(parseQuestion(text, L.now, L.zone)).not.toHaveProperty('onward');
    }
  });

  it.each([
    ['any meetings before 9 this week', { from: 0, to: 540 }],
    ['meetings after 6pm next week', { from: 1080, to: 1440 }],
    ["what's on this week from 2pm", { from: 840, to: 1440 }],
    ['morning meetings this week', { from: 0, to: 720, part: 'morning' }],
    ['any evening meetings next week?', { from: 1020, to: 1440, part: 'evening' }],
    ['afternoon meetings next week after 3', { from: 900, to: 1020 }],
    ['early meetings this week', { working: 'before' }],
    ['any early starts next week', { working: 'before' }],
    ['late meetings this week', { working: 'after' }],
    ['anything after work tomorrow', { working: 'after' }],
    ['meetings outside working hours this week', { working: 'after' }],
    ['any lunch meetings this week', { from: 720, to: 840 }],
    ['meetings at lunch next week', { from: 720, to: 840 }],
    ['meetings between 2 and 4 this week', { from: 840, to: 960 }],
    ["what's on this week 2-4pm", { from: 840, to: 960 }],
    ['meetings from 9 to 11am next week', { from: 540, to: 660 }],
  ] as const)('%j lists the meetings at a time of day, each day (%j)', (text, daily) => {
    expect(parseQuestion(text, L.now, L.zone)).toMatchObject({ kind: 'agenda', daily });
  });

  it.each(['meetings this week', 'meetings after 6 today', 'this morning', 'standup this week', 'whats on dec 3 - 5'])('%j names no time of day over days', (text) => {
    expect(parseQuestion(text, L.now, L.zone)).not.toHaveProperty('daily');
  });

  it('a follow-up by name asks the last question again of another name: the same span, the next one, or whether it is on', () => {
    const after = (before: string, text: string) => parseQuestion(text, L.now, L.zone, { last: lastQuestionOf(parseQuestion(before, L.now, L.zone) as Question, L.zone) });
    expect(after('meetings with sam this week', 'and bob?')).toMatchObject({ kind: 'agenda', label: expect.stringMatching(/^This week/), subject: { text: 'bob', people: true } });
    expect(after('design review on friday', 'what about the retro')).toMatchObject({ kind: 'agenda', label: 'Tomorrow · Fri 27 Nov', subject: { text: 'retro' } });
    expect(after('design review on friday', 'what about the retro')).not.toHaveProperty('subject.people');
    expect(after('meetings with sam this week', 'and bob on monday?')).toMatchObject({ kind: 'agenda', label: 'Mon 30 Nov', subject: { text: 'bob', people: true } });
    // The kind of meeting stays ("1:1s with Bob"), unless the new name is a meeting itself.
    expect(after('next 1:1 with sam', 'and with bob?')).toMatchObject({ kind: 'next', count: 1, subject: { text: '1:1 with bob', terms: ['1:1', 'bob'], people: true } });
    expect(after('1:1s with sam this week', 'and bob?')).toMatchObject({ kind: 'agenda', subject: { text: '1:1s with bob', terms: ['1:1', 'bob'], people: true } });
    expect(after('1:1s with sam this week', 'what about the retro')).toMatchObject({ kind: 'agenda', subject: { text: 'retro', terms: ['retro'] } });
    expect(after('is the offsite still on', 'and the retro?')).toMatchObject({ kind: 'next', status: true, subject: { text: 'retro' } });
    expect(after('early meetings with sam this week', 'and bob?')).toMatchObject({ subject: { text: 'bob' }, daily: { working: 'before' } });
    // A question of its own, or no name: not another name.
    expect(after('meetings with sam this week', "and what's on tomorrow")).not.toHaveProperty('subject');
    expect(after('meetings with sam this week', 'and any meetings friday')).not.toHaveProperty('subject');
    for (const text of ['and you?', 'and thanks', 'what about it', 'and then?']) expect(after('meetings with sam this week', text)).toBeUndefined();
    // No last question that named a meeting: nothing to follow.
    expect(after("what's on today", 'and bob?')).toBeUndefined();
    expect(parseQuestion('and bob?', L.now, L.zone)).toBeUndefined();
  });

  it('a follow-up by a name of one very long word reads it without throwing (no pattern built of it)', () => {
    const last = lastQuestionOf(parseQuestion('meetings with sam this week', L.now, L.zone) as Question, L.zone);
    expect(() => parseQuestion(`what about ${'x'.repeat(60_000)}`, L.now, L.zone, { last })).not.toThrow();
    expect(() => parseQuestion(`what's on after the ${'x'.repeat(60_000)}`, L.now, L.zone)).not.toThrow();
  });

  it.each([
    ['and bob?', true],
    ['what about the retro on friday', true],
    ['how about with the design team', true],
    ['and you?', false],
    ['and thanks', false],
    ['what about it', false],
  ])('%j may follow a question by name (isScheduleQuestion: %j)', (text, may) => {
    expect(isScheduleQuestion(text, L.now)).toBe(may);
  });

  it.each([
    ['is sam in my next meeting', { kind: 'next', count: 1, attendee: { text: 'sam', terms: ['sam'], people: true } }],
    ['will bob be at the design review?', { kind: 'next', count: 1, subject: { text: 'design review' }, attendee: { text: 'bob', people: true } }],
    ['is priya coming to my 1:1', { kind: 'next', count: 1, subject: { text: '1:1' }, attendee: { text: 'priya' } }],
    ['is Sam Smith attending the offsite', { kind: 'next', count: 1, subject: { text: 'offsite' }, attendee: { text: 'sam smith', terms: ['sam', 'smith'] } }],
    // with a day named: that day's first one so named
    ['will sam be at the standup tomorrow', { kind: 'next', count: 1, subject: { text: 'standup' }, within: { label: 'Tomorrow · Fri 27 Nov' }, attendee: { text: 'sam' } }],
    ['is sam in my 1:1 on monday', { kind: 'next', count: 1, subject: { text: '1:1' }, within: { label: 'Mon 30 Nov' }, attendee: { text: 'sam' } }],
    ['is bob in my first meeting tomorrow', { kind: 'next', count: 1, within: { label: 'Tomorrow · Fri 27 Nov' }, attendee: { text: 'bob' } }],
    ['is priya coming to the team lunch on friday', { kind: 'next', count: 1, subject: { text: 'team lunch' }, within: { label: 'Tomorrow · Fri 27 Nov' }, attendee: { text: 'priya' } }],
  ] as const)('%j asks whether someone is in the next meeting named', (text, expected) => {
    expect(isScheduleQuestion(text, L.now)).toBe(true);
    expect(parseQuestion(text, L.now, L.zone)).toMatchObject(expected);
  });

  it.each([
    ['who organized the design review?', { kind: 'next', count: 1, subject: { text: 'design review' }, who: 'organizer' }],
    ['who set up my 1:1 tomorrow', { kind: 'next', count: 1, subject: { text: '1:1' }, within: { label: 'Tomorrow · Fri 27 Nov' }, who: 'organizer' }],
    ["who's running the offsite", { kind: 'next', count: 1, subject: { text: 'offsite' }, who: 'organizer' }],
    ['who sent the invite for the design review', { kind: 'next', count: 1, subject: { text: 'design review', terms: ['design', 'review'] }, who: 'organizer' }],
    ['who invited me to the retro', { kind: 'next', count: 1, subject: { text: 'retro' }, who: 'organizer' }],
    ['who is the organiser of the weekly sync', { kind: 'next', count: 1, subject: { text: 'weekly sync' }, who: 'organizer' }],
    ['who organized my 3pm', { kind: 'free-at', asks: 'busy', label: 'Today · Thu 26 Nov', who: 'organizer' }],
    ["who's in my next meeting?", { kind: 'next', count: 1, who: 'people' }],
    ['Who is coming to the design review', { kind: 'next', count: 1, subject: { text: 'design review' }, who: 'people' }],
    ["who's invited to the team lunch on friday", { kind: 'next', count: 1, subject: { text: 'team lunch' }, within: { label: 'Tomorrow · Fri 27 Nov' }, who: 'people' }],
    ['who else is attending my first meeting tomorrow', { kind: 'next', count: 1, within: { label: 'Tomorrow · Fri 27 Nov' }, who: 'people' }],
    ["who's my 3pm with", { kind: 'free-at', asks: 'busy', who: 'people' }],
    ["who's my next meeting with", { kind: 'next', count: 1, who: 'people' }],
    ['who am i meeting next', { kind: 'next', count: 1, who: 'people' }],
    ['who am i meeting at 2', { kind: 'free-at', asks: 'busy', who: 'people' }],
    ['whos in this meeting', { kind: 'now', who: 'people' }],
    ['who am i meeting tomorrow?', { kind: 'agenda', label: 'Tomorrow · Fri 27 Nov', who: 'people' }],
    ['who do i meet with this week', { kind: 'agenda', label: expect.stringMatching(/^This week/), who: 'people' }],
    ['who am i seeing on monday', { kind: 'agenda', label: 'Mon 30 Nov', who: 'people' }],
    ['who am i meeting later', { kind: 'next', count: 1, who: 'people' }],
    ["who's in my meetings tomorrow", { kind: 'agenda', label: 'Tomorrow · Fri 27 Nov', who: 'people' }],
    ["who's in tomorrow's standup", { kind: 'next', count: 1, subject: { text: 'standup' }, within: { label: 'Tomorrow · Fri 27 Nov', phrase: 'tomorrow' }, who: 'people' }],
    // the whole of today, not what is left of it: today's design review may be over
    ["who organized today's design review", { kind: 'next', count: 1, subject: { text: 'design review' }, within: { label: 'Today · Thu 26 Nov', phrase: 'today' }, who: 'organizer' }],
    ["who's running monday's retro", { kind: 'next', count: 1, subject: { text: 'retro' }, within: { label: 'Mon 30 Nov' }, who: 'organizer' }],
    ["who's on the call", { kind: 'next', count: 1, who: 'people' }],
    ['who organized this call?', { kind: 'now', who: 'organizer' }],
    // an answer asked about: those invited who gave it (it was no question)
    ['who declined the design review?', { kind: 'next', count: 1, subject: { text: 'design review' }, who: 'declined' }],
    ["who's declined my 3pm", { kind: 'free-at', asks: 'busy', who: 'declined' }],
    ["who isn't coming to the offsite", { kind: 'next', count: 1, subject: { text: 'offsite' }, who: 'declined' }],
    ["whos not coming to the team lunch on friday", { kind: 'next', count: 1, subject: { text: 'team lunch' }, within: { label: 'Tomorrow · Fri 27 Nov' }, who: 'declined' }],
    ["who can't make it to the retro", { kind: 'next', count: 1, subject: { text: 'retro' }, who: 'declined' }],
    ['who said no to my next meeting', { kind: 'next', count: 1, who: 'declined' }],
    ['who accepted the design review', { kind: 'next', count: 1, subject: { text: 'design review' }, who: 'accepted' }],
    ['who has confirmed for the offsite', { kind: 'next', count: 1, subject: { text: 'offsite' }, who: 'accepted' }],
    ['who said yes to the standup tomorrow', { kind: 'next', count: 1, subject: { text: 'standup' }, within: { label: 'Tomorrow · Fri 27 Nov' }, who: 'accepted' }],
    ["who hasn't responded to the design review yet?", { kind: 'next', count: 1, subject: { text: 'design review' }, who: 'unanswered' }],
    ["who hasn't replied to my 3pm", { kind: 'free-at', asks: 'busy', who: 'unanswered' }],
    ['who still needs to respond to the offsite', { kind: 'next', count: 1, subject: { text: 'offsite' }, who: 'unanswered' }],
    ["who's coming to the offsite", { kind: 'next', count: 1, subject: { text: 'offsite' }, who: 'people' }],
    // one person's answer: whether they are in it, and their answer
    ['has sam accepted the design review?', { kind: 'next', count: 1, subject: { text: 'design review' }, attendee: { text: 'sam', people: true }, who: 'answer' }],
    ['did bob decline the standup tomorrow', { kind: 'next', count: 1, subject: { text: 'standup' }, within: { label: 'Tomorrow · Fri 27 Nov' }, attendee: { text: 'bob' }, who: 'answer' }],
    ['has priya responded to my next meeting yet', { kind: 'next', count: 1, attendee: { text: 'priya' }, who: 'answer' }],
    ['did sam smith say yes to the offsite', { kind: 'next', count: 1, subject: { text: 'offsite' }, attendee: { text: 'sam smith' }, who: 'answer' }],
  ] as const)('%j asks who organized a meeting or is in it', (text, expected) => {
    expect(isScheduleQuestion(text, L.now)).toBe(true);
    expect(parseQuestion(text, L.now, L.zone)).toMatchObject(expected);
  });

  it.each([
    ["what's my busiest day this week", '2026-11-23T00:00', '2026-11-30T00:00'],
    ['busiest day next week', '2026-11-30T00:00', '2026-12-07T00:00'],
    ['which day has the most meetings next week', '2026-11-30T00:00', '2026-12-07T00:00'],
    ["what's my busiest day?", '2026-11-23T00:00', '2026-11-30T00:00'], // no span named: this week
    ['busiest day dec 1 to dec 4', '2026-12-01T00:00', '2026-12-05T00:00'],
  ] as const)('%j asks for the busiest day of a span', (text, start, end) => {
    expect(isScheduleQuestion(text, L.now)).toBe(true);
    const question = parseQuestion(text, L.now, L.zone) as Extract<Question, { kind: 'agenda' }>;
    expect(question).toMatchObject({ kind: 'agenda', busiest: true });
    expect([question.range.start, question.range.end].map((at) => DateTime.fromJSDate(at, { zone: L.zone }).toFormat("yyyy-MM-dd'T'HH:mm"))).toEqual([start, end]);
  });

  it.each(['busiest day tomorrow', 'how busy am i this week', 'what a busy day'])('%j asks for no busiest day', (text) => {
    expect(parseQuestion(text, L.now, L.zone) ?? {}).not.toHaveProperty('busiest');
  });

  it.each([
    ['when is my longest meeting this week', 'longest', 'This week · 23–29 Nov'],
    ["what's my shortest call tomorrow", 'shortest', 'Tomorrow · Fri 27 Nov'],
    ['longest meeting', 'longest', 'Today · Thu 26 Nov'],
  ] as const)('%j is one meeting of a span by its length', (text, longest, label) => {
    expect(isScheduleQuestion(text, L.now)).toBe(true);
    expect(parseQuestion(text, L.now, L.zone)).toMatchObject({ kind: 'next', count: 1, longest, within: { label } });
  });

  it.each([
    ['find a time with bob tomorrow', 'bob'],
    ['when can i meet with sam smith on friday', 'sam smith'],
    ['when am i free to meet bob on friday', 'bob'],
    ['when are sam and i both free', 'sam'],
    ['free slots for a call with priya this week', 'priya'],
    ['when am i free tomorrow', undefined],
    ['find time with my manager tomorrow', undefined],
  ] as const)('%j asks for free time with %j', (text, name) => {
    const question = parseQuestion(text, L.now, L.zone) as Extract<Question, { kind: 'free-slots' }>;
    expect(question.kind).toBe('free-slots');
    expect(question.proposedWith).toBe(name);
  });

  it.each([
    ['whats the first thing tomorrow', 'Tomorrow · Fri 27 Nov'],
    ["what's first on my agenda on monday", 'Mon 30 Nov'],
  ] as const)('%j is the first meeting of that day', (text, label) => {
    expect(parseQuestion(text, L.now, L.zone)).toMatchObject({ kind: 'next', count: 1, within: { label } });
  });

  it.each([
    ['is sam free at 3', 'sam'],
    ['when is bob free tomorrow', 'bob'],
    ['is priya busy today?', 'priya'],
    ["what's sam's schedule tomorrow", 'sam'],
    ["show me bob's calendar", 'bob'],
    ["what's sam smith's availability on friday", 'sam smith'],
    ['is sam in a meeting', 'sam'],
    ["what's my manager's schedule tomorrow", 'my manager'],
    ['are sam and bob free at 3', 'sam and bob'],
    ['are bob and priya both available tomorrow', 'bob and priya'],
  ] as const)('%j asks about someone else\'s calendar', (text, name) => {
    expect(isScheduleQuestion(text, L.now)).toBe(true);
    expect(parseQuestion(text, L.now, L.zone)).toEqual({ kind: 'unsupported', what: 'calendar', span: name });
  });

  it.each(['is it free', 'is tomorrow free', 'is 3 free', 'are we free at 3', 'is the room free at 3', "what's today's schedule", "this week's meetings", "tmrw's meetings", 'is my 3pm free', "my team's calendar", 'am i free at 3', 'is everyone free at 3', 'is sam in my next meeting', 'are sam and i free at 3', 'are we both free'])('%j asks about no one else\'s calendar', (text) => {
    expect(parseQuestion(text, L.now, L.zone)).not.toMatchObject({ what: 'calendar' });
  });

  it.each([
    // London, 10:42 GMT: 3pm EST is 20:00 there
    ['am i free at 3pm EST?', '2026-11-26T20:00', '2026-11-26T20:30', { zone: 'America/New_York', name: 'EST' }],
    ['am I free at 3pm New York time', '2026-11-26T20:00', '2026-11-26T20:30', { zone: 'America/New_York', name: 'New York time' }],
    ['am i free tomorrow at 9am pst', '2026-11-27T17:00', '2026-11-27T17:30', { zone: 'America/Los_Angeles', name: 'PST' }],
    ['anything at 14:00 utc', '2026-11-26T14:00', '2026-11-26T14:30', undefined], // London's clock in November
    ['am i free at 9 cet', '2026-11-27T08:00', '2026-11-27T08:30', { zone: 'Europe/Paris', name: 'CET' }], // 9:00 in Paris is over
    ['free at 10am in london time', '2026-11-27T10:00', '2026-11-27T10:30', undefined],
  ] as const)('%j is that time where it was said', (text, start, end, saidIn) => {
    const question = parseQuestion(text, L.now, L.zone) as Extract<Question, { kind: 'free-at' }>;
    expect(question.kind).toBe('free-at');
    expect([question.range.start, question.range.end].map((at) => DateTime.fromJSDate(at, { zone: L.zone }).toFormat("yyyy-MM-dd'T'HH:mm"))).toEqual([start, end]);
    expect(question.saidIn).toEqual(saidIn);
  });

  it('a stretch or a "next" after a time said in a zone is of that zone; words that are no zone are left as they are', () => {
    const after = parseQuestion('meetings after 2pm pacific time tomorrow', L.now, L.zone) as Extract<Question, { kind: 'agenda' }>;
    expect(after).toMatchObject({ kind: 'agenda', label: 'Tomorrow · Fri 27 Nov', times: true });
    expect(after.range.start).toEqual(new Date('2026-11-27T22:00:00Z'));
    expect(after).not.toHaveProperty('hours');
    expect(parseQuestion('next meeting after 3pm est', L.now, L.zone)).toMatchObject({ kind: 'next', after: new Date('2026-11-26T20:00:00Z') });
    // Each day of a span at a time of day: the user's days and clock, as before (one window a day).
    expect(parseQuestion('meetings after 2pm EST this week', L.now, L.zone)).toMatchObject({ kind: 'agenda', range: { start: new Date('2026-11-23T00:00:00Z') }, daily: { from: 840, to: 1440 } });
    expect(parseQuestion('meeting at 3 with the est team', L.now, L.zone)).toMatchObject({ kind: 'free-at', subject: { text: 'est team' } });
    expect(parseQuestion('standup at 9 in paris', L.now, L.zone)).not.toHaveProperty('saidIn');
    // An object's own words are no zone's abbreviation.
    expect(parseQuestion('am i free at 3 constructor', L.now, L.zone)).toMatchObject({ kind: 'free-at', range: { start: new Date('2026-11-26T15:00:00Z') } });
    expect(parseQuestion('am i free at 3 constructor', L.now, L.zone)).not.toHaveProperty('saidIn');
  });

  it.each(['meetings i organized this week', 'which meetings am i running tomorrow', 'meetings organized by me', 'what meetings did i set up today', 'my own meetings'])('%j asks only for the meetings the user organizes', (text) => {
    expect(isScheduleQuestion(text, L.now)).toBe(true);
    expect(parseQuestion(text, L.now, L.zone)).toMatchObject({ kind: 'agenda', only: 'organized' });
  });

  it.each([
    ['meetings on feb 30', '30 February'],
    ['whats on 31/02', '31/02'],
    ['whats on feb 29', '29 February 2027'],
  ] as const)('%j names the day there is none of', (text, span) => {
    expect(parseQuestion(text, L.now, L.zone)).toEqual({ kind: 'unsupported', what: 'date', span });
  });

  it.each(["when's my next free day", 'next meeting-free day', 'first clear day', 'next day with no meetings', 'next day without any meetings', 'when am i next free all day'])('%j asks for the next day with no meetings', (text) => {
    expect(isScheduleQuestion(text, L.now)).toBe(true);
    expect(parseQuestion(text, L.now, L.zone)).toMatchObject({ kind: 'free-slots', freeDay: true, label: 'Next free day', range: { start: new Date('2026-11-26T00:00:00Z'), end: new Date('2027-01-25T00:00:00Z') } });
  });

  it.each(['am i free all day', 'when am i free all day tomorrow', "what's my next day off", 'next free slot'])('%j asks for no free day', (text) => {
    expect(parseQuestion(text, L.now, L.zone)).not.toHaveProperty('freeDay');
  });

  it.each([
    ['cancel my 3pm', true],
    ['could you reschedule my 1:1 with sam', true],
    ['book a meeting tomorrow at 3', true],
    ['accept the offsite invite', true],
    ['add lunch to my calendar at 12', true],
    ['schedule a call with bob', true],
    ['remove my account', false],
    ['invite bob', false],
    ['set up notifications', false],
    ['schedule for tomorrow', false],
    ["what's on today", false],
  ] as const)('%j asks to change the calendar: %j', (text, asks) => {
    expect(asksToChangeCalendar(text, L.now)).toBe(asks);
  });

  it.each(['has everyone accepted the offsite', 'did it accept the standup', 'has sam accepted', 'did bob accept it'])('%j asks no one\'s answer (no meeting, or no one named)', (text) => {
    expect(parseQuestion(text, L.now, L.zone) ?? {}).not.toHaveProperty('who');
  });

  it.each(['who is in the office today', 'whos in today', 'who is on leave', 'who is my manager', "who's on the team", 'who are you', 'who am i meeting with sam'])('%j asks no "who" of a meeting', (text) => {
    expect(parseQuestion(text, L.now, L.zone) ?? {}).not.toHaveProperty('who');
  });

  it.each([
    ['is sam in any of my meetings tomorrow', { kind: 'agenda', label: 'Tomorrow · Fri 27 Nov', subject: { text: 'sam', people: true } }],
    ['is sam in my meetings this week', { kind: 'agenda', label: expect.stringMatching(/^This week/), subject: { text: 'sam', people: true } }],
    ['will bob be at any standups next week', { kind: 'agenda', label: expect.stringMatching(/^Next week/), subject: { text: 'standups with bob', terms: ['standup', 'bob'], people: true } }],
    ['is sam in any of my standups', { kind: 'next', count: 3, subject: { text: 'standups with sam', people: true } }],
  ] as const)('%j asks for the meetings someone is in', (text, expected) => {
    expect(isScheduleQuestion(text, L.now)).toBe(true);
    const question = parseQuestion(text, L.now, L.zone);
    expect(question).toMatchObject(expected);
    expect(question).not.toHaveProperty('attendee');
  });

  it.each(['is there anything in my calendar', 'is it in my next meeting', 'is anyone in my next meeting', 'is sam in my 3pm', 'is anyone in my meetings tomorrow', 'is it in any meetings'])('%j asks about no one in a meeting', (text) => {
    expect(parseQuestion(text, L.now, L.zone)).not.toHaveProperty('attendee');
  });

  it('a follow-up keeps the time of day asked about', () => {
    const last = lastQuestionOf(parseQuestion('early meetings this week', L.now, L.zone) as Question, L.zone);
    expect(parseQuestion('and next week?', L.now, L.zone, { last })).toMatchObject({ kind: 'agenda', label: expect.stringMatching(/^Next week/), daily: { working: 'before' } });
  });

  it('a follow-up keeps the hours of the day asked about: the same stretch on the day named, each day of a week', () => {
    const after = (before: string, text: string) => parseQuestion(text, L.now, L.zone, { last: lastQuestionOf(parseQuestion(before, L.now, L.zone) as Question, L.zone) });
    const local = (question: Question | UnsupportedSpan | undefined) => {
      const { range } = question as { range: { start: Date; end: Date } };
      return [range.start, range.end].map((at) => DateTime.fromJSDate(at, { zone: L.zone }).toFormat("ccc d'T'HH:mm"));
    };
    const friday = after('meetings between 2 and 4 tomorrow', 'and friday?');
    expect(friday).toMatchObject({ kind: 'agenda', label: 'Tomorrow · Fri 27 Nov', times: true });
    expect(local(after('meetings between 2 and 4 tomorrow', 'and monday?'))).toEqual(['Mon 30T14:00', 'Mon 30T16:00']);
    expect(local(after('when am i free between 10 and 12 tomorrow', 'and monday?'))).toEqual(['Mon 30T10:00', 'Mon 30T12:00']);
    expect(after('when am i free between 10 and 12 tomorrow', 'and monday?')).toMatchObject({ kind: 'free-slots' });
    expect(local(after('free time after 3 tomorrow', 'what about monday'))).toEqual(['Mon 30T15:00', 'Tue 1T00:00']);
    expect(local(after('anything before noon tomorrow', 'and monday?'))).toEqual(['Mon 30T00:00', 'Mon 30T12:00']);
    // Today's, once begun: free time from now, meetings for the whole stretch.
    expect(local(after('free time between 9 and 12 tomorrow', 'and today?'))).toEqual(['Thu 26T10:45', 'Thu 26T12:00']);
    expect(local(after('meetings between 9 and 12 tomorrow', 'and today?'))).toEqual(['Thu 26T09:00', 'Thu 26T12:00']);
    // A week: those hours each day of it.
    expect(after('meetings between 2 and 4 tomorrow', 'and next week?')).toMatchObject({ kind: 'agenda', label: expect.stringMatching(/^Next week/), daily: { from: 840, to: 960 } });
    // A time or a part of the day of its own, or none named before: as the follow-up says.
    expect(after('meetings between 2 and 4 tomorrow', 'and friday at 5?')).toMatchObject({ kind: 'free-at' });
    expect(after('whats on tomorrow after 3', 'and monday morning?')).toMatchObject({ label: 'Mon 30 Nov · Morning' });
    expect(local(after('anything in the next 2 hours', 'and monday?'))).toEqual(['Mon 30T00:00', 'Tue 1T00:00']);
    expect(local(after('meetings until 5', 'and monday?'))).toEqual(['Mon 30T00:00', 'Tue 1T00:00']);
  });

  it('a follow-up to a "who" question asks it again, of the meeting it names', () => {
    const after = (before: string, text: string) => parseQuestion(text, L.now, L.zone, { last: lastQuestionOf(parseQuestion(before, L.now, L.zone) as Question, L.zone) });
    expect(after("who's in the design review", 'and the standup?')).toMatchObject({ kind: 'next', count: 1, subject: { text: 'standup' }, who: 'people' });
    expect(after('who declined the design review', 'and the standup?')).toMatchObject({ kind: 'next', count: 1, subject: { text: 'standup' }, who: 'declined' });
    // Whose answer was asked is not kept: the standup, as "next standup" is.
    expect(after('has sam accepted the design review', 'and the standup?')).not.toHaveProperty('who');
    expect(after('who organized the design review', 'and friday?')).toMatchObject({ kind: 'next', count: 1, subject: { text: 'design review' }, within: { label: 'Tomorrow · Fri 27 Nov' }, who: 'organizer' });
    expect(after('who organized my 3pm', 'and my 4pm?')).toMatchObject({ kind: 'free-at', asks: 'busy', who: 'organizer' });
    expect(after('who organized my 3pm', 'and at 4?')).toMatchObject({ kind: 'free-at', asks: 'busy', who: 'organizer' });
    expect(after("who's in this meeting", 'and the retro?')).toMatchObject({ kind: 'next', subject: { text: 'retro' }, who: 'people' });
    expect(after('who am i meeting tomorrow', 'and monday?')).toMatchObject({ kind: 'agenda', label: 'Mon 30 Nov', who: 'people' });
  });

  it('"who\'s in it?", "is sam in it?" are about the one meeting the last answer showed; with none, no question', () => {
    const after = (before: string, text: string) => parseQuestion(text, L.now, L.zone, { last: lastQuestionOf(parseQuestion(before, L.now, L.zone) as Question, L.zone) });
    expect(after('next design review', "who's in it?")).toEqual({ kind: 'next', count: 1, subject: { text: 'design review', terms: ['design', 'review'] }, who: 'people' });
    expect(after('next design review', "who's it with")).toMatchObject({ kind: 'next', subject: { text: 'design review' }, who: 'people' });
    expect(after('standup tomorrow', 'who organized it')).toMatchObject({ kind: 'next', count: 1, subject: { text: 'standup' }, within: { label: 'Tomorrow · Fri 27 Nov' }, who: 'organizer' });
    expect(after('first meeting tomorrow', 'who set that up?')).toMatchObject({ kind: 'next', count: 1, within: { label: 'Tomorrow · Fri 27 Nov' }, who: 'organizer' });
    expect(after('what do i have at 3', "who's in that one")).toMatchObject({ kind: 'free-at', asks: 'busy', label: 'Today · Thu 26 Nov', who: 'people' });
    expect(after('what meeting am i in', 'who organized it')).toEqual({ kind: 'now', who: 'organizer' });
    expect(after('next design review', 'is sam in it?')).toMatchObject({ kind: 'next', subject: { text: 'design review' }, attendee: { text: 'sam', people: true } });
    expect(after('standup tomorrow', 'will bob be at that one')).toMatchObject({ kind: 'next', within: { label: 'Tomorrow · Fri 27 Nov' }, attendee: { text: 'bob' } });
    // No one meeting shown, or no last question: nothing to ask it of (the bot says it didn't catch that).
    for (const before of ["what's on today", 'free time tomorrow', 'meetings with sam this week']) {
      expect(after(before, "who's in it")).toBeUndefined();
      expect(after(before, 'is sam in it')).toBeUndefined();
    }
    for (const text of ["who's in it?", 'is sam in it', 'who set that up']) {
      expect(isScheduleQuestion(text, L.now)).toBe(true);
      expect(parseQuestion(text, L.now, L.zone)).toBeUndefined();
    }
    expect(after("who's in the design review", 'and next week?')).toMatchObject({ kind: 'next', count: 1, within: { label: expect.stringMatching(/^Next week/) }, who: 'people' });
    // Not after any other question.
    expect(after('next design review', 'and the standup?')).not.toHaveProperty('who');
    expect(after('meetings with sam this week', 'and bob?')).not.toHaveProperty('who');
  });

  it('a follow-up to a status question keeps asking it: the day named, cancelled ones too', () => {
    const after = (before: string, text: string) => parseQuestion(text, L.now, L.zone, { last: lastQuestionOf(parseQuestion(before, L.now, L.zone) as Question, L.zone) });
    expect(after('is standup still on tomorrow', 'and monday?')).toMatchObject({ kind: 'agenda', label: 'Mon 30 Nov', status: true, subject: { text: 'standup' } });
    expect(after('is the offsite still on', 'and next week?')).toMatchObject({ kind: 'agenda', label: expect.stringMatching(/^Next week/), status: true, subject: { text: 'offsite' } });
    expect(after('standup tomorrow', 'and monday?')).not.toHaveProperty('status');
    expect(after('when is my next offsite', 'and next week?')).not.toHaveProperty('status');
  });

  it('a day named is the whole of it, not the rest of it: "is standup cancelled today" is about this morning\'s too', () => {
    const question = parseQuestion('is standup cancelled today', L.now, L.zone) as Extract<Question, { kind: 'agenda' }>;
    expect(DateTime.fromJSDate(question.range.start, { zone: L.zone }).toFormat('HH:mm')).toBe('00:00');
  });

  it('"when\'s my next break" with no day named looks on past the day (onward); with one named, only that day', () => {
    expect(parseQuestion("when's my next break", L.now, L.zone)).toMatchObject({ kind: 'free-slots', onward: true });
    for (const text of ['do i get a break tomorrow', 'when can i take a break this afternoon', 'next break today']) expect(parseQuestion(text, L.now, L.zone)).not.toHaveProperty('onward');
  });

  // The least length of the free time asked for, in minutes; none: every gap of 15 minutes or more.
  it.each([
    ['when am i free for an hour tomorrow', 60],
    ['am i free for 2 hours on friday', 120],
    ['free for 45 mins this afternoon', 45],
    ['find 30 mins tomorrow', 30],
    ['can you find me an hour on friday', 60],
    ['find half an hour today', 30],
    ['find me an hour and a half tomorrow', 90],
    ['do i have 2 hours free on friday', 120],
    ['free 30 minutes tomorrow', 30],
    ['any 90-minute slot this week', 90],
    ['do I have a 4 hour slot on monday', 240],
    ['find a 45 min slot friday', 45],
    ['when can i fit a 1 hour meeting tomorrow', 60],
    ['got two hours free tomorrow?', 120],
    ['when am i free for 2h', 120],
    ['when am i free tomorrow', undefined],
    ['free time in the next 2 hours', undefined],
    ['when am i free in 2 hours', undefined],
    ['free slots over the next couple of days', undefined],
    ['any slots on monday', undefined],
  ] as const)('%j asks for free time of %j minutes or more', (text, minutes) => {
    const question = parseQuestion(text, L.now, L.zone);
    expect(question?.kind).toBe('free-slots');
    expect((question as { minutes?: number }).minutes).toBe(minutes);
  });

  it('a follow-up of free time asked for so long keeps the length; a yes/no about a time keeps its own', () => {
    const first = parseQuestion('am i free for 2 hours tomorrow', L.now, L.zone)!;
    expect(first).toMatchObject({ kind: 'free-slots', minutes: 120 });
    const last = lastQuestionOf(first as Question, L.zone);
    expect(parseQuestion('and monday?', L.now, L.zone, { last })).toMatchObject({ kind: 'free-slots', minutes: 120, label: 'Mon 30 Nov' });
    expect(parseQuestion('can i fit in a call at 4', L.now, L.zone)).toMatchObject({ kind: 'free-at', asks: 'free' });
    expect(parseQuestion('could i squeeze in a meeting at 3 tomorrow', L.now, L.zone)).toMatchObject({ kind: 'free-at', asks: 'free' });
  });

  // Only some meetings, by what they are (AgendaOnly); no day named, the next 14 days from now; a span, from now on.
  it.each([
    ['which meetings havent i responded to', 'unanswered', '2026-11-26T10:42', '2026-12-10T00:00'],
    ['any pending invites?', 'unanswered', '2026-11-26T10:42', '2026-12-10T00:00'],
    ['invitations i need to respond to', 'unanswered', '2026-11-26T10:42', '2026-12-10T00:00'],
    ['unanswered invitations this week', 'unanswered', '2026-11-26T10:42', '2026-11-30T00:00'],
    ["meetings next week I haven't accepted", 'unanswered', '2026-11-30T00:00', '2026-12-07T00:00'],
    ['what do i still need to rsvp to', 'unanswered', '2026-11-26T10:42', '2026-12-10T00:00'],
    ['meetings waiting for my response on friday', 'unanswered', '2026-11-27T00:00', '2026-11-28T00:00'],
    ['do i have any conflicts this week', 'conflicts', '2026-11-26T10:42', '2026-11-30T00:00'],
    ['am i double booked tomorrow?', 'conflicts', '2026-11-27T00:00', '2026-11-28T00:00'],
    ['any overlapping meetings on monday', 'conflicts', '2026-11-30T00:00', '2026-12-01T00:00'],
    ['clashes', 'conflicts', '2026-11-26T10:42', '2026-12-10T00:00'],
    ['am i double-booked at 3', 'conflicts', '2026-11-26T10:42', '2026-11-27T00:00'],
  ] as const)('%j is an agenda of only the %s', (text, only, start, end) => {
    const question = parseQuestion(text, L.now, L.zone);
    expect(question).toMatchObject({ kind: 'agenda', only });
    expect(question).not.toHaveProperty('subject');
    const range = (question as { range: { start: Date; end: Date } }).range;
    expect(DateTime.fromJSDate(range.start, { zone: L.zone }).toISO({ suppressMilliseconds: true, includeOffset: false })).toBe(`${start}:00`);
    expect(DateTime.fromJSDate(range.end, { zone: L.zone }).toISO({ suppressMilliseconds: true, includeOffset: false })).toBe(`${end}:00`);
    expect(isScheduleQuestion(text, L.now)).toBe(true);
  });

  it('a meeting named for conflicts or invitations is no such filter', () => {
    for (const text of ['conflict resolution workshop tomorrow', 'meetings about the merge conflicts today', 'overlap sync tomorrow', 'pending approvals meeting tomorrow', 'when is the conflict resolution training']) {
      expect(parseQuestion(text, L.now, L.zone)).not.toHaveProperty('only');
    }
  });

  it('a follow-up of conflicts asked about keeps to conflicts', () => {
    const last = lastQuestionOf(parseQuestion('any conflicts tomorrow', L.now, L.zone) as Question, L.zone);
    expect(parseQuestion('and monday?', L.now, L.zone, { last })).toMatchObject({ kind: 'agenda', only: 'conflicts', label: 'Mon 30 Nov' });
    expect(parseQuestion('whats on tomorrow', L.now, L.zone)).not.toHaveProperty('only');
  });

  // A meeting named after "after" or "before" is where the day's agenda starts or ends (MeetingAnchor), not a filter.
  it.each([
    ["what's after my standup", 'after', 'standup', true],
    ['what do i have after the design review', 'after', 'design review', true],
    ['anything before my 1:1 tomorrow?', 'before', '1:1', false],
    ["what's on after standup today", 'after', 'standup', false],
    ['anything on friday following the retro', 'after', 'retro', false],
  ] as const)('%j is the agenda %s %j', (text, side, subject, onward) => {
    const question = parseQuestion(text, L.now, L.zone);
    expect(question).toMatchObject({ kind: 'agenda', anchor: { side, subject: { text: subject } } });
    expect(question).not.toHaveProperty('subject');
    expect((question as { anchor: { onward?: true } }).anchor.onward === true).toBe(onward);
    expect(isScheduleQuestion(text, L.now)).toBe(true);
  });

  it('"after" with a time, a part of the day or a meeting beside a day keeps its old meaning', () => {
    expect(parseQuestion('what do i have after 3', L.now, L.zone)).not.toHaveProperty('anchor');
    expect(parseQuestion('anything after lunch', L.now, L.zone)).toMatchObject({ kind: 'agenda', label: 'Today · Thu 26 Nov · Afternoon' });
    expect(parseQuestion('meetings with sam after the offsite', L.now, L.zone)).not.toHaveProperty('anchor');
  });

  it('"next meeting tomorrow at 3" is the first of that day from 15:00, said as after 15:00', () => {
    for (const text of ['next meeting tomorrow at 3', 'next meeting tomorrow after 3pm']) {
      const question = parseQuestion(text, L.now, L.zone) as Extract<Question, { kind: 'next' }>;
      expect(question).toMatchObject({ kind: 'next', count: 1, within: { label: 'Tomorrow · Fri 27 Nov', phrase: 'tomorrow' } });
      expect(question.after).toEqual(new Date('2026-11-27T15:00:00Z'));
      expect(question.within!.range).toEqual({ start: new Date('2026-11-27T15:00:00Z'), end: new Date('2026-11-28T00:00:00Z') });
    }
  });

  it.each([
    ['next summer', 'season', 'next summer'],
    ['this winter', 'season', 'this winter'],
    ['whats on this fall', 'season', 'this fall'],
    ['anything about the offsite over the summer', 'season', 'over the summer'],
    ["this year's meetings", 'year', 'this year'],
    ['what did i have last year', 'year', 'last year'],
    ['meetings for the rest of the year', 'year', 'the rest of the year'],
    ['next quarter', 'quarter', 'next quarter'],
    ['what do i have over the holidays', 'holidays', 'over the holidays'],
    ['am i free during the holidays', 'holidays', 'during the holidays'],
  ] as const)('%j names a %s, "%s", which calbot does not answer for', (text, what, span) => {
    expect(parseQuestion(text, L.now, L.zone)).toEqual({ kind: 'unsupported', what, span });
  });

  it('reads at most 8 words of a subject; the answer quotes what was typed (the card clips it)', () => {
    const words = Array.from({ length: 20 }, (_, i) => `word${i}`);
    const question = parseQuestion(`next ${words.join(' ')}`, L.now, L.zone) as { subject: { text: string; terms: string[] } };
    expect(question.subject.terms).toEqual(words.slice(0, 8));
    expect(question.subject.text).toBe(words.join(' '));
  });

  it(`"next 50 meetings" lists ${MAX_NEXT_COUNT}, and says 50 were asked for`, () => {
    expect(parseQuestion('next 50 meetings', L.now, L.zone)).toEqual({ kind: 'next', count: MAX_NEXT_COUNT, asked: 50 });
    expect(parseQuestion('next 11 meetings', L.now, L.zone)).toEqual({ kind: 'next', count: MAX_NEXT_COUNT, asked: 11 });
  });

  // The card's yes or no answers the question as it was put: "am I busy at 11" -> "No, you're free then".
  it.each([
    ['am i free at 11', 'free'],
    ['am i available at 3pm tomorrow', 'free'],
    ['am i free tonight', 'free'],
    ['am i busy at 11', 'busy'],
    ['am i booked at 3', 'busy'],
    ['am i in a meeting at 3', 'busy'],
    ['am i on a call at 4pm', 'busy'],
    ['do i have a meeting at 2', 'busy'],
    ['do i have anything at 3pm tomorrow', 'busy'],
    ['am i busy this afternoon', 'busy'],
    ['am i free or busy at 3', 'free'],
    ['is there anything at 3', 'busy'],
    ['anything about the project at 2', 'busy'], // whether that meeting is then
    ['call with bob at 3', 'busy'],
    ['which call am i on at 3', 'busy'],
    ['where should i be at 3', 'busy'],
    ['is 2pm ok', 'free'],
    // Asked the other way round: "am I not busy" is answered "Yes, you're free then".
    ['am i not busy at 3', 'free'],
    ['am i not free at 3', 'busy'],
    ['am i not available tomorrow at 10', 'busy'],
  ] as const)('%j asks whether the user is %s', (text, asks) => {
    expect(parseQuestion(text, L.now, L.zone)).toMatchObject({ kind: 'free-at', asks });
  });

  it('a break asked about is free time, or a meeting named "break"; a meeting with a break is no such question', () => {
    expect(parseQuestion("when's my next break", L.now, L.zone)).toMatchObject({ kind: 'free-slots', label: 'Today · Thu 26 Nov', named: { text: 'break', terms: ['break'] } });
    expect(parseQuestion('meetings with a break today', L.now, L.zone)).toMatchObject({ kind: 'agenda' });
    expect(parseQuestion('when am i free tomorrow', L.now, L.zone)).not.toHaveProperty('named');
    expect(isScheduleQuestion('when do i get a break', L.now)).toBe(true);
  });

  it('"do I have a meeting" names a time to be a yes/no; without one it is that day\'s agenda', () => {
    expect(parseQuestion('do i have a meeting at 2', L.now, L.zone)).toMatchObject({ kind: 'free-at', asks: 'busy' });
    expect(parseQuestion('do i have a meeting tomorrow', L.now, L.zone)).toMatchObject({ kind: 'agenda', label: 'Tomorrow · Fri 27 Nov' });
    // Double booked is about conflicts, which the agenda flags.
    expect(parseQuestion('am i double booked at 3', L.now, L.zone)).toMatchObject({ kind: 'agenda' });
  });

  it.each([
    ['standup', 'Daily Stand-up', undefined, true],
    ['standup', 'Standups sync', undefined, true],
    ['standup', 'Stand up', undefined, false], // two words: not one
    ['1:1 sam', 'Sam / Ada 1:1', undefined, true],
    ['1:1 sam', 'Ada <> Sam 1-on-1', undefined, true],
    ['1:1 sam', 'One on one: Samantha', undefined, true], // words are matched from their start
    ['1:1 sam', 'Sam 1:1 notes', 'Room 4', true],
    ['1:1 sam', 'Ada 1:1 with Bob', undefined, false], // every term
    ['sam', 'Planning with Isam', undefined, false], // not inside a word
    ['reunion', 'Réunion équipe', undefined, true],
    ['elysee', 'Lunch', 'Salle Élysée', true], // the location too
    ['design review', 'DESIGN REVIEW', undefined, true],
    ['evil', 'x \u202Eevil\u202C', undefined, true], // invisible format characters are no part of a word
  ] as const)('the terms %j match %j (location %j): %s', (terms, subject, location, matches) => {
    expect(matchesSubject({ text: terms, terms: terms.split(' ') }, { subject, location })).toBe(matches);
  });

  it('a list matches the meetings of any one of its names, each with every one of its terms', () => {
    const either = { text: 'sam or bob', terms: ['sam'], alternatives: [['bob']] };
    expect(['Sam / Ada 1:1', 'Bob sync', 'Sam & Bob review', 'Ada sync'].map((subject) => matchesSubject(either, { subject }))).toEqual([true, true, true, false]);
    const oneOnOnes = { text: '1:1s with sam or bob', terms: ['1:1', 'sam'], alternatives: [['1:1', 'bob']] };
    expect(['Bob / Ada 1:1', 'Sam 1:1', 'Bob lunch', 'Sam lunch'].map((subject) => matchesSubject(oneOnOnes, { subject }))).toEqual([true, true, false, false]);
  });

  it.each([
    ['en-US', false],
    ['en-GB', true],
    ['de-DE', true],
    ['fr-FR', true],
    ['en-AU', true],
    ['ja-JP', false],
    ['zh-CN', false],
    [undefined, false],
    ['not a locale!', false],
  ] as const)('locale %s reads day first: %s', (locale, dayFirst) => {
    expect(readsDayFirst(locale)).toBe(dayFirst);
  });

  it('is not fooled by an invalid zone', () => {
    expect(parseQuestion('today', L.now, 'Not/AZone')).toBeUndefined();
  });
});
