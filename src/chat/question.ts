import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { dayLabel, dayMonth, daysBetween, shortDate, type CalendarDate } from './date-text.js';
import type { TimeRange } from './free-slots.js';
import { luxonZone } from './zone-offsets.js';
import { zoneOfTimeWords } from './time-zone.js';

export type { TimeRange } from './free-slots.js';

/**
 * A schedule question, decided from the text alone. Every range is UTC instants, end exclusive, with day
 * boundaries at midnight in the user's zone (so a DST day is 23 or 25 hours long).
 *
 * - `agenda`: list the events of `range` (`days` whole local days; more than one means group by day). With `times`, the
 *   range is a stretch of a day bounded by a time ("after 4pm", "before noon", "in the next 2 hours"): the card's
 *   header adds its times, on the user's clock, which the label cannot know. With `subject`, only the events it
 *   matches ("meetings with sam this week", "design review on friday", "next standup tomorrow": namedMeetings).
 *   With `status` too ("is standup still on tomorrow", "was friday's retro cancelled"), cancelled ones are listed, marked.
 *   With `onward` (a subject and no day named: "meetings with sam"), none that day means the next one so named is said.
 *   With `daily` ("meetings before 9 this week", "early meetings this week"), only the meetings at that time of day.
 * - `next`: the next `count` meetings starting after now: one ("next meeting", "what's next"), or as many as asked
 *   ("next 3 meetings", "my next few events"; a plural alone, "upcoming meetings", is a few), at most MAX_NEXT_COUNT;
 *   `asked` is the number asked for when it was more than that. With `subject`, only meetings it matches
 *   ("when is my next standup", "next 1:1 with sam": matchesSubject); with `after`, only those starting from then
 *   ("next meeting after 3": 15:00 today, when that is still to come). With `within`, the first ones starting in that
 *   day or range ("next meeting tomorrow", "first meeting on friday", "next meeting this week"; from now when it has
 *   begun): `label` names it as an agenda would ("Tomorrow · Fri 27 Nov"), `phrase` fits a sentence ("tomorrow").
 *   With `last` ("when's my last meeting", "what time do I finish today", "my last meeting tomorrow"), `within` is the
 *   whole day (or span) and the answer is its last meeting, the one ending last, whether or not it has begun.
 *   With `length` ("how long is my next meeting"), the answer says how long the one meeting is. With `onward` ("when
 *   do I start", no day named: today's first meeting from now), none left today means the next working day's first.
 *   With `ended` ("when is my last meeting with sam", no day named), `within` is the synced days gone by and the
 *   answer the most recent meeting of them that has ended.
 *   With `attendee` ("is sam in my next meeting", "will bob be at the design review"), the one meeting found, and
 *   whether someone so named is in it (matchesSubject, its people and subject).
 *   With `status` ("is the offsite still on", "has my 1:1 with sam been cancelled"), cancelled meetings count too:
 *   the answer says whether the next one it names is still on (and, cancelled, when the one after it is).
 *   With `who` ("who organized the design review", "who's in my next meeting"), the one meeting found, and who
 *   organized it or who is invited (WhoAsked).
 * - `now`: what the user is in right now ("am I in a meeting", "am I free now").
 * - `free-at`: yes/no for a specific time ("am I free at 3pm" = 15:00-15:30; "2-4pm" = 14:00-16:00); `asks` is which
 *   way round it was asked ("am I busy at 11", "am I in a meeting at 3", "do I have a meeting at 2": busy), so that
 *   the answer's yes or no answers the question that was put. With `subject` (asked the busy way: "do I have a call
 *   with bob at 3", "is my standup at 9"), the yes or no is about the meetings it matches. With `proposedWith`
 *   ("can I meet with sam at 3": "sam"), the user's own time is asked about, and the answer says calbot cannot see theirs.
 *   With `who` ("who organized my 3pm", "who's my 3pm with"), the meeting then, and who organized it or is in it.
 * - `free-slots`: gaps inside the user's working hours on working days of `range`; a range that includes now
 *   starts at now (rounded up to 5 minutes), because past gaps are no use. With `named` ("when's my next break"), a
 *   meeting it matches that starts in the range answers instead, the first one (a "Coffee break" in the calendar);
 *   without one, the gaps do. With `onward` (a break asked about with no day named), no free time left in working
 *   hours that day means the next working day's: after work, the next break is tomorrow's, not "working hours are over".
 *   With `minutes` ("free for an hour tomorrow", "find 30 minutes", "a 2 hour slot"), only gaps at least that long.
 *   With `times`, the range is a stretch of the day ("when am I free between 10 and 12", "free time after 3").
 *   With `freeDay` ("when's my next free day", "next day with no meetings"), the first working day of `range` (today
 *   on, FREE_DAY_AHEAD_DAYS) with no meeting in its working hours, and its free time.
 *
 * `label` is the card header ("Today · Thu 26 Nov"); `phrase` fits in a sentence ("today", "on Fri 4 Dec").
 */
export type Question =
  | { kind: 'agenda'; range: TimeRange; label: string; phrase: string; days: number; times?: true; hours?: ClockStretch; subject?: SubjectFilter; only?: AgendaOnly; anchor?: MeetingAnchor; status?: true; onward?: true; daily?: DailyWindow; who?: 'people'; busiest?: true }
  | { kind: 'next'; count: number; asked?: number; subject?: SubjectFilter; after?: Date; within?: { range: TimeRange; label: string; phrase: string }; last?: true; length?: true; onward?: true; ended?: true; status?: true; attendee?: SubjectFilter; who?: WhoAsked; longest?: 'longest' | 'shortest' }
  | { kind: 'now'; who?: WhoAsked }
  | { kind: 'free-at'; range: TimeRange; label: string; asks: 'free' | 'busy'; subject?: SubjectFilter; proposedWith?: string; who?: WhoAsked; saidIn?: ZoneSaid }
  | { kind: 'free-slots'; range: TimeRange; label: string; phrase: string; days: number; times?: true; hours?: ClockStretch; named?: SubjectFilter; onward?: true; minutes?: number; freeDay?: true; proposedWith?: string };

/**
 * A time of day on every day of an agenda's span: "meetings before 9 this week", "anything after 6pm next week",
 * "morning meetings this week" (minutes from the user's midnight, `to` exclusive, with the part of the day if it was
 * named alone, not narrowed by a time), or the user's working hours, which the answer knows: "early meetings this
 * week", "any late calls next week" (before they start, after they end). Only timed meetings that overlap it are listed.
 */
/** The zone a question's time was said in, when not the user's ("am I free at 3pm EST"): the answer says both clocks. */
export interface ZoneSaid {
  zone: string;
  /** As said: "EST", "New York time". */
  name: string;
}

/** A stretch of a day on the user's clock, in minutes from its midnight (`to` 1440: the next midnight). */
export interface ClockStretch {
  from: number;
  to: number;
}

export type DailyWindow = { from: number; to: number; part?: 'morning' | 'afternoon' | 'evening' } | { working: 'before' | 'after' };

/**
 * An agenda of only some meetings, by what they are rather than by name: invitations the user has not answered
 * ("which meetings haven't I responded to", "pending invites"), or meetings that overlap another ("any conflicts this
 * week", "am I double booked tomorrow"), or the meetings the user organizes ("meetings I organized this week", "which
 * meetings am I running tomorrow"). With no day named, the next 14 days.
 */
export type AgendaOnly = 'unanswered' | 'conflicts' | 'organized';

/**
 * "what do I have after the design review", "anything before my 1:1 tomorrow": the day's meetings after (before) the
 * first meeting `subject` matches in the agenda's range. With `onward` (no day named), a meeting so named not found
 * today is looked for on the days ahead, and its day is answered.
 */
export interface MeetingAnchor {
  side: 'after' | 'before';
  subject: SubjectFilter;
  onward?: true;
}

/**
 * A question about a span calbot does not answer for, `span` as typed ("next summer", "this year"): a season has no
 * dates of its own (and they differ by hemisphere), a year or a quarter is more than one answer shows. The reply says
 * so, rather than list a meeting named "summer" or today's agenda.
 */
export interface UnsupportedSpan {
  kind: 'unsupported';
  /**
   * `date`: a day no calendar has ("feb 30", "31/02", "29 february 2027"), `span` the date said ("30 February");
   * `calendar`: someone else's ("is sam free at 3", "what's bob's schedule tomorrow"), `span` who, as typed.
   */
  what: 'season' | 'holidays' | 'year' | 'quarter' | 'date' | 'calendar';
  span: string;
}

/**
 * The words a question names a meeting by ("standup", "1:1 with sam", "design review"): `text` as typed (lower
 * case), for the answer to quote; `terms`, folded (foldForMatch) and without filler ("with", "the"), each of which must
 * start a word of the event's subject or location. A list of names ("with sam or bob", "sam, bob", "sam and bob":
 * listedName) has the terms of its other names in `alternatives`: a meeting matches those of any one name, and `text`
 * says so ("sam or bob").
 */
export interface SubjectFilter {
  text: string;
  terms: string[];
  alternatives?: string[][];
  /** Read after "with" ("meetings with sam"): the name may be someone in the meeting, not in its subject (withPeople). */
  people?: true;
  /**
   * The name is people by role only ("next meeting with my manager", "when did I last meet my boss"): no one in a
   * meeting is named so, and only a meeting whose subject says it ("Manager 1:1") matches. Finding none, the answer
   * says calbot goes by names; a follow-up ("and friday?") does not keep it (a day's answer would be emptied by it).
   */
  role?: true;
  /**
   * Time off ("when am I off next", "my next day off"): an event shown as out of office, or an all-day one named as
   * time off is (`terms` and `alternatives`: "Vacation", "Public holiday", "PTO", "Annual leave").
   */
  away?: true;
}

/** What "when am I off next" looks for (SubjectFilter.away). */
export const TIME_OFF: SubjectFilter = {
  text: 'time off',
  terms: ['vacation'],
  alternatives: [['holiday'], ['pto'], ['leave'], ['ooo'], ['out', 'office'], ['sick'], ['annual', 'leave'], ['bank', 'holiday'], ['sabbatical']],
  away: true,
};
/**
 * "when am I off next", "when's my next day off", "when am I next out of office", "next time off", "when am I on
 * leave": the next time off (TIME_OFF); "when is my next vacation" stays a name, which an all-day "Vacation" matches.
 */
/** "what's my busiest day this week", "which day has the most meetings next week": the span's, with its busiest day said. */
const BUSIEST_ASKED = /\b(?:busiest|most busy|heaviest|fullest|most packed|most hectic|craziest) days?\b|\bwhich day (?:has|have i got|do i have|will have|is) (?:the )?(?:most meetings|busiest)\b|\bday with (?:the )?most meetings\b/;

/** "longest meeting", "shortest call": one meeting of a span by how long it is. */
const LONGEST_ASKED = /\b(longest|shortest) (?:meeting|call|event|appointment|one)s?\b/;

/** How far "when's my next free day" looks (the synced window may end sooner). */
export const FREE_DAY_AHEAD_DAYS = 60;
/** "when's my next free day", "first meeting-free day", "next day with no meetings", "when am I next free all day". */
const FREE_DAY_ASKED =
  /\b(?:next|first) (?:(?:free|clear|empty|open|quiet|meeting-?free|meeting free|meetingless) day|day (?:with ?out(?: any)?|with no|i have no|i dont have(?: any)?|off) meetings?|day (?:im|i am) free(?: all day)?)\b|\bwhen (?:am i|will i be) (?:next )?free (?:all|the whole|a whole|for the whole|for a whole) day\b(?! (?:today|tomorrow|on|this|next|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b)/;
const TIME_OFF_ASKED =
  /^(?:when (?:am|will) i (?:next )?(?:be )?(?:off|out of (?:the )?office|ooo|on (?:leave|vacation|holiday|pto)|away|out)(?: work)?(?: next| again)?|(?:when is |whens |what is |whats )?(?:my )?next (?:days? off|time off|leave|ooo|out of office|pto day))$/;

/** "Am I free at 3pm": a typical meeting's length, so a 15:15 meeting still counts as a conflict. */
export const FREE_AT_DEFAULT_MINUTES = 30;

/** The most meetings one "next N meetings" answer lists: a longer list is what "this week" is for. */
export const MAX_NEXT_COUNT = 10;

/**
 * Bot commands that share words with questions ("sync now", "timezone ..."): no schedule question, unless the word
 * names a meeting (commandWordNamesMeeting).
 */
const COMMAND_START =
  /^(help|connect|disconnect|reconnect|sync|resync|refresh|status|notify|notifications?|time ?zone|tz|sign ?(in|out|up)|log ?(in|out)|settings|thanks|thank you)\b/;
/** What "sync with" or "connect with" links calbot to ("sync with outlook", "connect with my calendar"), not a person. */
const ACCOUNT_WORDS = new Set(['outlook', 'office', 'office365', 'o365', '365', 'microsoft', 'calendar', 'calender', 'exchange', 'account', 'mailbox', 'email', 'mail', 'teams', 'graph', 'server', 'cloud', 'it', 'this']);

/**
 * Whether `t` is a question although a command's word starts it: the word is the name of a meeting, followed by the
 * kind of meeting ("sync meeting today", "status call at 3", "settings review friday", "help desk meeting", "refresh
 * meeting"), or a meeting with someone ("sync with sam tomorrow"). The bot tries every command before a question
 * (app.ts), so what a command reads ("sync", "sync now", "status", "sync with outlook") never gets here; this only
 * decides what none took. A verb with meetings as its object ("sync meetings", "refresh my calendar", "sync with my
 * outlook") is still no question: "I didn't catch that" and the help point to the command meant.
 */
function commandWordNamesMeeting(t: string): boolean {
  const words = t.split(' ');
  if ((words[0] === 'sync' || words[0] === 'connect') && NAMING_PREPOSITIONS.has(words[1]!)) {
    const named = words.slice(2).filter((word) => !SUBJECT_FILLER.has(word));
    return named.length > 0 && !ACCOUNT_WORDS.has(named[0]!) && namesAMeeting(named[0]!);
  }
  let at = 0;
  while (at < words.length && at <= MAX_NAME_WORDS && !MEETING_KIND.test(words[at]!) && namesAMeeting(words[at]!)) at++;
  const noun = at > 0 ? words[at] : undefined;
  if (noun === undefined) return false;
  if (MEETING_KIND.test(noun)) return true;
  const plain = /^(?:meeting|event|appointment|call)(s?)$/.exec(noun);
  return plain !== null && !(plain[1] === 's' && at === words.length - 1);
}

/**
 * Asking calbot to change the calendar ("book a meeting tomorrow at 3", "cancel my 3pm", "can you schedule a call"):
 * it only reads it, and a day's agenda in reply would look as if it had done something. "I didn't catch that" and
 * the help, which says what calbot does, answer these. "schedule for tomorrow" is still a question.
 */
const WRITE_REQUEST =
  /^(?:(?:can|could|would|will) you |please |pls |plz )*(?:book|cancel|move|reschedule|create|add|delete|remove|decline|accept|invite|set up|arrange|organi[sz]e|schedule (?:a|an|me|us|my))\b/;

/** What a WRITE_REQUEST asks to change that is the calendar's: a meeting, an invitation, a time, a day. */
const CALENDAR_THING = /\b(?:meetings?|calls?|events?|appointments?|invites?|invitations?|calendar|slot|booking|lunch|dinner|breakfast|coffee|sync|focus time)\b|\d/;

/**
 * Whether `text` asks calbot to change the calendar ("cancel my 3pm", "book a meeting with sam tomorrow", "decline the
 * design review"): the bot says it only reads it, rather than "I didn't catch that". Not "remove my account".
 */
export function asksToChangeCalendar(text: string, now: Date): boolean {
  const t = normalizeQuestionText(text);
  const request = WRITE_REQUEST.exec(t);
  if (!request) return false;
  const rest = t.slice(request[0].length).trim();
  return CALENDAR_THING.test(rest) || rest.split(' ').some((word) => MEETING_KIND.test(word)) || isScheduleQuestion(rest, now);
}

/**
 * Asking how to use calbot ("how do I connect my calendar", "how can I turn off meeting notices", "can you sync my
 * calendar"): no schedule question, though it names the calendar or meetings. The help answers it. "how can I see my
 * meetings tomorrow" is still a question.
 */
const HOW_TO =
  /^(?:(?:so|ok|okay|but|and|please|pls) )*(?:how (?:do|can|could|should|would|will) (?:i|we|you)|how to|where (?:do|can) i|(?:can|could) (?:i|you)|is it possible to)(?: please| pls)? (?:connect|link|sign|log|disconnect|unlink|sync|resync|set|setup|change|turn|stop|enable|disable|mute|unmute|install|uninstall|remove|use|reconnect|switch|configure)\b/;

/**
 * Asking for what calbot does not keep ("what's the weather tomorrow", "remind me at 3 to call bob", "set a timer for
 * 10 minutes"): a day's agenda in reply would answer nothing asked. "remind me what's on tomorrow" is still a question.
 */
const OFF_TOPIC =
  /^(?:(?:so|ok|okay|and|please|pls|hey) )*(?:(?:whats|how is|hows|will it|is it going to|is it gonna|does it) (?:the )?(?:weather|forecast|temperature|rain|snow|be sunny)\b|(?:weather|forecast) (?:for )?(?:today|tomorrow|this|next|on)\b|remind me (?:to|at|in|on|tomorrow|later|tonight)\b|set (?:a |an |me a )?(?:reminder|timer|alarm)\b)/;

/**
 * Saying goodbye ("see you tomorrow", "have a good weekend", "ok thanks, talk to you monday"): no question about that day.
 */
const SIGN_OFF =
  /^(?:(?:ok|okay|cool|great|thanks|thank you|thx|ty|cheers|bye) )*(?:see you|see ya|cya|(?:talk|speak) (?:to you|soon|later)|ttyl|have a (?:good|nice|great|lovely)|enjoy (?:your|the))\b/;

/**
 * "Thanks! what about tomorrow", "ok, and friday?": an acknowledgement before the question, with punctuation after
 * it, is no part of it ("thanks" alone is answered by the bot; "thanks meeting was great" is no question).
 */
const ACKNOWLEDGEMENT = /^(?:(?:ok|okay|cool|great|perfect|nice|thanks|thank you|thx|ty|cheers)(?: calbot)?\s*[!,.:;-]+\s*)+(?=\S)/;

/**
 * A greeting before the question ("Hi! what's on today", "Good morning, anything today?", "morning! next meeting?"):
 * not part of it. A bare "morning" is a part of the day ("morning meetings"); followed by punctuation it is a greeting.
 */
export const GREETING = /^(?:(?:hi|hello|hey|hiya|heya|howdy|yo|good (?:morning|afternoon|evening|day))(?: there| all| team| calbot)?\b[\s!,.:;-]*|(?:morning|afternoon|evening)\s*[!,.:;-]+\s*)/;

/** Typos and shorthand, rewritten to words chrono-node knows. Keys are whole words. */
const WORD_FIXES: Record<string, string> = {
  '2day': 'today', tday: 'today', tdy: 'today', todya: 'today', toady: 'today', todays: 'today', tonight: 'today evening', tonite: 'today evening', '2nite': 'today evening', '2night': 'today evening', tonigth: 'today evening',
  tmrw: 'tomorrow', tmr: 'tomorrow', tmrow: 'tomorrow', tmro: 'tomorrow', tmoz: 'tomorrow', tomoro: 'tomorrow', tomorow: 'tomorrow',
  tommorow: 'tomorrow', tommorrow: 'tomorrow', tomorro: 'tomorrow', tomrrow: 'tomorrow', tomorrw: 'tomorrow', tomorroe: 'tomorrow',
  tomorrows: 'tomorrow', '2morrow': 'tomorrow', '2moro': 'tomorrow', '2morow': 'tomorrow', '2mrw': 'tomorrow', '2mro': 'tomorrow',
  yday: 'yesterday', yest: 'yesterday', yesterdy: 'yesterday', yesteday: 'yesterday', ystrday: 'yesterday', yesterdays: 'yesterday',
  wk: 'week', wek: 'week', weeek: 'week', nxt: 'next', nex: 'next',
  mtg: 'meeting', mtgs: 'meetings', meetin: 'meeting', meting: 'meeting', meetng: 'meeting', metting: 'meeting', meetign: 'meeting', meeeting: 'meeting', meetig: 'meeting', mmeting: 'meeting', meetinf: 'meeting',
  wats: 'whats', wat: 'what', wut: 'what', wuts: 'whats', whta: 'what', whts: 'whats', wht: 'what',
  calender: 'calendar', calandar: 'calendar', calander: 'calendar', calnder: 'calendar', calednar: 'calendar', clendar: 'calendar', agneda: 'agenda', schedual: 'schedule', shedule: 'schedule', sched: 'schedule',
  wendesday: 'wednesday', wensday: 'wednesday', wednsday: 'wednesday', wedensday: 'wednesday', wednesay: 'wednesday',
  thrusday: 'thursday', thursady: 'thursday', thurday: 'thursday', firday: 'friday', fridya: 'friday', frday: 'friday',
  saturdy: 'saturday', satruday: 'saturday', sunady: 'sunday', mondya: 'monday', monady: 'monday', tuseday: 'tuesday',
  teusday: 'tuesday', tues: 'tuesday', weds: 'wednesday', thur: 'thursday', tuesdy: 'tuesday', frei: 'free', fre: 'free', availble: 'available', avail: 'available',
  avaliable: 'available', avalable: 'available', availabe: 'available', availabel: 'available', availible: 'available', avaible: 'available', availalbe: 'available', avialable: 'available',
  arvo: 'afternoon', aft: 'afternoon', aftn: 'afternoon', afternon: 'afternoon',
  // Slips dayWordTypo leaves: in short words, where one slip may make another word ("toady"), and three or more; chat shorthand.
  tody: 'today', todat: 'today', todday: 'today', todayy: 'today', tdoay: 'today', otday: 'today', '2dy': 'today',
  tmw: 'tomorrow', tmrrw: 'tomorrow', tomoz: 'tomorrow', '2moz': 'tomorrow', '2morro': 'tomorrow', '2mrow': 'tomorrow', '2morrw': 'tomorrow', '2mor': 'tomorrow',
  // A possessive of shorthand, its apostrophe gone ("tmrw's meetings" was today's).
  tmrws: 'tomorrow', tmrs: 'tomorrow', tmws: 'tomorrow', tmros: 'tomorrow', '2morrows': 'tomorrow', '2moros': 'tomorrow', '2mrws': 'tomorrow', tdys: 'today',
  tommorw: 'tomorrow', tommrow: 'tomorrow', tommoro: 'tomorrow', tommorro: 'tomorrow', fryday: 'friday', thurs: 'thursday', thrs: 'thursday', wkend: 'weekend', wknd: 'weekend', weke: 'week', wks: 'weeks', eod: 'end of day', cob: 'end of day',
};

/**
 * The long day words typed with a slip: "tmorrow", "tomorow", "yesterady", "wedsday", "thrusday", "fridya", "tonihgt",
 * "weeknd" (dayWordTypo). A slip read as a name empties the answer ("meetings with sam tmorrow": today's meetings
 * with "sam tmorrow").
 */
const DAY_WORD_TYPOS = ['tomorrow', 'yesterday', 'tonight', 'weekend', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
/** Names a slip away from a day word ("Frida" is someone). */
const NOT_DAY_TYPOS = new Set(['frida', 'sunda']);

/**
 * The day word `word` is a slip of, if any: with its first letter, one letter left out, added or two swapped
 * ("moday", "frdiay", "tonihgt"), and in the words of eight letters or more two such slips or one letter changed
 * ("tmorow", "wensday", "tomarrow"). A plural ("fridays") is no slip, and a letter changed in a shorter word, or with
 * another slip, makes a name as often as a typo ("Sundar", "Mondal", "Thursby").
 */
function dayWordTypo(word: string): string | undefined {
  if (word.length < 5 || word.length > 11 || !/^[a-z]+$/.test(word) || NOT_DAY_TYPOS.has(word) || DAY_WORD_TYPOS.some((day) => word === day || word === `${day}s`)) return undefined;
  // The nearest day word, when only one is that near: "tuesday" is no slip of "thursday", and "thusday" is Thursday.
  let nearest: { day: string; slips: number; ties: number } | undefined;
  for (const day of DAY_WORD_TYPOS) {
    const most = day.length >= 8 ? 2 : 1;
    if (word[0] !== day[0] || Math.abs(word.length - day.length) > most) continue;
    const count = slips(word, day);
    if (count > most || (nearest && count > nearest.slips)) continue;
    nearest = nearest && count === nearest.slips ? { ...nearest, ties: nearest.ties + 1 } : { day, slips: count, ties: 0 };
  }
  return nearest && nearest.ties === 0 ? WORD_FIXES[nearest.day] ?? nearest.day : undefined;
}

/** Edits from `a` to `b`: a letter left out, added or two swapped count 1, a letter changed 2 (optimal string alignment). */
function slips(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i]!;
      row[j] = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 2));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}

/** The days of a month spelled out, first to thirty-first ("twenty-first", "twenty first", "thirtyfirst"). */
const UNITS_ORDINAL = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth'];
const SPELLED_ORDINAL_DAY: Record<string, number> = Object.fromEntries([
  ...UNITS_ORDINAL.map((word, at) => [word, at + 1] as const),
  ...['tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth'].map((word, at) => [word, at + 10] as const),
  ['twentieth', 20],
  ['thirtieth', 30],
  ...UNITS_ORDINAL.map((word, at) => [`twenty ${word}`, at + 21] as const),
  ['thirty first', 31],
]);
/**
 * "the fourth", "on the twenty-first", "the third and fourth": a day of the month spelled out, written as a number
 * ("the 4th"), which DAY_OF_MONTH reads (chrono-node reads "december fourth" but not "the fourth" alone, and the
 * answer was today's). Not an ordinal of something else: "the first meeting", "the second week of", "the third
 * monday of", "the first half", "the first and last meeting". "the first of next month" is one ("the 1st of").
 */
const SPELLED_DAY = new RegExp(
  `(?<=\\b(?:the|(?:the \\S+ (?:and|or|&|to|through|thru|until|till)(?: the)?)) )((?:twenty|thirty)[ -]?)?(${[...UNITS_ORDINAL, 'tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth', 'thirtieth'].join('|')})\\b` +
    `(?! (?:(?:and|or|&) (?:last|final|only)\\b|(?:full |whole |working |business )?(?:meeting|event|call|appointment|one|thing|item|time|slot|half|quarter|week|wk|weekend|month|year|day|hour|minute|session|round|part|step|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun))s?\\b)`,
  'g',
);

function spelledDay(asked: string, tens: string | undefined, unit: string): string {
  const day = SPELLED_ORDINAL_DAY[tens ? `${tens.replace(/[ -]$/, '')} ${unit}` : unit];
  return day === undefined ? asked : `${day}${ordinalSuffix(day)}`;
}

/** "tuesday pm", "tomorrow am" (not "tomorrow am i free"): that part of the day. */
const DAY_HALF = /\b(today|tomorrow|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|thurs|fri|sat|sun) (am|pm)\b(?! i\b)/g;

const POSSESSIVE = /\b(meeting|event|appointment|call|one|week|weekend|month|year|quarter|summer|winter|monday|tuesday|wednesday|thursday|friday|saturday|sunday)['\u2018\u2019\u02bc`]s\b/g;

/** What the user typed, ready to match: lower case, no apostrophes or stray punctuation, typos fixed. */
export function normalizeQuestionText(text: string): string {
  const cleaned = text
    .replace(/<at>[^<]*<\/at>/gi, ' ') // Teams mentions of the bot
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(GREETING, '')
    .replace(ACKNOWLEDGEMENT, '')
    // "next meeting's location", "monday's meetings": a possessive, which without its apostrophe would read as a plural.
    .replace(POSSESSIVE, '$1')
    .replace(/['\u2018\u2019\u02bc`]/g, '')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/,/g, ' , ') // read with the words: a comma between names is a list (listComma)
    .replace(/[?!;"\u201c\u201d()*_~]+/g, ' ')
    .replace(/\.(?=\s|$)/g, ' ')
    .replace(/\bcalbot\b/g, ' ')
    .replace(/@\s*(?=\d)/g, 'at ') // "free @ 3"
    .replace(/\s+/g, ' ')
    .trim();
  // Phrases are read once the words are fixed: "day after tmrw", "this arvo".
  const words = cleaned.split(' ').map((word) => WORD_FIXES[word] ?? dayWordTypo(word) ?? word);
  return words
    .flatMap((word, at) => (word !== ',' ? [word] : listComma(words, at) ? ['or'] : []))
    .join(' ')
    .replace(/\bthis (morning|afternoon|evening)\b/g, 'today $1')
    // "tomorrow night", "friday night", "last night": that day's evening, as "tonight" is today's.
    .replace(/\blast night\b/g, 'yesterday evening')
    .replace(/\b(today|tomorrow|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun) night\b/g, '$1 evening')
    // "this weeks meetings", "next months schedule": a possessive typed without its apostrophe, not a plural ("last
    // weeks" chrono-node reads as a week ago, "this weeks" not at all).
    .replace(/\b(this|next|last|coming|current|previous) (week|weekend|month)s\b/g, '$1 $2')
    // "mondays meetings", "fridays schedule" too ("meetings with sam mondays" stays a plural).
    .replace(/\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s (?=(?:meetings?|schedule|agenda|calendar|plans|events?|calls?|appointments?)\b)/g, '$1 ')
    // chrono-node reads "in a week" and "in 2 weeks", not "a week from today" ("today" alone) or "a fortnight".
    // "The day after tomorrow" it works out in the server's zone, not the one it is given (a New York evening is
    // already Thursday in UTC), and "day after tomorrow" or "tomorrow and the day after" not at all: "overmorrow" and
    // "2 days ago" it reads in the user's zone.
    .replace(/\b(?:a )?fortnight\b/g, '2 weeks')
    // "the week ahead", "the coming week": the next seven days (on a Sunday "this week" is the one ending that day).
    .replace(/\b(?:the |this )?(?:week ahead|(?:coming|upcoming) week)\b/g, 'next 7 days')
    // Lunch, which Outlook has no hours for: "after lunch" is the afternoon, "before lunch" the morning, and "at lunch",
    // "over lunchtime" 12:00-14:00, which holds most people's (the answer says the times). "team lunch" stays a name.
    .replace(/\b(after|before) lunch(?:time)?\b/g, (_, which: string) => (which === 'after' ? 'in the afternoon' : 'in the morning'))
    .replace(/\b(?:at|over|during|around|for) lunch(?:time)?\b/g, 'between 12 and 2')
    // "lunch meetings this week", "any lunchtime calls": meetings at lunch ("team lunch" stays a name).
    .replace(/\b(any |my |the )?lunch(?:time)? (meetings|calls|events|appointments)\b/g, (_, det: string | undefined, noun: string) => `${det ?? ''}${noun} between 12 and 2`)
    // "what's after this", "anything after this meeting": the rest of today.
    .replace(/\bafter (?:this|my current|the current)(?: (?:meeting|call|one))?$/, 'later')
    .replace(/\b(a|one|\d{1,2}) (days?|weeks?) (?:from (?:today|now)|today)\b/g, 'in $1 $2')
    // "between christmas and new year" is the days in between; "the christmas holidays", from christmas eve to new year's day.
    .replace(/\b(?:(?:the )?(?:week|days) )?between (?:christmas|xmas)(?: day)? and new years?(?: day)?\b/g, 'between dec 26 and dec 31')
    .replace(/\b(?:the )?(?:christmas|xmas|festive) (?:holidays?|break|period|season)\b/g, 'dec 24 to jan 1')
    // Holidays on fixed dates, which chrono-node does not know ("whats on christmas eve" was today's agenda). A bare
    // "christmas" only as a day ("on christmas"): "christmas party" is a meeting's name.
    .replace(/\b(?:christmas|xmas) eve\b/g, 'dec 24')
    // "christmas week" is the week of it; "the day after christmas", "the friday before xmas", days counted from it (anchoredDays).
    .replace(/\b(?:christmas|xmas) week\b/g, 'the week of dec 25')
    .replace(/\b(?:christmas|xmas) day\b|(?<=^|\b(?:on|for|at|over|of) )(?:christmas|xmas)$|(?<=\b(?:days?|weeks?|weekend|(?:mon|tues|wednes|thurs|fri|satur|sun)day) (?:before|after) )(?:christmas|xmas)\b|(?<=\b(?:until|till|til|before|by|from|to|through|thru|since) )(?:christmas|xmas)(?=$| (?:to|until|till|til|through|thru|and|at|with|in)\b)|(?:christmas|xmas)(?= (?:to|until|till|til|through|thru|-) (?:new year|dec|jan|\d))/g, 'dec 25')
    .replace(/\bboxing day\b/g, 'dec 26')
    .replace(/\bnew years? eve\b/g, 'dec 31')
    .replace(/\bnew years? day\b|(?<=\b(?:on|for|at|over) )new years$|(?<=\b(?:days?|weeks?|weekend|(?:mon|tues|wednes|thurs|fri|satur|sun)day) (?:before|after) )new years?\b|(?<=\b(?:until|till|til|before|by|to|through|thru) )new years?(?=$| (?:at|with|in)\b)/g, 'jan 1')
    // "friday week" (British): a week on from the coming friday, not this week's.
    .replace(/(?<!\b(?:this|next|last|coming|of|the) )\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday) week\b(?! after)/g, 'a week on $1')
    // "monday after next" is that day of the week after next, as "wednesday the week after next" (weekRange).
    .replace(/\b(?:the )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun) after next\b/g, '$1 the week after next')
    .replace(SPELLED_DAY, (asked, tens: string | undefined, unit: string) => spelledDay(asked, tens, unit))
    .replace(/\b(?:the )?day after tomorrow\b/g, 'overmorrow')
    .replace(/\b(?:the )?day before yesterday\b/g, '2 days ago')
    .replace(/\btomorrow (and|or|&) the day after\b/g, 'tomorrow $1 overmorrow')
    // "until the end of the week": what is left of it, as "the rest of the week"; "the rest of my day" is today's.
    .replace(/\b(?:the )?end of (?:the |this )?(week|month)\b/g, 'rest of the $1')
    .replace(/\b(?:close|end) of (?:business|play)\b/g, 'end of day')
    // "by end of day tomorrow", "eod friday": that day ("rest of today tomorrow" was the rest of today and that day).
    .replace(/\b(?:(?:before|by|until|till|til) )?(?:the )?end of (?:the )?day (?=(?:on )?(?:tomorrow|overmorrow|(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|wed|thu|fri|sat|sun)\b)/g, '')
    .replace(/\b(?:the )?(?:rest|remainder|end) of (?:the |my |this )?day\b/g, 'rest of today')
    // "between now and friday", "from now till 5", "now until 3": from now to then, as "until friday" is, not now alone.
    .replace(/\b(?:between |from )?now (?:and|to|until|till|til)\b/g, 'until')
    .replace(DAY_HALF, (_, day: string, half: string) => `${day} ${half === 'am' ? 'morning' : 'afternoon'}`)
    // British and spoken times: "half 3" is 3:30, "quarter to 4" 3:45; "at 1030" is 10:30.
    .replace(/\bhalf (?:past )?(\d{1,2})\b(?![:.]\d)/g, '$1:30')
    .replace(/\b(?:a )?quarter past (\d{1,2})\b(?![:.]\d)/g, '$1:15')
    .replace(/\b(?:a )?quarter to (\d{1,2})\b(?![:.]\d)/g, (_, hour: string) => `${Number(hour) === 1 ? 12 : Number(hour) - 1}:45`)
    .replace(/\bat ([01]?\d|2[0-3])([0-5]\d)\b/g, 'at $1:$2')
    // "1400-1600": 14:00-16:00 (it was no time at all). Not a range of years ("2026-2027").
    .replace(/(?<![\d\/.:-])\b(?!(?:19|20)\d\d ?- ?(?:19|20)\d\d\b)([01]\d|2[0-3])([0-5]\d) ?- ?([01]\d|2[0-3])([0-5]\d)\b(?![\/.:-]?\d)/g, '$1:$2-$3:$4')
    // "dec 3 until 5", "dec 3 through 5": days, as "dec 3 to 5" is (chrono-node read 3:00-5:00 today).
    .replace(/\b((?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? (?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?) (?:until|till|til|through|thru) (?=(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\b(?!\s*(?:am|pm|:|\.\d|o ?clock)))/g, '$1 to ')
    // ... and "dec 3 until 5pm" that day up to then, as "until 5" today (it was 3:00-17:00 today).
    .replace(/\b((?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? (?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?) (?:until|till|til) (?=\d{1,2}(?::\d\d)?\s*(?:am|pm)\b|\d{1,2}:\d\d\b|noon\b|midday\b)/g, '$1 before ')
    // So is "the 3rd until 5pm" (untilDay took "until" for a span of days: the whole of the 3rd).
    .replace(/\b((?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)) (?:until|till|til) (?=\d{1,2}(?::\d\d)?\s*(?:am|pm)\b|\d{1,2}:\d\d\b|noon\b|midday\b)/g, '$1 before ')
    // "is 3 free", "would 10 work": a time, which chrono-node does not read in a bare number ("is 3pm free" it does).
    .replace(/^(is|are|would|will|does|do|could|can) ((?:[1-9]|1[0-2])(?:[:.][0-5]\d)?) (?=(?:free|ok|okay|good|fine|available|open|work|suit|possible|doable|(?:be )?a (?:good|convenient) time)\b)/, '$1 at $2 ')
    // "14.12.", "03.12.", "3.12.2026" (its last full stop is gone by now): a date, day first wherever dates are written
    // with full stops (chrono-node read "03.12" as nothing, and "03.12.2026" month first); not a time ("at 9.30",
    // "until 10.15") nor a length ("2.5 hours").
    .replace(/(?<!\b(?:at|after|before|until|till|from|by|around|between)\s*)(?<![\d.:])\b(0?[1-9]|[12]\d|3[01])\.(0?[1-9]|1[0-2])(?:\.((?:20)?\d\d))?(?![\d.:])(?!\s*(?:am|pm|h|hours?|hrs?|minutes?|mins?|days?|weeks?)\b)/g, (_, day: string, month: string, year: string | undefined) =>
      `${Number(day)} ${MONTHS[Number(month) - 1]!.toLowerCase()}${year ? ` ${year.length === 2 ? `20${year}` : year}` : ''}`,
    )
    // "what's the first thing tomorrow", "what's first on my agenda": the first meeting (it was the whole day).
    .replace(/^(whats|what is) (?:the )?first (?:thing|item|up|on (?:my|the) (?:agenda|calendar|calender|schedule|list))\b/, '$1 my first meeting')
    // "how long do I have until the standup", "how much time before my 1:1": the next one so named (it was no question).
    .replace(/^how (?:long|much time) (?:do i have |have i got |is there |is it |left )?(?:until|till|til|before) (?:my |the |our )?(?:next )?(?=(\S+))/, (lead: string, first: string) => (WHEN_WORD.test(first) || /^(?:lunch|work|end|the)$/.test(first) ? lead : 'next '))
    // "is 3 a good time for a call": chrono-node read "3 a" as 3 am.
    .replace(/\b(\d{1,2}(?:[:.]\d\d)?(?: ?(?:am|pm))?) a (good|convenient) time\b/g, '$1 $2 time')
    // "1/2 hour", "1/2 an hr": half an hour (it was 2 January, and two hours).
    .replace(/\b1\/2 (?:an? )?(?:hour|hr)\b/g, 'half an hour')
    // "around 2", "3ish": that time ("free around 2pm" chrono-node reads, "around 2" not).
    .replace(/\b(?:at )?(?:around|roughly|approx|approximately) (?=\d{1,2}(?:[:.]\d\d)?\b(?! ?(?:days?|weeks?|months?|hours?|hrs?|minutes?|mins?)\b))/g, 'at ')
    .replace(/\b(\d{1,2})(?: ?-?ish)\b/g, '$1')
    // "at 3 30" (typed without its colon) and the French "15h30", "at 15h": a time, not an hour and a number.
    .replace(/\bat ([1-9]|1[0-2]) ([0-5]\d)\b(?! ?(?:min|mins|minutes|hours?|hrs?|people)\b)/g, 'at $1:$2')
    .replace(/\b([01]?\d|2[0-3])h([0-5]\d)\b/g, '$1:$2')
    .replace(/\b(at|after|before|until|till|from|by|around|between|and|to) ([01]?\d|2[0-3])h\b/g, '$1 $2:00')
    .replace(/\bwhat is\b/g, 'whats')
    // "when do I meet sam next", "when am I seeing bob", "when's the next time I meet bob": the next meeting with them, as
    // "when is my next meeting with sam".
    // Not what a meeting has ("when do I see a break"); people by role ("when do I see my manager") are asked so (roleNamed).
    .replace(/^(?:when (?:do|will|am|shall) i (?:next )?|(?:whens|when is) the next time i )(?:meet|see|meeting|seeing|catch up|catching up|talk to|speak (?:to|with))(?: with)? (?!(?:you|u|it)\b)(\S.*?)(?: next| again)?$/, (asked, name: string) =>
      namesNoOne(name.split(' ')) && !rolesOnly(name.split(' ')) ? asked : `when is my next meeting with ${name}`,
    )
    // "what time do I start tomorrow", "when does my day begin": the first meeting, as "when do I finish" is the last.
    .replace(/^(?:what time|when) (?:(?:do|will|shall|can) i (?:start|begin)|does my (?:work ?)?day (?:start|begin))\b/, 'first meeting')
    // "when is my call with bob", "what time is the standup", "when's my dentist appointment": the next one, as "when is
    // my next standup" (it was today's only, or no question); with a day named, that day's, as before. Not what is
    // asked of the day ("when is my first meeting", "when is my free time").
    .replace(/^(?:(?:when|what time) (?:is|are)|whens|what times) (?:(?:my|the|our) (?!(?:next|first|last|final|day|days|week|weekend|month|year|time|schedule|calendar|agenda|free|availability|today|tomorrow)\b)(?=\S)|(?=(.+)))/, (asked, rest?: string) =>
      rest === undefined || startsWithName(rest) ? 'when is my next ' : asked,
    )
    // "the next 2-3 weeks", "in 2 or 3 days": the longer, not an hour range (14:00-15:00).
    .replace(/\b(\d{1,2}) ?(?:-|to|or) ?(\d{1,2}) (days|weeks|months)\b/g, (_, a: string, b: string, unit: string) => `${Math.max(Number(a), Number(b))} ${unit}`)
    // "how long is my standup", "how long will the design review be": the next one's length, as "how long is my next
    // standup". Not what is asked of the day ("how long is my day"), nor a meeting named by its time ("my 3pm").
    .replace(/^how long (is|are|will|would|does) (?:my|the|our) (?!(?:next|first|last|final|day|days|week|weekend|month|year|time|schedule|calendar|agenda|free|availability|today|tomorrow|break|meetings|events|calls|appointments)\b)(?=\p{L})/u, 'how long $1 my next ')
    // "morning summary", "morning rundown": the whole day's, given in the morning, not the morning's ("morning
    // briefing" is a meeting's name, as "briefing" is a kind of meeting).
    .replace(/\bmorning (summary|overview|digest|rundown)\b/g, 'daily $1')
    // A one-on-one however written is "1:1", which no time reads: "is my 1-1 tomorrow" is not about 13:00.
    .replace(ONE_ON_ONE, '1:1');
}

/**
 * Whether the comma at `words[at]` lists names ("meetings with sam, bob", "anything about hiring, onboarding",
 * "standup, retro"): between two names after "with" or "about", or two kinds of meeting. It is "or" then; any other
 * comma goes, as all did ("dec 3, 4 and 5", "tomorrow, friday", "with sam, tomorrow").
 */
function listComma(words: readonly string[], at: number): boolean {
  const before = words[at - 1];
  const after = words[at + 1];
  if (before === undefined || after === undefined) return false;
  if (MEETING_KIND.test(before) && MEETING_KIND.test(after)) return true;
  if (!namesAMeeting(before) || !namesAMeeting(after)) return false;
  for (let back = at - 1; back >= 0 && back >= at - 12; back--) {
    const word = words[back]!;
    if (NAMING_PREPOSITIONS.has(word)) return true;
    if (!(namesAMeeting(word) || word === ',' || word === 'the' || word === 'my' || word === 'our' || EITHER_WORDS.has(word))) return false;
  }
  return false;
}

/** Words that ask about this very moment, whatever else the question says. */
const NOW_WORDS = /\b(now|right now|currently|at the moment|atm)\b/;
/**
 * "am I in a meeting", "when does this meeting end", "am I late", "should I be somewhere" are about now, unless a time
 * or a day is named ("am I in a meeting at 3": am I free then).
 */
const IN_MEETING = /\bam i (in|on) (a |an )?(meeting|call)\b|\bcurrent (meeting|event|call)\b|\bthis (?:meeting|call)\b|\bam i (?:running )?late\b|\b(?:should|must) i be (?:somewhere|anywhere)\b|\bam i (?:supposed|meant|due) to be (?:somewhere|anywhere|in a meeting|on a call)\b|\b(?:what|which) (?:meeting|call) am i (?:in|on)\b|\bwhere (?:should|do|must) i (?:need to |have to )?be\b/;
/** "what's happening" is about now; "what's happening tomorrow" is that day's agenda. */
/** "do I have a meeting at 2", "is there anything at 3", "I have meeting at 3?": with a time named, a yes/no about that time. */
const HAVE_MEETING = /\b((?:do )?i have|have i got|is there|are there) (a |an |any )?(meeting|call|event|appointment|something|anything)s?\b/;
/**
 * "anything at 2", "what do I have at 3pm", "what's at 10 tomorrow", "any meetings at 4": with a time named, what is
 * on then, which the yes/no "is there anything at 3" answers (with the meetings then), not the whole day's list.
 */
const WHAT_AT = /\b(?:anything|something|any (?:meeting|call|event|appointment)s?)\b|^(?:meeting|call)s? (?=at\b)/;
/**
 * "what's on at 2", "what do I have at 3", "which meetings do I have at 3", "who am I meeting at 2", "where am I at 3",
 * "who's my 3pm with": the same, at a time (the last three were the whole day's agenda); over a stretch ("what's on
 * between 2 and 4"), a listing.
 */
const WHAT_LIST_AT =
  /\b(?:whats|what (?:do|have|am|will) i)\b|\b(?:what|which) (?:meetings?|calls?) (?:do i have|have i got|i have)\b|\b(?:who|where) (?:am|do|will|should|must) i\b|\b(?:who is|whos|who are) (?:my|the)\b/;
/** "my 3pm", "the 10:30", "our 3 oclock": a time naming the meeting then ("who organized my 3pm", "where is my 3pm"). */
const MEETING_AT_TIME = /\b(?:my|our|the) (?:\d{1,2}(?::\d{2})? ?(?:am|pm)|\d{1,2}:\d{2}|\d{1,2} ?oclock|noon)\b/;
/** "at 3pm tomorrow?", "the 14th at 3": only a day and "at" a time, asking what is on then ("monday 3pm" is Monday's agenda). */
function onlyWhenAt(t: string): boolean {
  return /\bat\b/.test(t) && t.split(' ').every((word) => word === 'the' || WHEN_WORD.test(word));
}
/** "what's happening", "what's going on": now; "what's happening with the launch" is about the meetings named. */
const HAPPENING = /\bwhats (happening|going on)\b(?! (?:with|about|regarding) )/;
const NOW = new RegExp(`${NOW_WORDS.source}|${IN_MEETING.source}|${HAPPENING.source}`);
const NEXT = /\bwhats (?:my )?next$|\banything next$|\bnext (meeting|event|appointment|call|one|thing|up)s?\b|\bup next$|^next$|\bwhen is my next\b/;
const UPCOMING = /\b(coming up|upcoming)\b/;
/** Invitations not answered yet (AgendaOnly): "meetings I haven't accepted", "invites I need to respond to", "pending invitations". */
const UNANSWERED =
  /\b(?:(?:havent|have not|didnt|did not|not yet|yet to|still to|need to|needs to|have to|should) (?:i |yet )?(?:accept|answer|respond|reply|replied|rsvp)\w*|unanswered|unaccepted|not (?:yet )?(?:accepted|answered|responded|replied)|(?:pending|open|outstanding|unanswered) (?:invit\w*|meeting requests?|requests?)|(?:awaiting|waiting for|waiting on|needs?|need) (?:my |a )?(?:response|reply|answer|rsvp))\b/;
/**
 * Meetings that overlap (AgendaOnly): "any conflicts this week", "am I double booked tomorrow", "overlapping meetings",
 * "meetings that clash", "clashes tomorrow". Not a meeting's name: "conflict resolution workshop", "the merge conflicts sync".
 */
const CONFLICTS =
  /\b(?:double[ -]?book(?:ed|ings?)|overbooked|(?:overlapping|conflicting|clashing) (?:meetings?|events?|calls?|appointments?)|(?:meetings?|events?|calls?|appointments?|anything|something|things) (?:that )?(?:overlap|clash|conflict)s?|(?:any|my|scheduling|calendar|meeting|with|have|got|there|for) (?:any )?(?:conflicts|clashes|overlaps))\b|^(?:conflicts|clashes|overlaps)(?= |$)/;
/** "meetings I organized this week", "which meetings am I running tomorrow", "my own meetings", "meetings I set up". */
const ORGANIZED_ASKED =
  /\b(?:meetings?|events?|calls?|ones?|invites?|invitations?)(?: that| which)? (?:i|im|i am|i have|ive|i had|i will be|ill be|am i|do i|did i|have i|will i) (?:organi[sz]ed|organi[sz]ing|organi[sz]e|set up|setting up|scheduled|scheduling|sent(?: out)?|booked|created|arranged|running|hosting|host|run|own|chairing)\b|\b(?:meetings?|events?|calls?|invites?) (?:organi[sz]ed|set up|scheduled|sent|booked|created|hosted|run) by me\b|\bmy own (?:meetings|events|calls|invites)\b/;
/** How far ahead a question about unanswered invitations or conflicts looks when it names no day. */
const ONLY_DAYS_AHEAD = 'next 2 weeks';
const COUNT_WORD = '\\d{1,6}|(?:a )?few|(?:a )?couple(?: of)?|several|one|two|three|four|five|six|seven|eight|nine|ten';
/** "next 3 meetings", "my next two events", "the next few calls", "next meetings": "next" with how many. */
const NEXT_COUNTED = new RegExp(`\\bnext (?:(${COUNT_WORD}) )?(?:meeting|event|appointment|call)(s?)\\b`);
/**
 * "when is my next standup", "what are my next 3 meetings with sam", "next design review": "next" after nothing but
 * words that ask about it, and what follows it. Said mid-sentence ("am I free before my next meeting") it names no subject.
 */
const LEAD_WORDS = '(?:(?:when|whens|what|whats|where|wheres|which|time|day|is|are|do|does|will|i|have|got|show|list|give|tell|find|me|us|my|our|the|and|so|ok|okay|please|pls)\\s+)*';
const NEXT_LEAD = new RegExp(`^${LEAD_WORDS}next\\s+(.+)$`);
/**
 * "first meeting tomorrow", "what's my first call on friday", "first 2 meetings monday": asked as "next" is, the first
 * of that day (readNext), when a day or a range is named. Not "first thing tomorrow", which says when ("am I free first
 * thing tomorrow"), nor a first named meeting ("first standup tomorrow" is that day's standups, as before).
 */
/** "when is my first meeting", "what's my first call" with no day: as "when do I start" (parseQuestion). */
const FIRST_ASKED = /^(?:when is|whens|what time is|whats|which is) my first (?:meeting|call|event|appointment)$/;
const FIRST_LEAD = new RegExp(`^${LEAD_WORDS}first\\s+(?:(${COUNT_WORD}) )?((?:meeting|event|appointment|call|one)s?\\b.*)$`);
/**
 * A season, a year or a quarter named as a span ("next summer", "this winter", "in the fall", "meetings this year",
 * "the rest of the quarter", "over the holidays"): not dates calbot answers for (UnsupportedSpan); "the christmas
 * holidays" are dates by now. Followed by a name, the words are a
 * meeting's ("next summer party", "next year planning").
 */
const UNSUPPORTED_SPAN =
  /\b(this |next |last |coming |current |previous |past |(?:in|during|over|for) (?:the )?|(?:the )?(?:rest|remainder|end) of (?:the |this )?)(spring|summer|autumn|fall|winter|holidays|year|quarter)\b(?: (\S+))?/;
/** What follows "next" that is a span or a day, not a meeting: "next week", "next monday", "next 3 days", "next december". */
const NEXT_SPAN = new RegExp(
  `^(?:(?:${COUNT_WORD}) )?(?:half (?:an )?)?(?:days?|weeks?|weekends?|months?|years?|quarter|fortnight|hours?|minutes?|mins?|time)\\b|^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun)\\b|^(?:january|february|march|april|may|june|july|august|september|sept|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\\b`,
);
const NEXT_COUNT_WORD = new RegExp(`^(${COUNT_WORD})(?= |$) ?`);
/**
 * "when's my next break", "when do I get a break today", "any breaks tomorrow": most mean the next free time between
 * meetings, some a meeting named so ("Coffee break"). Answered with that meeting if there is one, else the gaps (not
 * the next meeting named "break" in 60 days, or none).
 */
const BREAK_ASKED = /\bnext break\b|\b(?:when|what time) (?:do|can|will|could|shall) i (?:get|take|have|grab) (?:a |my |some )?break\b|^(?:whens|when is|what time is) (?:my|the) break\b|\b(?:do|will|can) i (?:get|have) (?:a |any )?break\b|^any breaks?\b/;
const BREAK_NAMED: SubjectFilter = { text: 'break', terms: ['break'] };
/**
 * "when's my last meeting", "my last call tomorrow", "what time do I finish today", "when am I done": the day's last
 * meeting and when it ends (they were the whole day's agenda, or no question); "when was my last meeting (with sam)",
 * no day named, the most recent that has ended. Not "last week".
 */
const LAST_ASKED =
  /\b(?:last|final) (?:meeting|event|appointment|call|one|1:1)s?\b|\b(?:what time|when) (?:do|did|will|shall|am|can) i (?:finish|end|stop|wrap up|get off|leave|(?:be )?(?:done|finished|through))\b|\b(?:what time|when) does my (?:work ?)?day (?:end|finish)\b|^am i (?:done|finished)\b/;
const PAST_ASKED = /\b(?:was|were|did|had)\b/;
/**
 * "is sam in my next meeting", "will bob be at the design review", "is priya coming to my 1:1": whether someone is in
 * a meeting, the next one named so (`person`, `meeting` as typed after its determiner).
 */
const ATTENDEE_ASKED =
  /^(?:is|will|does|did|has) (?<person>[\p{L}][\p{L}\p{N}.'-]*(?: [\p{L}][\p{L}\p{N}.'-]*)?) (?:be |been )?(?:in|at|on|coming to|come to|attending|attend|joining|join|invited to|going to|go to|in on) (?:(?<any>(?:any|one|either|all) of (?:my|the|our)|any|all) |my |the |our |this |that )(?<meeting>\S.*)$/u;
/**
 * "has sam accepted the design review", "did bob decline my next meeting", "has priya responded to it yet": someone's
 * answer to a meeting, asked as whether they are in it ("is sam in the design review"), with their answer.
 */
const ATTENDEE_ANSWER =
  /^(?:has|have|did) (?<person>[\p{L}][\p{L}\p{N}.'-]*(?: [\p{L}][\p{L}\p{N}.'-]*)?) (?:accepted|accept|declined|decline|responded|respond|replied|reply|answered|answer|rsvpd|rsvp|said yes|say yes|said no|say no|confirmed|confirm)(?: to| for)? (?<meeting>(?:my|the|our|this|that) \S.*?|it|that|that one|that meeting|that call)(?: yet)?$/u;
/** "is sam in it?", "will bob be at that one": whether someone is in the meeting the last answer showed. */
const ATTENDEE_IN_IT =
  /^(?:is|will|does|did|has) (?<person>[\p{L}][\p{L}\p{N}.'-]*(?: [\p{L}][\p{L}\p{N}.'-]*)?) (?:be |been )?(?:in|at|on|coming to|attending|joining|invited to|going to|in on) (?:it|that|that one|that meeting|that call)$/u;
/** Who an ATTENDEE_ASKED question cannot be about: "is there anything in my calendar", "is it in my next meeting". */
const NOT_ATTENDEES = /^(?:it|there|this|that|anything|anyone|anybody|someone|somebody|everyone|everybody|nothing|noone|no one|i|you|we|he|she|they|my|the|a|an|what|which|who|mine|standup|lunch)$/;

/** An ATTENDEE_ASKED question as the question about the meeting it asks ("next meeting", "next design review"), and who. */
function attendeeAsked(normalized: string): { asks: string; person: string; plural: boolean } | undefined {
  const match = ATTENDEE_ASKED.exec(normalized);
  const person = match?.groups?.person;
  const meeting = match?.groups?.meeting?.replace(/^(?:next|first) /, '');
  if (!person || !meeting || NOT_ATTENDEES.test(person) || NOT_ATTENDEES.test(person.split(' ')[0]!) || MEETING_AT_TIME.test(`my ${meeting}`)) return undefined;
  // "is sam in any of my meetings tomorrow", "will bob be at the standups next week": those meetings, not the next one.
  const first = meeting.split(' ')[0]!;
  const plural = match.groups!.any !== undefined || /^(?:meetings|events|appointments|calls)$/.test(first) || (MEETING_KIND.test(first) && first.endsWith('s') && first !== 'all-hands');
  return { asks: plural ? meeting : `next ${meeting}`, person, plural };
}

/** What a "who" question asks of a meeting: who organized it ("who set up my 3pm"), or who is in it ("who's coming"). */
/**
 * What a "who" question asks of its meeting: who organized it, who is invited, or those invited who gave an answer
 * ("who declined the design review", "who accepted my 3pm", "who hasn't responded to the standup"), or with
 * `attendee`, the answer of the one asked about (`answer`: "has sam accepted the design review").
 */
export type WhoAsked = 'organizer' | 'people' | WhoAnswered | 'answer';
export type WhoAnswered = 'accepted' | 'declined' | 'unanswered';

/**
 * "who organized the design review", "who set up my 3pm", "who is running the offsite tomorrow": the organizer;
 * "who's in my next meeting", "who is coming to the standup tomorrow", "who's my 3pm with", "who am I meeting next":
 * who is invited. `meeting` is the meeting as typed, its determiner included ("my 3pm", "the design review").
 */
const WHO_ORGANIZED =
  /^who(?: (?:has |had |have )?(?:organi[sz]ed|set up|scheduled|booked|created|arranged|called|sent(?: me| out)?(?: (?:the|an|that|this) (?:invite|invitation|meeting request|calendar invite) (?:for|to))?|invited me to|put (?:in|on))|(?: is| was|s) (?:running|hosting|leading|organi[sz]ing|chairing|facilitating|the (?:organi[sz]er|host|owner|chair) (?:of|for))| (?:runs|hosts|leads|owns|chairs|facilitates|organi[sz]es)) (?<meeting>.+)$/;
const WHO_IS_IN =
  /^who(?: else)?(?:(?: is|s| are| will be| was| were)(?: all)? (?:in|at|on|coming(?: to)?|going(?: to)?|attending|joining|invited(?: to)?|in on|part of)| (?:comes|goes|attends|joins)(?: to)?| (?:will|is going to) (?:be (?:at|in)|come to|attend|join)) (?<meeting>.+)$/;
const WHO_WITH = /^who(?: is|s| was| will be) (?<meeting>(?:my|the|our) .+?|it|that|that one) with$/;
/** "who declined the design review", "who said yes to my 3pm", "who hasn't responded to it": an answer asked about. */
const WHO_ANSWERED: readonly (readonly [WhoAnswered, RegExp])[] = [
  ['declined', /^who(?: (?:has |have |had )?declined| ?s declined| said no to|(?: (?:isnt|arent|is not|are not|wont be|will not be)|s not) (?:coming|going)(?: to)?| (?:cant|cannot|can not|couldnt) (?:make|come to|attend|join)(?: it to| it)?) (?<meeting>.+)$/],
  ['accepted', /^who(?: (?:has |have |had )?(?:accepted|confirmed(?: for)?)| ?s (?:accepted|confirmed(?: for)?)| said yes to) (?<meeting>.+)$/],
  ['unanswered', /^who(?: (?:hasnt|havent|has not|have not|didnt|did not)(?: yet)? (?:responded|replied|answered|rsvpd|accepted|declined|said)(?: yet)?(?: to)?| (?:still )?(?:needs|has|have) to (?:respond|reply|answer|rsvp)(?: to)?| is (?:still )?pending(?: for| on)?) (?<meeting>.+?)(?: yet)?$/],
];

/** "who set that up", "who put it in": the organizer of the last answer's meeting. */
const WHO_SET_IT_UP = /^who (?:set|put|booked|called) (?:it|that|this) (?:up|in|on)$/;
const WHO_AM_I_MEETING = /^who (?:am i|will i be|do i have|(?:do|will) i (?:meet|see))(?: (?:meeting|seeing|talking to|speaking (?:to|with)|meeting with|with|chatting with|calling|meetings with))?(?<when> next| after that| first| at .+| later(?: today)?| .+)?$/;
/** What a "who" question cannot ask after: "who is in the office", "who is on leave", "who is at work today". */
const WHO_NOT_MEETINGS = /^(?:the )?(?:office|building|leave|vacation|holiday|pto|work|home|charge)\b|^(?:call|duty)\b|^(?:(?:the |my |our )?team|it|this|that|there|here)$/;

/** A meeting named by a pronoun: the one the last answer showed ("next design review", then "who's in it?"). */
const LAST_MEETING = /^(?:it|that|that one|that meeting|that call|this one|the one)$/;
const CURRENT_MEETING = /^(?:this|my current|the current|the present|my present) (?:meeting|call|one)$|^the (?:meeting|call) (?:im|i am) in(?: now)?$/;

/**
 * A "who" question as the question about the meeting it asks ("next design review", "my 3pm"), and what it asks;
 * `ofLast`: about the meeting of the last answer ("who's in it").
 */
function whoAsked(normalized: string): { asks: string; who: WhoAsked; ofLast?: undefined } | { ofLast: true; who: WhoAsked } | undefined {
  const me = WHO_AM_I_MEETING.exec(normalized);
  const when = me?.groups!.when?.trim().replace(/^with /, '');
  // Only a day or a time after it: "who am i meeting with sam" is no "who" question.
  if (me && (!when || when.split(' ').every((word) => WHEN_WORD.test(word) || /^(?:on|the|in|for|of|at|later|after|that|first|\d\S*)$/.test(word)))) {
    // "who am i meeting tomorrow", "who do i meet with this week": each meeting then, with who is in it.
    return { asks: !when || when === 'next' || when === 'after that' || when === 'later' ? 'next meeting' : when === 'first' ? 'first meeting today' : when.startsWith('later') ? 'next meeting today' : `whats on ${when}`, who: 'people' };
  }
  if (WHO_SET_IT_UP.test(normalized)) return { ofLast: true, who: 'organizer' };
  const answered = WHO_ANSWERED.map(([asked, pattern]) => [asked, pattern.exec(normalized)] as const).find(([, found]) => found);
  const organized = answered ? null : WHO_ORGANIZED.exec(normalized);
  const match = answered?.[1] ?? organized ?? WHO_IS_IN.exec(normalized) ?? WHO_WITH.exec(normalized);
  const meeting = match?.groups?.meeting?.trim();
  if (!match || !meeting) return undefined;
  const who: WhoAsked = answered ? answered[0] : organized ? 'organizer' : 'people';
  // "who's in this meeting", "who organized this call": the meeting the user is in now.
  if (CURRENT_MEETING.test(meeting)) return { asks: 'what meeting am i in', who };
  // "who's in it", "who organized that one": the meeting of the last answer (pronounAsked).
  if (LAST_MEETING.test(meeting)) return { ofLast: true, who };
  if (WHO_NOT_MEETINGS.test(meeting)) return undefined;
  // "my 3pm", "the 10:30 tomorrow": the meeting then (a free-at question).
  if (MEETING_AT_TIME.test(meeting)) return { asks: meeting, who };
  // "tomorrow's standup" (read as "tomorrow standup"), "monday's 1:1": that day's.
  const day = /^(today|tomorrow|(?:mon|tues|wednes|thurs|fri|satur|sun)day) (.+)$/.exec(meeting);
  if (day) return { asks: `${day[2]} ${day[1]}`, who };
  const named = /^(?:my|the|our) (.+)$/.exec(meeting)?.[1];
  if (!named) return undefined;
  // "who's in my meetings tomorrow": each of them, with who is in it.
  if (who === 'people' && /^(?:meetings|calls|events|appointments)\b/.test(named)) return { asks: named, who };
  return { asks: `next ${named.replace(/^(?:next|first|upcoming) /, '')}`, who };
}

/**
 * "is the offsite still on", "has my 1:1 with sam been cancelled", "is standup still happening tomorrow": whether a
 * meeting named is on (`status`); "did the design review get moved", "was my 1:1 rescheduled": when it is now. Either is
 * read as "next <name>" (with the day named, if one is), the rest of the question.
 */
const STATUS_ASKED =
  /^(?:is|are|was|were|has|have|had|did|will) (?:my |the |our |this |that )?(?<name>\S.*?) (?:(?<on>still (?:on|happening|going ahead|planned|scheduled|booked|a go)|going ahead|(?:been |got |get |gotten |getting |being )?(?:cancell?ed|called off|scrapped|dropped))|(?:been |got |get |gotten |getting |being )?(?:moved|rescheduled|postponed|pushed(?: back)?|brought forward|changed))(?<when> .+)?$/;
/** What a status question's name cannot be: "is it still on" (which meeting?), "is my day still free". */
const STATUS_NOT_NAMES = /^(?:it|this|that|they|them|there|anything|something|everything|my day|day|today|tomorrow|calendar|my calendar|schedule|my schedule)$/;

/**
 * Something asked of a meeting named with no "next": "when does my standup start", "where is the design review",
 * "what room is my 1:1 in", "join link for the standup", "how do I join the all-hands": the next one so named, whose
 * card row shows when and where it is and its Join button. A day after it is that day's ("where is the standup tomorrow").
 */
const DETAIL_ASKED = [
  /^(?:when|what time) (?:does|do|will) (?:my|the|our) (?<name>.+?) (?:start|begin|end|finish|kick off|wrap up)(?<when> .+)?$/,
  /^(?:wheres|where is|where are|where will) (?:my|the|our) (?<name>.+?)(?: be)?(?: (?:held|located|happening|taking place))?$/,
  /^(?:what|which) (?:room|building|floor|location|place|venue|address) (?:is|are|will be|s) (?:my|the|our) (?<name>.+?)(?: (?:in|at|held in|be in))?$/,
  /^(?:whats |what is |wheres |where is )?(?:the )?(?:join(?:ing)? |teams |zoom |meeting )?(?:link|url) (?:for|to) (?:my|the|our) (?<name>.+)$/,
  /^how (?:do|can|should) i (?:join|get into|dial into) (?:my|the|our) (?<name>.+)$/,
];

/** A DETAIL_ASKED question as the question about its meeting ("next standup", "next standup tomorrow"). */
function detailAsked(normalized: string): string | undefined {
  for (const pattern of DETAIL_ASKED) {
    const groups = pattern.exec(normalized)?.groups;
    const name = groups?.name;
    if (name && !/^(?:next|first|last)\b/.test(name) && startsWithName(name) && !MEETING_AT_TIME.test(`my ${name}`)) return `next ${name}${groups!.when ?? ''}`;
  }
  return undefined;
}

/** "how long is my next meeting", "how long will my next standup be": the next meeting, and how long it is. */
const HOW_LONG = /^how long (?:is|are|will|would|does) (?=(?:my |the |our )?(?:next|first)\b)/;
/**
 * "how busy am I this week", "how booked is my friday", "how much time am I in meetings": the agenda, whose summary
 * counts the meetings and the hours they take ("6 meetings · 5 h 30 min busy"), not the free slots "busy" would ask for.
 */
const HOW_BUSY = /\bhow (?:busy|booked|packed|full|loaded|swamped|slammed|hectic)\b|\bhow (?:much time|many hours) (?:am i |do i (?:have|spend) |will i (?:be|spend) |is )?(?:in |of )?meetings\b/;

/** What "next" asks for that is free time, not a meeting by that name: "next free slot", "when is my next gap". */
const NEXT_FREE = new RegExp(`\\bnext (?:(?:${COUNT_WORD}) )?(?:free|open|available|availability|gaps?|slots?|openings?)\\b`);
/** The kind of thing asked for, not its name: "next team meeting" is named "team". */
const MEETING_NOUN = /^(?:meeting|event|appointment|call|thing|one|item)(s?)$/;
/** What brings in a name after the kind: "next meeting with sam", "about the budget", "in room 4". */
const SUBJECT_PREPOSITIONS = new Set(['with', 'w/', 'w', 'about', 'for', 're', 'regarding', 'in', 'at']);
/**
 * Words that ask something of a meeting rather than name it ("next meeting details", "when does my next standup
 * start", "is my next meeting online", "what's next on my calendar", "next meeting thanks"): a name ends before them.
 */
const NOT_SUBJECT = new Set([
  'start', 'starts', 'starting', 'begin', 'begins', 'beginning', 'end', 'ends', 'finish', 'finishes', 'details', 'detail', 'info', 'information',
  'link', 'links', 'url', 'join', 'dial', 'time', 'times', 'when', 'where', 'located', 'location', 'place', 'venue', 'address', 'agenda',
  'online', 'virtual', 'remote', 'person', 'cancelled', 'canceled', 'moved', 'still', 'happening', 'going', 'is', 'are', 'will', 'be', 'on',
  'after', 'before', 'until', 'till', 'later', 'soon', 'now', 'today', 'tonight', 'tomorrow', 'thanks', 'thank', 'thx', 'ty', 'cheers',
  'again', 'please', 'pls', 'asap', 'calendar', 'schedule', 'outlook', 'diary',
]);
/** A part of the day says when, not what: "next standup in the morning", "next morning meeting". */
const DAY_PART_WORDS = /^(?:morning|afternoon|evening|night|tonight)s?$/;
/** Words that do not name a meeting: "next meeting with bob" is about Bob. */
const SUBJECT_FILLER = new Set(['meeting', 'meetings', 'event', 'events', 'appointment', 'appointments', 'call', 'calls', 'one', 'ones', 'thing', 'things', 'with', 'w/', 'w', 'and', 'my', 'our', 'the', 'a', 'an', 'for', 'about', 'of', 'on', 'in', 'at', 'to', 'me', 'us', 'i', 'up', 'upcoming', 'is', 'are', 'please', 'pls', 'meet', 'see', 'both']);
/** More words than this in a subject are not read: an answer to a pasted paragraph needs no more. */
const MAX_SUBJECT_TERMS = 8;
/** A one-on-one, written any of the ways people write it: "1:1", "1-1", "1on1", "1-on-1", "one on one". */
const ONE_ON_ONE = /(?<![\p{L}\p{N}:])(?:1 ?(?::|-|-?on-?) ?1|one[ -]on[ -]one)(?!\p{N}|:\p{N})/gu;

/** Kinds of meeting that are names too: "design review on friday" asks for the design review, "standups this week" for standups. */
const MEETING_KIND = /^(?:stand-?ups?|1:1s?|reviews?|retros?|retrospectives?|interviews?|demos?|workshops?|offsites?|kick-?offs?|huddles?|catch-?ups?|check-?ins?|webinars?|trainings?|presentations?|briefings?|scrums?|all-hands|town-?halls?)$/;
/** What brings in a name outside "next ...": "meetings with sam", "anything about the budget" (not "for tomorrow", "in 2 days", "at 3"). */
const NAMING_PREPOSITIONS = new Set(['with', 'w/', 'w', 'about', 'regarding', 're']);
/** A word that says when, which ends a name: "standup tomorrow", "1:1 with sam on friday", "review next week", "call at 3". */
const WHEN_WORD =
  /^(?:today|tomorrow|yesterday|tonight|overmorrow|ago|this|next|last|coming|previous|current|following|rest|remainder|days?|weeks?|weekends?|fortnight|months?|years?|hours?|hrs?|minutes?|mins?|mornings?|afternoons?|evenings?|nights?|noon|midday|midnight|am|pm|oclock|o|earlier|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|at|on|in|for|from|to|by|during|between|within|since|around)$|^\d(?!:1s?$)/;
/**
 * Words that ask about meetings or describe them, not name them: "how many meetings", "any other calls", "my first
 * meeting", "cancelled meetings", "teams meetings" (the online kind), "meetings with everyone". A name ends at them.
 */
const NOT_A_NAME = new Set([
  'any', 'all', 'some', 'many', 'much', 'how', 'what', 'whats', 'which', 'who', 'whos', 'when', 'whens', 'where', 'wheres', 'why', 'whether', 'if',
  'do', 'does', 'did', 'have', 'has', 'had', 'got', 'get', 'show', 'list', 'tell', 'give', 'find', 'check', 'was', 'were', 'would', 'can', 'could',
  'should', 'been', 'am', 'we', 'you', 'your', 'his', 'her', 'their', 'these', 'those', 'that', 'there', 'theres', 'here', 'no', 'not', 'only', 'just',
  'also', 'then', 'so', 'ok', 'okay', 'hey', 'else', 'first', 'second', 'third', 'last', 'final', 'next', 'upcoming', 'remaining', 'left', 'other', 'others',
  'more', 'most', 'few', 'couple', 'several', 'lot', 'lots', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'important', 'urgent',
  'big', 'small', 'free', 'busy', 'tentative', 'declined', 'accepted', 'pending', 'unanswered', 'new', 'conflicting', 'overlapping', 'clashing',
  'double', 'back', 'early', 'late', 'long', 'short', 'open', 'private', 'external', 'recurring', 'in-person', 'inperson', 'all-day', 'allday', 'video',
  'phone', 'teams', 'zoom', 'webex', 'skype', 'work', 'personal', 'business', 'scheduled', 'planned', 'booked', 'confirmed', 'missed', 'past',
  'everyone', 'anyone', 'someone', 'somebody', 'anybody', 'everybody', 'nobody', 'people', 'them', 'him', 'anything', 'something', 'nothing', 'whatever',
  'happening', 'going', 'look', 'looks', 'looking', 'like',
  // how often, how big, which of them, how it stands: "weekly meeting", "quick call", "every meeting", "my own meetings"
  'each', 'every', 'whole', 'entire', 'full', 'own', 'same', 'another', 'single', 'extra', 'additional', 'further', 'prior', 'actual', 'real',
  'proper', 'usual', 'normal', 'regular', 'routine', 'typical', 'daily', 'weekly', 'biweekly', 'bi-weekly', 'fortnightly', 'monthly', 'quarterly',
  'annual', 'yearly', 'repeating', 'series', 'one-off', 'adhoc', 'ad-hoc', 'unplanned', 'unconfirmed', 'updated', 'changed', 'rescheduled',
  'deleted', 'maybe', 'optional', 'required', 'mandatory', 'compulsory', 'key', 'major', 'main', 'critical', 'special', 'internal', 'hybrid',
  'onsite', 'on-site', 'quick', 'brief', 'large', 'earliest', 'latest', 'longest', 'shortest', 'biggest', 'largest', 'smallest', 'back-to-back',
  'existing', 'exist', 'exists', 'conference', 'conf', 'group', 'f2f', 'follow-up', 'followup', 'it', 'myself', 'regard', 'regards', 'respect',
  'reference',
]);

/**
 * People by what they are to the user ("meetings with my manager", "calls with clients", "1:1s with my reports"), not by
 * a word of the meeting's subject: a subject says "Sam / Ada", not "manager". After "with" these name nothing (the
 * whole day shows those meetings too); before a meeting noun neither ("client meeting"). "team" is one after "with"
 * only ("with the team"; "team meeting" is a name, "the design team" too).
 */
const PEOPLE_BY_ROLE = new Set([
  'manager', 'managers', 'boss', 'bosses', 'supervisor', 'lead', 'leads', 'teammates', 'colleague', 'colleagues', 'coworker', 'coworkers',
  'co-worker', 'co-workers', 'client', 'clients', 'customer', 'customers', 'externals', 'partner', 'partners', 'vendor', 'vendors', 'supplier',
  'suppliers', 'candidate', 'candidates', 'student', 'students', 'parent', 'parents', 'patient', 'patients', 'guest', 'guests', 'attendee',
  'attendees', 'participant', 'participants', 'staff', 'leadership', 'management', 'exec', 'execs', 'executive', 'executives', 'report',
  'reports', 'direct', 'senior', 'junior', 'director', 'directors', 'ceo', 'cto', 'cfo', 'coo', 'hr', 'folks', 'guys', 'friends', 'family',
  'interviewer', 'interviewers', 'recruiter', 'recruiters', 'mentor', 'mentee', 'tutor', 'tutors', 'advisor', 'advisors', 'adviser', 'professor',
  'professors', 'prof', 'teacher', 'teachers', 'lecturer', 'instructor', 'coach',
]);
/** What a meeting has, after "with" ("meetings with conflicts", "with breaks in between", "with attachments"): not who. */
const MEETING_HAS = new Set([
  'conflict', 'conflicts', 'clash', 'clashes', 'overlap', 'overlaps', 'break', 'breaks', 'gap', 'gaps', 'attachment', 'attachments', 'note', 'notes',
  'recording', 'recordings', 'transcript', 'transcripts', 'camera', 'cameras', 'audio', 'dial-in', 'dialin', 'travel', 'food', 'snacks', 'catering',
  'room', 'rooms', 'description', 'invite', 'invites', 'attendance', 'rsvp', 'rsvps', 'lunch', 'breakfast', 'dinner', 'lunchtime',
]);
/** "does anything overlap with my standup", "clashes with lunch", "any conflicts with sam": what is beside that meeting, not it. */
const OVERLAP_WORDS = /\b(?:overlap(?:s|ped|ping)?|clash(?:es|ed|ing)?|conflict(?:s|ed|ing)?|collid(?:e|es|ed|ing)|coincid(?:e|es|ed|ing)|interfer(?:e|es|ed|ing))\b/;
/**
 * Proposing a meeting, not naming one: "can I meet with sam at 3", "do I have time for a call with bob", "room for a
 * meeting with sam tomorrow", "how about coffee at 3". The answer is that day or that time, whoever it would be with.
 */
const PROPOSES = /\bhow about\b|\b(?:can|could|shall|should|may|might) (?:i|we)\b|\b(?:have|got|find|any) (?:the |any |enough |some )?(?:time|room|space)\b|\b(?:time|room|space) (?:to|for)\b/;

/**
 * Whether the words after "with" name only people by role or what a meeting has ("my manager", "the team", "conflicts"),
 * or a list of which one does ("with sam or my manager": a list that left those out would hide their meetings).
 */
function namesNoOne(words: readonly string[]): boolean {
  return listItems(words).some((item) => {
    const names = item.filter((word) => !SUBJECT_FILLER.has(word));
    return names.length > 0 && names.every((word) => PEOPLE_BY_ROLE.has(word) || MEETING_HAS.has(word) || word === 'team');
  });
}

/**
 * Whether the words after "with" are people by role and nothing else ("my manager", "the team", "my boss or my
 * manager"): asked of the next or the last meeting with them (no day named), calbot looks for meetings named so
 * (roleNamed), and says it goes by names when there are none.
 */
function rolesOnly(words: readonly string[]): boolean {
  const items = listItems(words).map((item) => item.filter((word) => !SUBJECT_FILLER.has(word)));
  return items.length > 0 && items.every((names) => names.length > 0 && names.every((word) => PEOPLE_BY_ROLE.has(word) || word === 'team'));
}

/** The names of a list ("sam or bob", "sam and the design team", "priya/raj"), each as its words; one name is one item. */
function listItems(words: readonly string[]): string[][] {
  const items: string[][] = [[]];
  for (const word of words) {
    const parts = /\p{L}\/\p{L}/u.test(word) ? word.split('/') : [word];
    parts.forEach((part, at) => {
      if (at > 0 || EITHER_WORDS.has(part)) items.push([]);
      if (!EITHER_WORDS.has(part) && part !== '') items.at(-1)!.push(part);
    });
  }
  return items.filter((item) => item.length > 0);
}

/** "3 upcoming meetings", "upcoming 5 events", "any meetings coming up": the first count of meetings named, if any. */
const MEETINGS_COUNTED = new RegExp(`\\b(?:(${COUNT_WORD}) (?:upcoming )?)?(?:meeting|event|appointment|call)(s?)\\b`);
/**
 * Asking whether the user is free, or when. "do I have time at 3", "got time tomorrow", "find me a slot" and "can I fit
 * in a call at 4" too; with what the time is
 * for ("time for a call with bob at 3") it proposes a meeting (PROPOSES), which is answered with that day.
 */
const FREE = /\b(free|busy|(?<!double[ -]?)booked|available|availability|open slots?|gaps?|(?:a )?(?:good|convenient) time(?= (?:to|for)\b|$)|when (?:can|could) (?:i|we) meet|(?:do i have|have i got|got|any) (?:any |some )?time\b(?! (?:for|to)\b)|find (?:me |us )?(?:a |an |some |\d{1,3} ?)?(?:half (?:an )?)?(?:free )?(?:time|slots?|hours?|hrs?|minutes?|mins?)|(?:can|could) (?:i|we) (?:fit|squeeze|book|schedule|put|set up|pencil) (?:in |it |this |that |something |a |an |one |\d)|slots?)\b/;
/** "is 2pm ok", "does 3pm work for you", "would tomorrow at 10 suit": whether the user is free then. */
const TIME_SUITS =
  /^(?:is|does|would|will|could|can)\b.*\b(?:ok|okay|good|fine|work|suit|possible|doable)(?: for (?:me|you|us|(?:a|an) (?:quick |short )?(?:call|meeting|chat|sync|catch-?up|1:1)))?(?: (?:on )?(?:today|tomorrow|overmorrow|\S+day))?$/;
/** A yes/no about a time asked the busy way round: "am I busy at 11", "am I booked", "do I have a meeting at 2". */
const ASKS_BUSY = new RegExp(`\\b(busy|(?<!double[ -]?)booked|occupied|tied up)\\b|${IN_MEETING.source}|${HAVE_MEETING.source}`);
/** ...unless it also names being free ("am I free or busy at 3"): then it is asked the usual way. */
const ASKS_FREE = /\b(free|available)\b/;
/** Asked the other way round: "am I not busy at 3" asks whether the user is free, "am I not free at 3" whether busy. */
const NOT_BUSY = /\bnot (?:busy|(?<!double[ -]?)booked|occupied|tied up|in (?:a |an )?(?:meeting|call))\b/;
const NOT_FREE = /\bnot (?:free|available)\b/;
const FREE_SLOTS = /\b(free (time|slots?|spots?|windows?|periods?)|when (am i|are we|can i|can we)|availability|slots?|find (?:me |us )?(?:a |some )?time|gaps?|(?:whens|when is|whats|what is) (?:a )?good time)\b/;
const AGENDA_WORDS = /\b(agenda|schedule|calendar|meetings?|events?|appointments?|whats on|what do i have|what have i got|anything on|plans?|my day|brief me|rundown|(?:daily|morning|day|days) (?:summary|overview|digest)|whats (happening|going on)|(?:whats|what else is|anything) (?:still )?(?:left|later)\b(?! (?:to|for me to)\b))/;
/** "how's my afternoon", "the rest of the morning": a part of today asked about, as "my day" is today (a bare "morning" is a greeting). */
const MY_DAY_PART = /\b(?:my|the) (?:morning|afternoon|evening)\b/;
/** "the rest of the week", "remaining meetings today", "what's coming up today": from now on, not from the start of the day or week. */
const REST = /\b(rest of|remainder of|remaining|left|later|coming up|else)\b/;
const WEEK = /\b(?:the )?(week|weekend) after next\b|\b(this|next|last|coming|current|previous) (week|weekend)\b|(?<!\b(?:a|one|in|\d{1,2}) )\b(week|weekend)\b/;
/** Months, as weeks: "this month", "next month", "the rest of the month" ("the month" and "my month" are this one). */
const MONTH = /\b(this|next|last|coming|current|previous|the|my) month\b/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;
/** "the next 3 days", "next few days", "over the next 2 weeks": from now on, today included. */
const NEXT_DAYS = /\b(?:next|coming|following) (\d{1,6}|(?:a )?few|(?:a )?couple(?: of)?|two|three|four|five|six|seven|eight|nine|ten) (days?|weeks?)\b/;
const COUNTS: Record<string, number> = { few: 3, several: 3, couple: 2, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };
const MONTH_NAME = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';
/**
 * "2-4pm", "11 to 1", "9:30-10": bare hour ranges chrono-node does not read ("tomorrow 11-1" parses as "tomorrow").
 * Not next to a month name: "dec 3-5" and "3-5 december" are dates, which chrono-node reads.
 */
const HOUR_RANGE = new RegExp(
  `(?<![\\d\\/:.-])(?<!\\b${MONTH_NAME}\\s*)(?:from |between )?\\b(\\d{1,2})(?::(\\d{2}))?\\s*(am|pm)?\\s*(?:-|to|until|till|and|&)\\s*(\\d{1,2})(?::(\\d{2}))?\\s*(am|pm)?\\b(?![\\/:.-]?\\d)(?!\\s*(?:of )?${MONTH_NAME}(?![a-z]))`,
);
/**
 * A time of day as typed after "after", "before" or "until": "3", "4pm", "4:30 pm", "16:00", "noon" (its groups: hour,
 * minute, am/pm, or the hour's name). Not a day ("after the 3rd", "after 3 dec"), a length ("after 3 days") or the
 * start of a range ("from 3 to 5 dec").
 */
const CLOCK = `(?:(\\d{1,2})(?:[:.](\\d{2}))?(?!\\d)\\s*(?:(am|pm)\\b)?(?:\\s*o ?clock\\b)?|(noon|midday|midnight)\\b)(?![:/.-]?\\d|\\s*(?:st|nd|rd|th|days?|weeks?|months?|years?|hours?|hrs?|minutes?|mins?)\\b|\\s*(?:of )?${MONTH_NAME}(?![a-z])|\\s*(?:-|to|until|till|through|thru|and)\\s*\\d)`;
/** "after 4pm", "from 2", "starting at 9": a time the question is about onwards. */
const AFTER_TIME = new RegExp(`\\b(?:after|from|starting(?: at| from)?|later than)\\s+(?:at\\s+)?${CLOCK}`);
/** "2pm onwards", "3 or later". */
const ONWARDS_TIME = new RegExp(`(?<![\\d:/.-])\\b${CLOCK}\\s*(?:onwards?|and later|or later)\\b`);
/** "before noon": from the day's start. */
const BEFORE_TIME = new RegExp(`\\b(?:before|earlier than)\\s+${CLOCK}`);
/** "until 5": from now, when the day has begun. Not a range of days ("dec 3 until 5" is chrono-node's). */
const UNTIL_TIME = new RegExp(`(?<!\\d(?:st|nd|rd|th)?\\s*)\\b(?:until|till|til|up (?:to|until))\\s+${CLOCK}`);
/** "in the next hour", "the next 2 hours", "next 30 mins", "the next half hour": from now, for that long. */
const NEXT_HOURS = new RegExp(`\\b(?:next|coming|following) (?:(${COUNT_WORD}) )?(half (?:an )?)?(hours?|hrs?|minutes?|mins?)\\b`);
/**
 * "a week from friday", "2 weeks from tomorrow", "a week on monday": that long after the day named (parseQuestion).
 * Hidden from chrono-node, which counts "a week after monday" from this week's Monday, past or not.
 */
const DAYS_LATER = /\b(a|an|one|two|three|four|\d{1,2}) (days?|weeks?) (?:from|after|on) (?=\S)/;
/**
 * "for half an hour at 3", "free for an hour at 2", "for 2h at 3", "for 45m": how long the time asked about is. A
 * number's unit may be written short and close up ("2h", "90min"): after "for", never a time ("at 9h" is 09:00).
 */
const LENGTH = /\bfor (?:(an?|one) (hours?|hrs?|minutes?|mins?)|(\d{1,3}) ?(hours?|hrs?|h|minutes?|mins?|m)|(?:a )?half (?:an )?hour|an hour and a half)\b/;
/** A length of time as words: "an hour", "30 minutes", "2h", "two hours", "90-minute", "half an hour", "an hour and a half". */
const LENGTH_WORDS = '(?:an hour and a half|(?:a |an )?half(?: an)? hour|(?:an?|one|two|three|four|five|six|seven|eight|\\d{1,3}) ?-?(?:hours?|hrs?|h|minutes?|mins?)\\b)';
/**
 * How long free time has to be, besides LENGTH's "for an hour": "find 30 minutes", "do I have 2 hours free", "a 90-minute
 * slot", "free 30 minutes tomorrow". Not "in 2 hours" or "the next 2 hours", which say when.
 */
const SLOT_LENGTH = new RegExp(
  `\\b(?:(?:(?:fit|squeeze)(?: in)?|find|got|have|free|any|need) (?:me |us )?(?:a |an )?(${LENGTH_WORDS})|(?<!\\b(?:in|next|coming|following|within|last|past) )(?:a |an )?(${LENGTH_WORDS})(?= free\\b| (?:free )?(?:slots?|blocks?|windows?|gaps?|openings?|meetings?|calls?)\\b))`,
);

/**
 * "the 3rd", "on the 30th": a day of the month without its month, which chrono-node does not read. Without "the"
 * or "on" only as the whole question or a list's start ("14th?", "3rd to 5th"), not "1st floor".
 */
const DAY_OF_MONTH =
  /\b(?:the|on) ([1-9]|[12]\d|3[01])(?:st|nd|rd|th)\b(?! (?:meeting|event|call|appointment|one|week|time|slot)s?\b)|^([1-9]|[12]\d|3[01])(?:st|nd|rd|th)(?=$|\s*(?:and|or|&|\+|-|to|through|thru|until|till)\b)/;
/** A weekday named beside a week ("wednesday next week"): that day of that week. */
const WEEKDAY = /\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\b/;
const WEEKDAYS = new RegExp(WEEKDAY.source, 'g');
const DAY_NUMBER = '(?:[1-9]|[12]\\d|3[01])(?:st|nd|rd|th)?';
/**
 * What stands between two days of a list or range: "monday and tuesday", "mon tue and wed", "thursday or friday",
 * "mon-wed"; and days of the month the first one's month holds ("dec 30, 31 and jan 1": the commas are gone by now).
 */
const BETWEEN_DAYS = new RegExp(`^((?:\\s+${DAY_NUMBER}\\b)*)\\s*(?:(?:and|or|&|\\+|-|to|through|thru|until|till)\\s*)?$`);
/** Not a day but a time: "dec 3 at 4", "dec 3 and 4pm", "dec 3 4-5". */
const NOT_A_DAY = '(?!\\s*(?::|\\.\\d|am\\b|pm\\b|o ?clock\\b|-\\s*\\d|(?:to|until|till)\\s+\\d))';
/** A day of the month written with two digits, which after a month and a day is the list's next day ("dec 28, 29, 30"). */
const TWO_DIGIT_DAY = '(?:[12]\\d|3[01])';
/**
 * More days of the month after a date: "dec 3 and 4", "dec 3, 4 and 5", "dec 28, 29, 30", "the 3rd and 4th", "dec 3rd
 * to the 5th". A range's end says it is a day ("the 5th", "5th"): "dec 3 to 5" is chrono-node's.
 */
const DAYS_AFTER = new RegExp(
  `^(?:(?:(?:\\s+${DAY_NUMBER})*\\s*(?:and|or|&|\\+)|\\s*(?:-|to|through|thru|until|till)(?=\\s*(?:the\\s|\\d{1,2}(?:st|nd|rd|th))))\\s*(?:the\\s+)?${DAY_NUMBER}\\b${NOT_A_DAY}|(?:\\s+${TWO_DIGIT_DAY}\\b${NOT_A_DAY})+)`,
);
/**
 * A two-digit number after a month and a day: the next day of a list ("dec 30, 31 and jan 1"), never a year, which
 * chrono-node reads it as (30 Dec 2031; nobody asking about their calendar writes a year in two digits). Hidden from
 * chrono-node; DAYS_AFTER and BETWEEN_DAYS read it as a day.
 */
const LISTED_DAY = new RegExp(`(?<=\\b${MONTH_NAME}\\s*${DAY_NUMBER}(?:\\s+${TWO_DIGIT_DAY})*\\s+)${TWO_DIGIT_DAY}\\b${NOT_A_DAY}`, 'g');
/** Days of the month before a date: "3 and 4 december", "3rd, 4th and 5th dec". */
const DAYS_BEFORE = new RegExp(`(?:^|\\s)(?:${DAY_NUMBER}\\s+)*${DAY_NUMBER}\\s*(?:and|or|&|\\+)\\s*$`);
const WEEKDAY_NUMBER: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };
/** The longest range of dates one answer covers ("dec 1 - 31"); longer ones are cut to it, and the label says so. */
const MAX_RANGE_DAYS = 31;

/** A part of the day a question names ("this afternoon", "tomorrow morning", "tonight"), in local hours. */
const DAY_PARTS = { morning: { from: 0, to: 12 }, afternoon: { from: 12, to: 17 }, evening: { from: 17, to: 24 } } as const;
type DayPart = keyof typeof DAY_PARTS;
const DAY_PART = /\b(morning|afternoon|evening)s?\b/;

/**
 * "when did I last meet sam", "when was the last time I saw bob", "when did I meet sam (on monday)": read as "when was
 * my last meeting with sam" (they were no question, or the coming Monday's agenda).
 */
const LAST_MET =
  /^when (?:did i (?:last )?(?:meet|see|speak|talk|chat|catch up|have a (?:meeting|call|1:1))|was the last time i (?:met|saw|spoke|talked|chatted|caught up|had a (?:meeting|call|1:1)))(?: (?:with|to))? (?=\S)/;

/**
 * "am I meeting sam this week", "do I see bob tomorrow", "will I see priya on friday", "do I have anything with sam":
 * read as "meetings with sam this week" (they were the week's or the day's agenda, or no question).
 */
const MEETING_SOMEONE = /^(?:(?:am i|will i be) (?:meeting|seeing)|(?:do|will|shall) i (?:meet|see)|(?:do i have|have i got|is there) (?:anything|something))(?: with)? (?=\S)/;
/** What "am I meeting ..." may be said of that is no one: "am I seeing anything tomorrow", "do I see it". */
const MET_NO_ONE = /^(?:anyone|anybody|someone|somebody|everyone|anything|something|nothing|any|it|them|that|this|you|u|today|tomorrow|tonight|later|next|now|again|(?:mon|tues|wednes|thurs|fri|satur|sun)day|on|at|in|before|after)$/;

function lastMet(t: string): string {
  const someone = MEETING_SOMEONE.exec(t);
  if (someone && (someone[0].endsWith('with ') || !/(?:anything|something) $/.test(someone[0]))) {
    const name = t.slice(someone[0].length).split(' ');
    if (!MET_NO_ONE.test(name[0]!) && !(namesNoOne(name) && !rolesOnly(name))) return `meetings with ${t.slice(someone[0].length)}`;
  }
  const met = t.startsWith('when ') ? LAST_MET.exec(t) : null;
  if (!met) return t;
  // Not calbot ("when did I meet you"), nor what a meeting has; people by role ("when did I meet my manager") are (roleNamed).
  const name = t.slice(met[0].length).split(' ');
  if (/^(?:you|u|it)$/.test(name[0]!) || (namesNoOne(name) && !rolesOnly(name))) return t;
  return `when was my last meeting with ${t.slice(met[0].length)}`;
}

/** The part of the day `t` names, and `t` without it (what is left is read as before: "today", "friday"). */
function splitDayPart(t: string): { part: DayPart | undefined; rest: string } {
  const match = DAY_PART.exec(t);
  if (!match) return { part: undefined, rest: t };
  return { part: match[1] as DayPart, rest: t.replace(DAY_PART, ' ').replace(/\s+/g, ' ').trim() };
}

/**
 * Reads a schedule question; `undefined` means the text is not one (a command, a greeting, chit-chat).
 * `now` is the clock, `zone` the user's IANA zone: "today" and "friday" are the user's today and friday.
 */
export function parseQuestion(text: string, now: Date, zone: string, options: QuestionOptions = {}): Question | UnsupportedSpan | undefined {
  const here = DateTime.fromJSDate(now, { zone: luxonZone(zone) });
  if (!here.isValid) return undefined;
  const today = here.startOf('day');
  const normalized = anchoredDays(lastMet(weekdayDates(nextWorkingDay(movableHolidays(normalizeQuestionText(text), () => today), () => today), () => today)), now, zone, options);
  // "am I free at 3pm EST", "meetings after 10am pacific time": read in that zone, answered in the user's.
  const elsewhere = /\d|noon|midday|midnight/.test(normalized) ? timeInZone(normalized) : undefined;
  if (elsewhere) {
    const asked = parseQuestion(elsewhere.text, now, elsewhere.zone, options);
    // A time of day on each day of a span ("meetings after 2pm EST this week") is read on the user's clock, as before:
    // its days are the user's, and each day's window is one clock's.
    if (asked?.kind === 'agenda' && asked.daily) return parseQuestion(elsewhere.text, now, zone, options);
    return asked && elsewhere.zone !== luxonZone(zone).name ? inUserZone(asked, elsewhere, zone, today) : asked;
  }
  const other = otherCalendar(text, normalized);
  if (other) return { kind: 'unsupported', what: 'calendar', span: other };
  // "and friday?", "what about 3pm": the last question again, of that day or at that time (followUp).
  const follow = followUp(normalized, now, zone, here, today, options);
  if (follow) return options.last?.who ? asksWho(follow, options.last.who) : follow;
  // "has sam accepted the design review": whether Sam is in it, with Sam's answer.
  const answer = ATTENDEE_ANSWER.exec(normalized)?.groups;
  if (answer) {
    const asked = parseQuestion(`is ${answer.person} in ${answer.meeting}`, now, zone, options);
    return asked?.kind === 'next' && asked.count === 1 && asked.attendee ? { ...asked, who: 'answer' } : undefined;
  }
  // "next design review", then "is sam in it?": that meeting again, and whether Sam is in it.
  const inIt = ATTENDEE_IN_IT.exec(normalized)?.groups?.person;
  if (inIt && !NOT_ATTENDEES.test(inIt) && !NOT_ATTENDEES.test(inIt.split(' ')[0]!)) {
    const who = parseQuestion(`next meeting with ${inIt}`, now, zone, { ...options, last: undefined });
    const person = who?.kind === 'next' && who.subject?.people ? who.subject : undefined;
    const again = options.last && lastMeetingAgain(options.last, now, zone, today, options);
    return person && again?.kind === 'next' ? { ...again, attendee: person } : undefined;
  }
  // "is sam in my next meeting": the next meeting, and whether Sam is in it.
  const attendee = attendeeAsked(normalized);
  if (attendee) {
    const who = parseQuestion(`next meeting with ${attendee.person}`, now, zone, options);
    const person = who?.kind === 'next' && who.subject?.people ? who.subject : undefined;
    const meeting = person && parseQuestion(attendee.plural ? `${attendee.asks} with ${attendee.person}` : attendee.asks, now, zone, options);
    // "is sam in any of my meetings tomorrow", "will bob be at any standups next week": those (standups) with them.
    if (attendee.plural) {
      const listed = meeting ?? (person && parseQuestion(`next ${attendee.asks} with ${attendee.person}`, now, zone, options));
      if (listed && (listed.kind === 'agenda' || listed.kind === 'next') && listed.subject?.people) return listed;
    } else if (meeting?.kind === 'next' && meeting.count === 1 && !meeting.last && person) {
      return { ...meeting, attendee: person };
    } else if (meeting?.kind === 'agenda' && meeting.days === 1 && meeting.subject && !meeting.daily && !meeting.only && !meeting.anchor && !meeting.times && person) {
      // "will sam be at the standup tomorrow": that day's first standup ("next standup tomorrow" reads as the day's).
      return { kind: 'next', count: 1, subject: meeting.subject, within: { range: meeting.range, label: meeting.label, phrase: meeting.phrase }, attendee: person };
    }
  }
  // "who organized the design review", "who's in my 3pm": that meeting, and who organized it or is in it.
  const who = whoAsked(normalized);
  // "next design review", then "who's in it?": that meeting again, asked who; with no such last question, none.
  if (who?.ofLast) {
    const again = options.last && lastMeetingAgain(options.last, now, zone, today, options);
    return again && asksWho(again, who.who) !== again ? asksWho(again, who.who) : undefined;
  }
  if (who) {
    const meeting = parseQuestion(who.asks, now, zone, options);
    if (meeting?.kind === 'next' && meeting.count === 1 && !meeting.last && !meeting.attendee) return { ...meeting, who: who.who };
    if (meeting?.kind === 'next' && !meeting.last && who.asks.startsWith('first ')) return { ...meeting, count: 1, who: who.who };
    if (meeting?.kind === 'free-at' && meeting.asks === 'busy' && !meeting.proposedWith) return { ...meeting, who: who.who };
    if (meeting?.kind === 'now') return { kind: 'now', who: who.who };
    // "who am i meeting tomorrow", "who's in my meetings this week": the meetings then, with who is in each.
    if (meeting?.kind === 'agenda' && who.who === 'people' && !meeting.subject && !meeting.anchor && !meeting.status) return { ...meeting, who: 'people' };
    if (meeting?.kind === 'agenda' && meeting.days === 1 && meeting.subject && !meeting.daily && !meeting.only && !meeting.anchor && !meeting.times) {
      // "who is running the standup tomorrow": that day's first one so named.
      return { kind: 'next', count: 1, subject: meeting.subject, within: { range: meeting.range, label: meeting.label, phrase: meeting.phrase }, who: who.who };
    }
  }
  // "is the offsite still on": the next offsite, cancelled ones included; "did it get moved": the next one, as it is now.
  const status = statusAsked(normalized);
  if (status) {
    const named = parseQuestion(status.asks, now, zone, options);
    const kept = named && (named.kind === 'next' || named.kind === 'agenda') && named.subject !== undefined && !('last' in named) && !('only' in named) && !('anchor' in named);
    if (kept) return status.on ? { ...named, status: true } : named;
  }
  // "how long is my next standup": read as "my next standup", which is all it needs (HOW_LONG's words are no lead of "next").
  // "when is my longest meeting this week", "my shortest call tomorrow": that one of the span's meetings (today's, none named).
  const longest = LONGEST_ASKED.exec(normalized);
  if (longest) {
    // The span is what follows: "longest meeting with sam next week" is of "meetings with sam next week".
    const span = parseQuestion(`meetings ${normalized.slice(longest.index + longest[0].length)}`.trim(), now, zone, { ...options, last: undefined });
    if (span?.kind === 'agenda' && !span.anchor && !span.only) {
      return { kind: 'next', count: 1, within: { range: span.range, label: span.label, phrase: span.phrase }, longest: longest[1] as 'longest' | 'shortest', ...(span.subject ? { subject: span.subject } : {}) };
    }
  }
  if (HOW_LONG.test(normalized)) {
    const next = parseQuestion(normalized.replace(HOW_LONG, ''), now, zone, options);
    return next?.kind === 'next' && next.count === 1 && !next.last ? { ...next, length: true } : next;
  }
  // "where is the design review", "when does my standup start": the next one so named.
  const detail = detailAsked(normalized);
  if (detail) {
    const named = parseQuestion(detail, now, zone, options);
    if (named && 'subject' in named && named.subject) return named;
  }
  const { part, rest: t } = splitDayPart(normalized);
  if (t === '' || (COMMAND_START.test(t) && !commandWordNamesMeeting(t)) || WRITE_REQUEST.test(t) || HOW_TO.test(t) || SIGN_OFF.test(t) || OFF_TOPIC.test(t)) return undefined;

  // "next summer", "meetings this year": said to be no span calbot answers for, not read as a name or as today.
  const unsupported = unsupportedSpan(normalized) ?? impossibleDate(normalized, today);
  if (unsupported) return unsupported;

  if (TIME_OFF_ASKED.test(t)) return { kind: 'next', count: 1, subject: TIME_OFF };
  if (FREE_DAY_ASKED.test(t)) {
    const end = today.plus({ days: FREE_DAY_AHEAD_DAYS }).startOf('day');
    return { kind: 'free-slots', range: { start: today.toJSDate(), end: end.toJSDate() }, label: 'Next free day', phrase: `in the next ${FREE_DAY_AHEAD_DAYS} days`, days: FREE_DAY_AHEAD_DAYS, freeDay: true };
  }

  const breakAsked = t.includes('break') && BREAK_ASKED.test(t);
  const reading: NextReading = breakAsked ? {} : readNext(normalized, now, here);
  if (reading.question) return reading.question;
  // "next standup tomorrow" is tomorrow's standups; "next meeting tomorrow", tomorrow's first meeting (below).
  if (NEXT.test(t) && !NEXT_FREE.test(t) && !breakAsked && !reading.besideWhen && !reading.firstWithin) return { kind: 'next', count: 1 };
  if (NOW_WORDS.test(t)) return { kind: 'now' };

  // One chrono-node reading serves the day, a range of dates and the time of day.
  const found = chronoResults(t, now, here.offset, options.dayFirst === true);
  const ofMonth = weekOfMonth(t, found, today);
  // "the fifth monday of february", which it has none of: that month.
  const ofMonthDay = ofMonth ? undefined : weekdayOfMonth(t, found, today);
  const nthWeekday = DateTime.isDateTime(ofMonthDay) ? ofMonthDay : undefined;
  const nthMonth = DateTime.isDateTime(ofMonthDay) ? undefined : ofMonthDay;
  let week = ofMonth || ofMonthDay ? undefined : weekOfDay(t, found, today) ?? weekRange(t, today);
  let day: DateTime | undefined;
  let dates: Span | undefined;
  let ahead: Span | undefined;
  if (week) {
    // "wednesday next week": that day of the week named; "wednesday and thursday next week": those days.
    const start = week.start;
    const weekdays = /\bweekend\b/.test(t) ? [] : [...t.matchAll(WEEKDAYS)].map((match) => start.plus({ days: WEEKDAY_NUMBER[match[1]!.slice(0, 3)]! - 1 }));
    if (weekdays.length > 0) {
      day = weekdays[0];
      dates = spanOfDays(weekdays, today);
      week = undefined;
    }
  } else {
    const past = PAST_TENSE.test(t);
    day = nthWeekday ?? weekdayWithDate(t, found, today) ?? dayFromResults(found, today, past) ?? dayOfMonth(t, today, past);
    const later = DAYS_LATER.exec(t);
    if (day && later) day = day.plus({ days: (/^\d/.test(later[1]!) ? Number(later[1]) : COUNTS[later[1]!] ?? 1) * (later[2]!.startsWith('week') ? 7 : 1) });
    ahead = nextDays(t, here, today);
    dates = ofMonth ?? nthMonth ?? (nthWeekday ? undefined : ahead ?? monthRange(t, found, today) ?? spanOfDays(namedDays(t, found, today), today));
    if (!dates && day) dates = untilDay(t, found, day, here, today);
  }
  // "after 4pm", "until 5", "in the next 2 hours": a stretch of the day, not the half hour at a time named.
  const during = week || dates ? undefined : duringSpan(t, here, today, day, part);
  // "tomorrow morning at 7": in the morning a bare hour is not read as afternoon; "tonight at 8" is 20:00.
  const time = week || dates || during ? undefined : timeOfDay(t, found, part);

  // "when do I start" with no day named (normalized to "first meeting"; typed so, it stays today's agenda), "when is
  // my first meeting", "what's my first call": today's first meeting from now, and once today's are over the next
  // working day's (the answer looks on).
  if ((normalized === 'first meeting' && !/\bfirst\b/i.test(text)) || FIRST_ASKED.test(normalized)) {
    const rest = restOf(dayRange(today, today), here, today);
    return { kind: 'next', count: 1, within: { range: { start: here.toJSDate(), end: rest.end.toJSDate() }, label: rest.label, phrase: rest.phrase }, onward: true };
  }

  if (reading.firstWithin) {
    const within = nextWithin(t, { week, dates, day, during, time, part }, here, today);
    if (within) return { kind: 'next', ...reading.firstWithin, ...within };
    // A time alone ("next meeting at 3") or a span that is over: the plain next meeting, as before.
    if (NEXT.test(t) && !NEXT_FREE.test(t)) return { kind: 'next', count: 1 };
  }

  // "when's my last meeting", "what time do I finish": the last meeting of the day named (of today), not the next.
  if (LAST_ASKED.test(t) && !time && !during) {
    const whole = week ?? dates ?? (part ? partOfDay(day ?? today, part, today) : dayRange(day ?? today, today));
    const whenNamed = week || dates || day || part;
    const named = namedMeetings(normalized) ?? (whenNamed ? undefined : roleAfterWith(normalized));
    // "when is my last meeting with sam", "when was my last meeting", no day named: the most recent one (with them)
    // that has ended, in the synced days gone by ("last meeting today with sam", "what was my last meeting yesterday":
    // that day's last).
    if ((named?.subject.people || PAST_ASKED.test(t)) && !whenNamed) {
      const since = today.minus({ days: PAST_DAYS_LOOKED });
      return { kind: 'next', count: 1, last: true, ended: true, ...(named ? { subject: named.subject } : {}), within: { range: { start: since.toJSDate(), end: now }, label: `Last ${PAST_DAYS_LOOKED} days`, phrase: `in the last ${PAST_DAYS_LOOKED} days` } };
    }
    const last: Question = { kind: 'next', count: 1, last: true, within: { range: { start: whole.start.toJSDate(), end: whole.end.toJSDate() }, label: whole.label, phrase: whole.phrase } };
    if (named) last.subject = named.subject;
    return last;
  }

  // "am I in a meeting", "what's happening": now, unless the question names when.
  if (!week && !day && !dates && !time && !during && NOW.test(t)) return { kind: 'now' };

  // "this afternoon": that part of the day named (or of today); a week, dates, or a time of day, say more. A stretch
  // of the day is answered as a part of it is.
  const partSpan = during ?? (part && !week && !dates && !time ? partOfDay(day ?? today, part, today) : undefined);
  // The meetings the question names ("next standup tomorrow", "meetings with sam this week"): the answer is about those.
  const named = reading.besideWhen ? { subject: reading.besideWhen, asked: false } : namedMeetings(normalized);
  const anchorSide = named && !reading.besideWhen && !time && !during ? anchorSideOf(t, named.subject) : undefined;

  // A time named with meetings named ("anything about the project at 2", "standup at 9", "call with bob at 3") asks
  // whether they are then, as "do I have a call with bob at 3" does: not for the whole day's. So does what is on at a
  // time ("anything at 2", "what do I have at 3"), unless it proposes a meeting ("can I meet with sam at 3").
  const whatAt = time !== undefined && (WHAT_AT.test(t) || (time.endHour === undefined && (WHAT_LIST_AT.test(t) || MEETING_AT_TIME.test(t) || onlyWhenAt(t)))) && !PROPOSES.test(t);
  const howBusy = !time && HOW_BUSY.test(t);
  // "can I meet with sam at 3": whether the user is free then; calbot sees no one else's calendar (the answer says so).
  const proposedWith = time ? proposedName(t) : undefined;
  if ((FREE.test(t) && !howBusy) || breakAsked || (time && (IN_MEETING.test(t) || HAVE_MEETING.test(t) || named || whatAt || TIME_SUITS.test(t) || proposedWith))) {
    const asks = proposedWith ? 'free' : NOT_FREE.test(t) ? 'busy' : NOT_BUSY.test(t) ? 'free' : (ASKS_BUSY.test(t) && !ASKS_FREE.test(t)) || ((named || whatAt) && !FREE.test(t)) ? 'busy' : 'free';
    // Free time that has begun counts from now (rounded up to 5 minutes): past gaps are no use.
    const earliest = DateTime.fromJSDate(roundUpToFiveMinutes(now), { zone: luxonZone(zone) });
    const fromNow = (span: Span) => (span.start < earliest && earliest < span.end ? earliest : span.start);
    const minutes = breakAsked ? undefined : slotLengthAsked(t);
    if (partSpan && !FREE_SLOTS.test(t) && !breakAsked && minutes === undefined) {
      // "am I free tonight": yes or no for that part of the day; "am I free for an hour this afternoon" is its slots.
      return { kind: 'free-at', range: { start: fromNow(partSpan).toJSDate(), end: partSpan.end.toJSDate() }, label: dayLabel(partSpan.start, today), asks };
    }
    if (time && !FREE_SLOTS.test(t) && !breakAsked) {
      const length = lengthAsked(t) ?? FREE_AT_DEFAULT_MINUTES;
      const at = (base: DateTime) => {
        const start = base.set({ hour: time.startHour, minute: time.startMinute });
        const end = time.endHour === undefined ? start.plus({ minutes: length }) : start.set({ hour: time.endHour, minute: time.endMinute ?? 0 });
        return { start, end: end <= start ? start.plus({ minutes: FREE_AT_DEFAULT_MINUTES }) : end };
      };
      let range = at(day ?? today);
      // "am I free at 3" asked at 16:05, no day named: the next 3 o'clock, tomorrow's (the label says so).
      if (!day && range.end <= here) range = at(today.plus({ days: 1 }));
      const question: Question = { kind: 'free-at', range: { start: range.start.toJSDate(), end: range.end.toJSDate() }, label: dayLabel(range.start, today), asks };
      // "do I have a call with bob at 3", "is my standup at 9": whether that meeting is then. Not "am I free to meet
      // with bob at 3" or "am I busy with work at 3", which ask about any meeting.
      if (proposedWith) return { ...question, proposedWith };
      return named && asks === 'busy' && !FREE.test(t) ? { ...question, subject: named.subject } : question;
    }
    // "when am I free between 10 and 12 tomorrow", "any gaps between 2 and 4": the free time in that stretch of the day.
    const hours = week || dates || partSpan || time?.endHour === undefined ? undefined : hourRangeSpan(time, day, here, today);
    const span = week ?? dates ?? partSpan ?? hours ?? dayRange(day ?? today, today);
    const slots: Question = {
      kind: 'free-slots',
      range: { start: fromNow(span).toJSDate(), end: span.end.toJSDate() },
      label: span.label,
      phrase: span.phrase,
      days: span.days,
    };
    if (minutes !== undefined) slots.minutes = minutes;
    if (span.times) slots.times = true;
    if (span.hours) slots.hours = span.hours;
    // "find a time with bob tomorrow", "when are sam and I both free": the user's free time, said to be only theirs.
    const slotsWith = breakAsked ? undefined : slotsProposedWith(t);
    if (slotsWith) slots.proposedWith = slotsWith;
    // "when's my next break" with no day named: after work, the next working day's (the answer looks on).
    return breakAsked ? { ...slots, named: BREAK_NAMED, ...(week || dates || partSpan || day ? {} : { onward: true as const }) } : slots;
  }

  if (UPCOMING.test(t) && !week && !day && !dates) {
    const counted = MEETINGS_COUNTED.exec(t);
    // "upcoming standups", "upcoming meetings with sam": the next of those, not of every meeting.
    return { kind: 'next', ...meetingCount(counted?.[1], counted?.[2] === 's' || namesKindsPlural(t.split(' '))), ...(named ? { subject: named.subject } : {}) };
  }
  const only: AgendaOnly | undefined = UNANSWERED.test(t) ? 'unanswered' : CONFLICTS.test(t) ? 'conflicts' : ORGANIZED_ASKED.test(t) ? 'organized' : undefined;
  const busiest = BUSIEST_ASKED.test(t);
  if (!week && !day && !dates && !time && !during && !AGENDA_WORDS.test(t) && !MY_DAY_PART.test(normalized) && !howBusy && !only && !anchorSide && !busiest) return undefined;
  // "what's on between 2 and 4": that stretch of the day, listed.
  const hours = week || dates || during || time?.endHour === undefined ? undefined : hourRangeSpan(time, day, here, today);
  // "any invitations I haven't answered": the next two weeks', not only today's.
  const onlyAhead = only && !week && !dates && !partSpan && !hours && !day && !time ? nextDays(ONLY_DAYS_AHEAD, here, today) : undefined;
  // "what's my busiest day", no span named: this week's.
  const busiestWeek = busiest && !week && !dates && !partSpan && !hours && !day && !time ? weekRange('this week', today) : undefined;
  const whole = week ?? dates ?? partSpan ?? hours ?? onlyAhead ?? busiestWeek ?? dayRange(day ?? today, today);
  // "anything left after 4": from now, once 16:00 has passed.
  // "next standup today": the ones still to come, as "the rest of today" is.
  // Invitations and conflicts already gone by are no use: from now, as "the rest of the week" is.
  // Not the meetings the user organized: "meetings I organized this week" are this week's, those gone by too.
  const rest = REST.test(t) || reading.besideWhen !== undefined || (only !== undefined && only !== 'organized');
  const stretch = whole === during || whole === hours ? whole : undefined;
  const span = stretch ? (rest && stretch.start < here && here < stretch.end ? { ...stretch, start: here } : stretch) : rest && whole !== ahead && whole !== onlyAhead ? restOf(whole, here, today) : whole;
  const question: Question = { kind: 'agenda', range: { start: span.start.toJSDate(), end: span.end.toJSDate() }, label: span.label, phrase: span.phrase, days: span.days };
  if (span.times) question.times = true;
  if (span.hours) question.hours = span.hours;
  if (named && anchorSide) question.anchor = { side: anchorSide, subject: named.subject, ...(week || dates || day || partSpan ? {} : { onward: true as const }) };
  else if (named) {
    question.subject = named.subject;
    // "meetings with sam", no day named: today's, and none today, the next one so named.
    if (!week && !dates && !day && !partSpan && !hours && !time && !during && !only) question.onward = true;
  }
  if (only) question.only = only;
  if (busiest && span.days > 1) question.busiest = true;
  // "meetings before 9 this week", "early meetings tomorrow": only those at that time of day, each day.
  const daily = week || dates ? dailyWindow(t, part) : EARLY_ASKED.test(t) || LATE_ASKED.test(t) ? dailyWindow(t, undefined) : undefined;
  if (daily && !anchorSide) question.daily = daily;
  return question;
}

/**
 * An hour range listed ("what's on between 2 and 4", "what do I have 1-3pm tomorrow"): of the day named, or today's;
 * no day named and it is over, tomorrow's, as "am I free at 9" once 9:00 has passed.
 */
function hourRangeSpan(time: TimeOfDay, day: DateTime | undefined, here: DateTime, today: DateTime): Span | undefined {
  const on = (base: DateTime): Span | undefined => {
    const start = base.set({ hour: time.startHour, minute: time.startMinute });
    const end = base.set({ hour: time.endHour!, minute: time.endMinute ?? 0 });
    return end > start ? { start, end, label: dayLabel(start, today), phrase: 'then', days: 1, times: true, hours: clockStretch(start, end) } : undefined;
  };
  const span = on(day ?? today);
  return !day && span && span.end <= here ? on(today.plus({ days: 1 })) : span;
}

/**
 * "in the next 2 hours" (from now, for that long); "after 4pm", "from 2 onwards" (to the end of the day); "before noon"
 * (from its start) and "until 5" (from now, when the day has begun): of the day named, or of its part named ("this
 * evening after 6"), or today's. No day named and it is over, tomorrow's, as "am I free at 9" once 9:00 has passed.
 * Undefined when the question names no such stretch, or names an hour range ("2-4pm" is a time asked about).
 */
function duringSpan(t: string, here: DateTime, today: DateTime, day: DateTime | undefined, part: DayPart | undefined): Span | undefined {
  if (HOUR_RANGE.test(t)) return undefined;
  const next = NEXT_HOURS.exec(t);
  if (next) {
    const [, countWord, half, unit] = next;
    const count = countWord === undefined ? 1 : Math.max(1, /^\d/.test(countWord) ? Number(countWord) : COUNTS[countWord.replace(/^a |(?: of)$/g, '')]!);
    const hours = unit!.startsWith('h');
    const minutes = Math.min(half ? 30 : count * (hours ? 60 : 1), MAX_RANGE_DAYS * 24 * 60);
    const what = half ? 'half hour' : count === 1 ? (hours ? 'hour' : 'minute') : `${count} ${hours ? 'hours' : 'minutes'}`;
    const end = here.plus({ minutes });
    const days = daysBetween(today, end.minus({ milliseconds: 1 })) + 1;
    return { start: here, end, label: dayLabel(today, today), phrase: `in the next ${what}`, days, times: true };
  }
  const after = AFTER_TIME.exec(t) ?? ONWARDS_TIME.exec(t);
  const before = after ? undefined : BEFORE_TIME.exec(t);
  const until = after || before ? undefined : UNTIL_TIME.exec(t);
  const match = after ?? before ?? until;
  const time = match && clockOf(match, part, after ? 'start' : 'end');
  if (!time) return undefined;
  const stretch = (on: DateTime, within: DayPart | undefined): Span | undefined => {
    const whole = within ? partOfDay(on, within, today) : dayRange(on, today);
    const at = time.hour === 24 ? dayRange(on, today).end : whole.start.set({ hour: time.hour, minute: time.minute });
    const start = after ? at : until && whole.start <= here && here < at ? here : whole.start;
    const end = after ? whole.end : at;
    if (start >= end) return within ? stretch(on, undefined) : undefined; // "this morning after 2pm": the day's
    // "until 5" from now: no hours of another day to keep.
    const named = start === here ? {} : { hours: clockStretch(start, end) };
    return { start, end, label: dayLabel(start, today), phrase: 'then', days: 1, times: true, ...named };
  };
  const span = stretch(day ?? today, part);
  return !day && span && span.end <= here ? stretch(today.plus({ days: 1 }), part) : span;
}

/** The hours from `start` to `end` (at most the next midnight) on `start`'s clock. */
function clockStretch(start: DateTime, end: DateTime): ClockStretch {
  const from = start.hour * 60 + start.minute;
  return { from, to: end.hasSame(start, 'day') ? end.hour * 60 + end.minute : 24 * 60 };
}

/** "early meetings", "early starts", "anything before work": before the user's working hours. */
const EARLY_ASKED = /\b(?:early (?:meetings?|starts?|calls?|ones?|mornings?)|before (?:work|working hours|my working hours))\b/;
/** "late meetings", "late calls", "anything after hours", "out of hours": after the user's working hours. */
const LATE_ASKED = /\b(?:late (?:meetings?|calls?|finish(?:es)?|ones?|nights?)|after (?:work|hours|working hours|my working hours)|out of hours|outside (?:of )?(?:my )?(?:working hours|work hours|hours))\b/;

/**
 * The time of day a span's question asks about on each of its days (DailyWindow): "before 9", "after 6pm", "from 2",
 * a part of the day ("mornings": `part`), both ("afternoons after 3"), or early or late against working hours.
 */
function dailyWindow(t: string, part: DayPart | undefined): DailyWindow | undefined {
  if (EARLY_ASKED.test(t)) return { working: 'before' };
  if (LATE_ASKED.test(t)) return { working: 'after' };
  // "between 12 and 2" ("at lunch" reads so), "from 9 to 11am", "2-4pm": an hour range, said as one (not "2-3 weeks").
  const range = HOUR_RANGE.exec(t);
  if (range && (/^(?:between|from) /.test(range[0]) || range[3] || range[6] || range[2] || range[5])) {
    const hours = timeOfDay(t, [], part);
    if (hours?.endHour !== undefined) {
      const from = hours.startHour * 60 + hours.startMinute;
      const to = hours.endHour * 60 + (hours.endMinute ?? 0);
      return from < to ? { from, to } : undefined;
    }
  }
  const after = AFTER_TIME.exec(t) ?? ONWARDS_TIME.exec(t);
  const before = after ? undefined : (BEFORE_TIME.exec(t) ?? UNTIL_TIME.exec(t));
  const match = after ?? before;
  const time = match && clockOf(match, part, after ? 'start' : 'end');
  const bounds = { from: (part ? DAY_PARTS[part].from : 0) * 60, to: (part ? DAY_PARTS[part].to : 24) * 60 };
  if (!time) return part ? { ...bounds, part } : undefined;
  const at = time.hour * 60 + time.minute;
  const window = after ? { from: Math.max(at, bounds.from), to: bounds.to } : { from: bounds.from, to: Math.min(at, bounds.to) };
  return window.from < window.to ? window : undefined;
}

/**
 * Where "next meeting tomorrow" (readNext's `firstWithin`) looks: the day named (or its part, "tomorrow morning"), or
 * the week, dates or month, from now once it has begun. Beside a day, a time named is where its meetings start from
 * ("next meeting tomorrow at 3", "after 3": `after`, which the answer says), and a stretch bounds them ("tomorrow before
 * noon"). Undefined for a time alone ("next meeting at 3": the plain next meeting) and for a span that is over.
 */
function nextWithin(
  t: string,
  named: { week: Span | undefined; dates: Span | undefined; day: DateTime | undefined; during: Span | undefined; time: TimeOfDay | undefined; part: DayPart | undefined },
  here: DateTime,
  today: DateTime,
): Pick<NextQuestion, 'within' | 'after'> | undefined {
  const { week, dates, day, during, time, part } = named;
  const whole = week ?? dates ?? (day && (part ? partOfDay(day, part, today) : dayRange(day, today)));
  if (!whole) return undefined;
  const from = time && !week && !dates ? whole.start.set({ hour: time.startHour, minute: time.startMinute }) : during && (AFTER_TIME.test(t) || ONWARDS_TIME.test(t)) ? during.start : undefined;
  const span = during ?? (from ? { ...whole, start: from } : whole);
  if (span.end <= here) return undefined;
  const begun = span.start < here;
  const phrase = from && !begun ? whole.phrase : during ? during.phrase : begun ? restOf(whole, here, today).phrase : whole.phrase;
  const within = { range: { start: (begun ? here : span.start).toJSDate(), end: span.end.toJSDate() }, label: whole.label, phrase };
  return from && !begun ? { within, after: from.toJSDate() } : { within };
}

/**
 * Someone else's calendar asked about: "is sam free at 3", "when is bob free tomorrow", "is priya busy today",
 * "what's sam's schedule tomorrow", "show me bob's calendar". calbot sees only the user's: an answer about the user's
 * own time would read as Sam's.
 */
const OTHER_FREE = /^(?:when )?(?:is|are|will|would|was) (?<name>[\p{L}][\p{L}\p{N}.-]*(?: [\p{L}][\p{L}\p{N}.-]*)?(?: (?:and|or|&) [\p{L}][\p{L}\p{N}.-]*(?: [\p{L}][\p{L}\p{N}.-]*)?)?) (?:both |all |each )?(?:be )?(?:free|busy|available|around|booked|in (?:a )?meetings?)\b/u;
const OTHER_POSSESSIVE = /(?:^|\s)(?<name>[\p{L}][\p{L}\p{N}.-]*(?: [\p{L}][\p{L}\p{N}.-]*)?)['\u2019]s (?:schedule|calendar|calender|agenda|availability|diary|free time|meetings|day|week)\b/u;

/** Who else's calendar `text` asks about (as typed, lower case), if anyone's. */
function otherCalendar(text: string, normalized: string): string | undefined {
  const name = (OTHER_FREE.exec(normalized)?.groups?.name ?? OTHER_POSSESSIVE.exec(text.toLowerCase())?.groups?.name)?.replace(/ (?:both|all|each)$/, '');
  if (!name) return undefined;
  // "show me bob's calendar", "check sam's schedule": the name is the word before "'s".
  const words = /^(?:me|show|see|check|view|open|get|whats|what|is|on|in|at|for|of|about|and|or|with)$/.test(name.split(' ')[0]!) ? name.split(' ').slice(1) : name.split(' ');
  // "is it free", "is tomorrow free", "the team's calendar", "this week's schedule", "my 3pm": no one else.
  // Read as a question's words are ("tmrw's meetings" is tomorrow's).
  const read = normalizeQuestionText(words.join(' ')).split(' ');
  // "my manager's calendar": someone by role, whose name calbot does not know.
  if (read.length === 2 && read[0] === 'my' && PEOPLE_BY_ROLE.has(read[1]!)) return read.join(' ');
  return words.length === 0 || read.some((word) => NOT_ATTENDEES.test(word) || WHEN_WORD.test(word) || PEOPLE_BY_ROLE.has(word) || word === 'team') ? undefined : words.join(' ');
}

/** A time as a question's word: "3pm", "15:00", "9.30", "3", "noon" ("3 pm": the number, its am or pm next). */
const TIME_WORD = /^(?:\d{1,2}(?:[:.]\d\d)?(?:am|pm)?|noon|midday|midnight)$/;

/** The first time in `t` said in a zone ("3pm est", "10am new york time"), the zone, and `t` without its name. */
function timeInZone(t: string): (ZoneSaid & { text: string }) | undefined {
  const words = t.split(' ');
  for (let at = 0; at < words.length; at++) {
    if (!TIME_WORD.test(words[at]!)) continue;
    const after = words[at + 1] === 'am' || words[at + 1] === 'pm' ? at + 2 : at + 1;
    const found = zoneOfTimeWords(words.slice(after, after + 5));
    if (found) return { zone: found.zone, name: found.name, text: [...words.slice(0, after), ...words.slice(after + found.used)].join(' ') };
  }
  return undefined;
}

/**
 * A question read in another zone (timeInZone), labelled by the user's days: its instants are right as they are. A
 * yes/no keeps the zone it was said in, for the answer to give both clocks.
 */
function inUserZone(asked: Question | UnsupportedSpan, said: ZoneSaid, zone: string, today: DateTime): Question | UnsupportedSpan {
  const labelOf = (range: TimeRange) => dayLabel(DateTime.fromJSDate(range.start, { zone: luxonZone(zone) }), today);
  if (asked.kind === 'free-at') {
    // "4pm CET" asked in Berlin: the same clock, nothing to add.
    const offset = (where: string) => DateTime.fromJSDate(asked.range.start, { zone: luxonZone(where) }).offset;
    return { ...asked, label: labelOf(asked.range), ...(offset(said.zone) === offset(zone) ? {} : { saidIn: { zone: said.zone, name: said.name } }) };
  }
  if ((asked.kind === 'agenda' || asked.kind === 'free-slots') && asked.times) {
    // Its hours are the other zone's: a follow-up ("and friday?") would read them on the user's clock.
    const { hours: _hours, ...rest } = asked;
    return { ...rest, label: labelOf(asked.range) };
  }
  return asked;
}

/** "feb 30", "30th of february", "april 31 2027": a month's name and a day of it, and perhaps its year. */
const MONTH_DAY_NAMED = new RegExp(`\\b(?:(\\d{1,2})(?:st|nd|rd|th)? (?:of )?(${MONTH_NAME})|(${MONTH_NAME}) (?:the )?(\\d{1,2})(?:st|nd|rd|th)?)(?: (\\d{4}))?(?![\\d:])`);
/** "31/02", "2/30/2027": a date in figures (a time is written with a colon or a full stop, not a slash). */
const SLASH_DATE = /(?<![\d\/])\b(\d{1,2})\/(\d{1,2})(?:\/(\d{2}|\d{4}))?(?![\d\/])/;

/**
 * A day no calendar has, named as a date: chrono-node reads none in it, and the question was today's agenda ("feb
 * 30") or another day's ("30th february" was 30 Dec). February 29 is one only in a leap year: the year typed, else the
 * coming February's. A date in figures is no day when neither order reads as one ("31/02", "2/30").
 */
function impossibleDate(t: string, today: DateTime): UnsupportedSpan | undefined {
  const named = MONTH_DAY_NAMED.exec(t);
  if (named) {
    const day = Number(named[1] ?? named[4]);
    const month = MONTH_INDEX[(named[2] ?? named[3])!.slice(0, 3)]!;
    const typed = named[5] ? Number(named[5]) : undefined;
    // The year a date without one is in: this year's if it is still to come, else next year's.
    const year = typed ?? (month > today.month || (month === today.month && Math.min(day, 28) >= today.day) ? today.year : today.year + 1);
    const last = DateTime.fromObject({ year, month }).daysInMonth!;
    if (day === 0 || day <= last) return undefined;
    const said = `${day} ${MONTHS[month - 1]}`;
    return { kind: 'unsupported', what: 'date', span: month === 2 && day === 29 ? `${said} ${year}` : said };
  }
  const figures = SLASH_DATE.exec(t);
  if (!figures) return undefined;
  const [a, b] = [Number(figures[1]), Number(figures[2])];
  const isDay = (day: number, month: number) => month >= 1 && month <= 12 && day >= 1 && day <= DateTime.fromObject({ year: 2028, month }).daysInMonth!;
  return isDay(a, b) || isDay(b, a) ? undefined : { kind: 'unsupported', what: 'date', span: figures[0] };
}
const MONTH_INDEX: Readonly<Record<string, number>> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };

/** "next summer", "meetings this year", "in the fall": the span, when one is named as one and not as a meeting's name. */
function unsupportedSpan(t: string): UnsupportedSpan | undefined {
  const match = UNSUPPORTED_SPAN.exec(t);
  if (!match || (match[3] !== undefined && namesAMeeting(match[3]))) return undefined; // "next summer party"
  const word = match[2]!;
  return { kind: 'unsupported', what: word === 'year' || word === 'quarter' || word === 'holidays' ? word : 'season', span: `${match[1]}${word}` };
}

/** "what's after my standup", "anything before the design review": perhaps a MeetingAnchor, which parseQuestion reads. */
const AROUND_ASKED = /^(?:whats|what is|anything|what do i have|what have i got|what else is)(?: on| there)? (?:after|before|following) (?:my|the|our) \S/;

const MAX_ANCHOR_CHARS = 200;
/** "after the design review", "before my 1:1": the meetings named are where the agenda starts or ends (MeetingAnchor). */
function anchorSideOf(t: string, subject: SubjectFilter): 'after' | 'before' | undefined {
  // A name that long is no meeting's (and would make too large a pattern): no anchor.
  if (subject.text.length > MAX_ANCHOR_CHARS) return undefined;
  const words = subject.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`\\b(after|before|following|ahead of) (?:my |the |our |this |that )?${words}\\b`).exec(t);
  return match ? (match[1] === 'before' || match[1] === 'ahead of' ? 'before' : 'after') : undefined;
}

/** How long free time asked for has to be, in minutes ("when am I free for an hour", "find 30 minutes on friday"). */
function slotLengthAsked(t: string): number | undefined {
  const asked = lengthAsked(t);
  if (asked !== undefined) return asked;
  const match = SLOT_LENGTH.exec(t);
  const words = match?.[1] ?? match?.[2];
  if (!words) return undefined;
  if (words.includes('and a half')) return 90;
  if (words.includes('half')) return 30;
  const [, count, unit] = /^(?:(an?|one|two|three|four|five|six|seven|eight|\d{1,3}) ?-?)(h|m)/.exec(words.replace(/^(?:a|an) (?=\d)/, '')) ?? [];
  const n = count === undefined ? NaN : /^\d/.test(count) ? Number(count) : count.startsWith('a') ? 1 : COUNTS[count]!;
  return n > 0 ? Math.min(n * (unit === 'h' ? 60 : 1), 24 * 60) : undefined;
}

/** How long a time asked about is, in minutes, when the question says ("for half an hour at 3"). */
function lengthAsked(t: string): number | undefined {
  const match = LENGTH.exec(t);
  if (!match) return undefined;
  const unit = match[2] ?? match[4];
  if (!unit) return match[0].includes('and a half') ? 90 : 30;
  const count = match[3] ? Number(match[3]) : 1;
  return count > 0 ? Math.min(count * (unit.startsWith('h') ? 60 : 1), 24 * 60) : undefined;
}

type NextQuestion = Extract<Question, { kind: 'next' }>;

/** A status question (STATUS_ASKED) as the question it asks (of the next one, or of the day named), and whether it asks if the meeting is still on. */
function statusAsked(normalized: string): { asks: string; on: boolean } | undefined {
  const match = STATUS_ASKED.exec(normalized);
  const name = match?.groups?.name;
  // A meeting named by its time ("is my 3pm still on") is what is on then (MEETING_AT_TIME).
  if (!match || !name || STATUS_NOT_NAMES.test(name) || MEETING_AT_TIME.test(`my ${name}`)) return undefined;
  // With a day named, that day's, the whole of it ("was today's standup cancelled" at noon is about the 9:30 one).
  const when = match.groups!.when;
  return { asks: when || /^(?:next|first|last) /.test(name) ? `${name}${when ?? ''}` : `next ${name}`, on: match.groups!.on !== undefined };
}

/** What readNext makes of a question that starts with "next" (or "when is my next", "what are my next 3"...). */
interface NextReading {
  question?: NextQuestion;
  /**
   * The meetings named beside a day or a time ("next standup tomorrow", "when is my next 1:1 with sam on friday"): not
   * a "next" question but an answer about that day, with all the meetings so named on it (parseQuestion), from now on
   * when it is today. All, not the first alone: a day holds one or two so named, and which of them is "next" is plain
   * from the list, while the first alone would hide a second standup that day that the user may be looking for.
   */
  besideWhen?: SubjectFilter | undefined;
  /**
   * No meeting named beside a day or a range ("next meeting tomorrow", "first 2 meetings on friday", "next call this
   * week"): how many of the first meetings there (parseQuestion makes it a `next` question `within` that span). A user
   * asking it means that day's first, not the next from now, which may be today's.
   */
  firstWithin?: { count: number; asked?: number };
}

/**
 * "next 3 meetings", "when is my next standup", "my next two 1:1s with sam": how many, and the words the meetings are
 * named by, and "after 3" the time they start from (`here` is now in the user's zone). Read from the whole question (the
 * part of the day in it too: "next morning standup"). No question when it is not such a question, asks for free time
 * ("next free slot"), or names a day or a time as well ("next standup tomorrow", "next meeting at 3"): those are
 * answers about that day (with the meetings named, `besideWhen`), free time or the plain next meeting.
 */
function readNext(t: string, now: Date, here: DateTime): NextReading {
  const lead = NEXT_LEAD.exec(t);
  if (!lead) {
    // "first meeting tomorrow" is "next meeting tomorrow"; "first meeting" alone, as before, is not a "next" question.
    const first = FIRST_LEAD.exec(t);
    if (first && namesWhen(first[2]!, now)) {
      const beside = readNameBesideWhen(first[2]!.split(' ').filter(Boolean));
      if (beside.named.length === 0) return { firstWithin: meetingCount(first[1], beside.noun?.[1] === 's') };
    }
    // Mid-sentence, only a count of meetings is read: "agenda for the next 3 meetings".
    const counted = NEXT_COUNTED.exec(t);
    return counted ? { question: { kind: 'next', ...meetingCount(counted[1], counted[2] === 's') } } : {};
  }
  let rest = lead[1]!;
  if (NEXT_SPAN.test(rest)) return {};
  const countWord = NEXT_COUNT_WORD.exec(rest);
  if (countWord) rest = rest.slice(countWord[0].length);
  // Free time has an answer of its own (free-slots), which "next free slot" had before "next" read names.
  if (NEXT_FREE.test(t)) return {};
  const from = AFTER_TIME.exec(rest);
  if (from) rest = `${rest.slice(0, from.index)}${rest.slice(from.index + from[0].length)}`.replace(/\s+/g, ' ').trim();
  const words = rest.split(' ').filter(Boolean);
  if (namesWhen(rest, now)) {
    const beside = readNameBesideWhen(words);
    const besideWhen = withPeople(listedName(beside.named), beside.after.length > 0 ? beside.preposition : undefined);
    return besideWhen ? { besideWhen } : { firstWithin: meetingCount(countWord?.[1], beside.noun?.[1] === 's') };
  }
  const { named, noun, preposition, after: withWords, before } = readName(words);
  const question: NextQuestion = { kind: 'next', ...meetingCount(countWord?.[1], noun?.[1] === 's' || namesKindsPlural(named)) };
  // People by role: "next 1:1 with my manager" is the next 1:1; "next meeting with my manager", one named so.
  const roles = preposition !== undefined && WITH_WORDS.has(preposition) && rolesOnly(withWords);
  const subject = roles && before > 0 ? listedName(named.slice(0, before)) : roles ? roleNamed(withWords) : withPeople(listedName(named), preposition);
  if (subject) question.subject = subject;
  // "next meeting after 3": from 15:00 today; once that is past, every meeting to come is after it.
  const time = from && clockOf(from, undefined, 'start');
  const after = time && here.startOf('day').set({ hour: time.hour, minute: time.minute });
  if (after && after > here) question.after = after.toJSDate();
  return { question };
}

function nextQuestion(t: string, now: Date, here: DateTime): NextQuestion | undefined {
  return readNext(t, now, here).question;
}

/**
 * The name "next" reads in `words` (what follows "next"): the words before the kind of meeting ("design review", "team
 * meeting"), and those after "with", "about", "in" ("meeting with sam", "1:1 with sam"), not what is asked of it
 * ("meeting details"). `ends` ends it too: beside a day or a time, "standup tomorrow", "1:1 with sam on friday".
 * `end` is where the name and its noun end ("standup" in "standup at 9", "meeting with sam" in "meeting with sam at 3");
 * `after`, the words read after the `preposition` ("sam"), and `before`, how many of `named` came before them.
 */
function readName(
  words: readonly string[],
  ends: (word: string, at: number) => boolean = () => false,
): { named: string[]; noun: RegExpExecArray | null; end: number; preposition?: string; after: string[]; before: number } {
  const named: string[] = [];
  let at = 0;
  while (at < words.length && !MEETING_NOUN.test(words[at]!) && !SUBJECT_PREPOSITIONS.has(words[at]!) && !NOT_SUBJECT.has(words[at]!) && !ends(words[at]!, at)) named.push(words[at++]!);
  // "next morning meeting", "next afternoon": when, not a name ("next morning standup" is one).
  if (named.every((word) => DAY_PART_WORDS.test(word))) named.length = 0;
  const noun = at < words.length ? MEETING_NOUN.exec(words[at]!) : null;
  if (noun) at++;
  let end = at;
  const before = named.length;
  if (at < words.length && SUBJECT_PREPOSITIONS.has(words[at]!)) {
    const preposition = words[at++]!;
    const after: string[] = [];
    while (at < words.length && !NOT_SUBJECT.has(words[at]!) && !DAY_PART_WORDS.test(words[at]!) && !ends(words[at]!, at)) after.push(words[at++]!);
    if (after.some((word) => !SUBJECT_FILLER.has(word))) {
      named.push(...(named.length > 0 ? [preposition] : []), ...after);
      end = at;
      return { named, noun, end, preposition, after, before };
    }
  }
  return { named, noun, end, after: [], before };
}

/**
 * readName beside a day or a time ("next 1:1 with sam tomorrow", "is my standup at 9"), where a wrong name empties the
 * answer: "with my manager", "with the team" name no one ("next 1:1 with my manager friday" is Friday's 1:1s).
 */
function readNameBesideWhen(words: readonly string[]): ReturnType<typeof readName> {
  // How often a meeting is, before a word of its name, is its name too: "next weekly sync tomorrow" (not "weekly meeting").
  const reading = readName(words, (word, at) => endsNameBesideWhen(word) && !(HOW_OFTEN.test(word) && at + 1 < words.length && namesAMeeting(words[at + 1]!) && !NOT_A_NAME.has(words[at + 1]!)));
  if (!reading.preposition || !namesNoOne(reading.after)) return reading;
  return { ...reading, named: reading.named.slice(0, reading.before), after: [] };
}

/** How often or for whom a meeting is: a word of its name before another ("weekly sync", "internal kickoff"). */
const HOW_OFTEN = /^(?:daily|weekly|biweekly|bi-weekly|fortnightly|monthly|quarterly|annual|yearly|internal|external|regular)$/;

/** Beside a day or a time, a name also ends at a word that says when ("standup friday") or describes ("first meeting"). */
function endsNameBesideWhen(word: string): boolean {
  return WHEN_WORD.test(word) || NOT_A_NAME.has(word);
}

/** The words a name was read from, as a filter: without filler at either end (text) or inside it (terms). */
function subjectOf(words: readonly string[]): SubjectFilter | undefined {
  const named = [...words];
  while (named.length > 0 && SUBJECT_FILLER.has(named[0]!)) named.shift();
  while (named.length > 0 && SUBJECT_FILLER.has(named.at(-1)!)) named.pop();
  const terms = foldForMatch(named.join(' '))
    .split(' ')
    .filter((word) => word !== '' && !SUBJECT_FILLER.has(word) && /[^\p{P}]/u.test(word))
    // "standups", "1:1s", "sams": a plural or a possessive is its word, which also starts the longer one.
    .map((word) => (word.length > 3 && word.endsWith('s') ? word.slice(0, -1) : word))
    .slice(0, MAX_SUBJECT_TERMS);
  return terms.length > 0 ? { text: named.join(' '), terms } : undefined;
}

/**
 * subjectOf, for names that may be a list: "with sam or bob", "sam, bob" (by now "sam or bob": listComma), "sam and
 * bob", "standup or retro", "priya/raj". A list names the meetings that match any one of its names. A subject seldom
 * names everyone in a meeting ("Sam / Ada 1:1"), so meetings that had to match every name would be the few, if any,
 * with both in their subject, and hide the ones asked about; and whatever "sam and bob" means (meetings with both, or
 * with each), the meetings with either hold all it can mean: the card shows which is which. Words before the names
 * go with each ("1:1s with sam or bob": the 1:1s with either). "Sam vs bob", "neither ... nor" name none.
 */
function listedName(words: readonly string[]): SubjectFilter | undefined {
  if (words.some((word) => NOT_A_LIST.has(word))) return undefined;
  if (!words.some((word) => EITHER_WORDS.has(word) || /\p{L}\/\p{L}/u.test(word))) return subjectOf(words);
  // The names follow the last word that brings them in ("with", "about"), before the list's first "or".
  const first = words.findIndex((word) => EITHER_WORDS.has(word) || /\p{L}\/\p{L}/u.test(word));
  const by = words.slice(0, first).findLastIndex((word) => SUBJECT_PREPOSITIONS.has(word));
  const lead = words.slice(0, by + 1);
  const names = listItems(words.slice(by + 1))
    .map((item) => ({ item, subject: subjectOf([...lead, ...item]) }))
    .filter((name) => name.subject && name.item.some((word) => !SUBJECT_FILLER.has(word)))
    .slice(0, MAX_SUBJECT_TERMS);
  if (names.length <= 1) return names[0]?.subject;
  const text = subjectOf([...lead, ...names.flatMap(({ item }, at) => (at > 0 ? ['or', ...item] : item))])!.text;
  return { text, terms: names[0]!.subject!.terms, alternatives: names.slice(1).map(({ subject }) => subject!.terms) };
}

/** People by role after "with" ("my manager", "the team"), as a name to look for in subjects (SubjectFilter.role). */
function roleNamed(after: readonly string[]): SubjectFilter | undefined {
  const subject = listedName(after);
  return subject && { ...subject, people: true, role: true };
}

/** "last meeting with my manager": the roles after "with" (rolesOnly), when nothing else names the meeting. */
function roleAfterWith(t: string): { subject: SubjectFilter; asked: boolean } | undefined {
  const words = t.split(' ');
  const by = words.findIndex((word) => WITH_WORDS.has(word));
  if (by < 0 || OVERLAP_WORDS.test(t) || PROPOSES.test(t)) return undefined;
  const after = nameAfter(words, by);
  const subject = rolesOnly(after) ? roleNamed(after) : undefined;
  return subject && { subject, asked: false };
}

/** The words after `words[by]` ("with", "about") up to what ends a name there: a day or a time, another preposition. */
function nameAfter(words: readonly string[], by: number): string[] {
  const after: string[] = [];
  for (let at = by + 1; at < words.length; at++) {
    const word = words[at]!;
    if (endsNameBesideWhen(word) || NOT_SUBJECT.has(word) || DAY_PART_WORDS.test(word) || SUBJECT_PREPOSITIONS.has(word)) break;
    after.push(word);
  }
  return after;
}

/**
 * A name read after "with" ("meetings with sam", "next 1:1 with priya", "call with bob at 3") is most often someone in
 * the meeting, whom a subject seldom names: such a filter matches the meeting's people too (matchesSubject). Other
 * names ("next standup", "anything about the budget", "design review") are a meeting's subject or location only.
 */
function withPeople(subject: SubjectFilter | undefined, preposition: string | undefined): SubjectFilter | undefined {
  return subject && preposition !== undefined && WITH_WORDS.has(preposition) ? { ...subject, people: true } : subject;
}
const WITH_WORDS = new Set(['with', 'w/', 'w']);

/** What joins the names of a list: "sam or bob", "sam and bob", "sam & bob", "sam + bob" (a comma is "or" by now). */
const EITHER_WORDS = new Set(['and', 'or', '&', '+']);
/** What sets names against each other: no list of meetings to show. */
const NOT_A_LIST = new Set(['nor', 'vs', 'versus']);

/**
 * The meetings an agenda or a yes/no question names, from strong cues only (a name read where there is none empties an
 * ordinary answer, far worse than a name ignored):
 * - "is my standup at 9", "are my 1:1s with sam tomorrow": the name as "next" reads one, followed by when (or nothing);
 * - a kind of meeting ("design review on friday", "any 1:1s"), and the words before a kind or a meeting noun at the
 *   start or after a determiner ("team meeting tomorrow", "do I have a team meeting": not "do i hve meetings");
 * - up to three words after "with" or "about" ("meetings with sam this week", "anything about the budget"), with the
 *   kind before them ("1:1s with sam"): these say who or what, and the words before the noun are then left out.
 * Filler, days, times and words that describe meetings rather than name them ("my meetings", "morning meetings",
 * "cancelled meetings", "weekly meeting", "client meetings", "anything with a join link", "whats on with my day") name
 * nothing; nor do people by role ("with my manager") or what a meeting has ("with a break"), what overlaps a meeting
 * ("clashes with my standup") or a meeting proposed ("can i meet with sam at 3"). A list ("with sam or bob", "standup
 * or retro") names the meetings of either (listedName). `asked` is "is my standup at 9": a yes/no about that meeting.
 */
function namedMeetings(t: string): { subject: SubjectFilter; asked: boolean } | undefined {
  // What overlaps a meeting is asked about around it, not it: "does anything clash with my standup" is the whole day.
  if (OVERLAP_WORDS.test(t)) return undefined;
  const words = t.split(' ');
  if ((words[0] === 'is' || words[0] === 'are') && (words[1] === 'my' || words[1] === 'our')) {
    const { named, end, preposition, after } = readNameBesideWhen(words.slice(2));
    // "is my standup at 9", "is my standup tomorrow"; not "is my boss in today", "is my boss around", "is my boss in
    // the office tomorrow" (with, about: "is my 1:1 with sam at 3").
    const then = words[end + 2];
    const where = preposition !== undefined && !NAMING_PREPOSITIONS.has(preposition);
    const subject = !where && (then === undefined || (WHEN_WORD.test(then) && !LOOSE_PREPOSITIONS.has(then))) ? withPeople(listedName(named), after.length > 0 ? preposition : undefined) : undefined;
    if (subject) return { subject, asked: true };
  }
  const noun = words.findIndex((word, at) => MEETING_NOUN.test(word) || isKindAt(words, at));
  // Not "with" that says what a meeting has ("with a break"), or who a meeting would be with ("can i meet with sam at 3").
  const by = PROPOSES.test(t) ? -1 : words.findIndex((word, at) => NAMING_PREPOSITIONS.has(word) && !(word !== 'about' && (words[at + 1] === 'a' || words[at + 1] === 'an')));
  const named: string[] = [];
  let preposition: string | undefined;
  if (noun >= 0 && (by < 0 || noun < by)) {
    const kind = isKindAt(words, noun);
    if (kind) named.push(words[noun]!);
    // "standup or retro tomorrow", "standups and retros": either kind.
    for (let at = noun + 1; kind && EITHER_WORDS.has(words[at]!) && MEETING_KIND.test(words[at + 1] ?? ''); at += 2) named.push(words[at]!, words[at + 1]!);
    // Before a kind, or one meeting ("team meeting"); before meetings in the plural, a sort of them: "client meetings",
    // "project meetings", "existing meetings".
    // Before a kind with "with" after it too ("design review with sam": a design review Sam is in).
    if ((by < 0 && (kind || MEETING_NOUN.exec(words[noun]!)![1] === '')) || (by > noun && kind)) {
      const before: string[] = [];
      let at = noun - 1;
      for (; at >= 0 && before.length < MAX_NAME_WORDS && namesAMeeting(words[at]!); at--) before.unshift(words[at]!);
      // After a determiner, or as the question starts: "is design review tomorrow", "are team lunches on fridays".
      if (at < 0 || NAME_DETERMINERS.has(words[at]!) || (at === 0 && (words[0] === 'is' || words[0] === 'are'))) named.unshift(...before);
    }
  }
  if (by >= 0) {
    const after = nameAfter(words, by);
    // Each of a list's names is a few words at most: "anything with bob i should prepare" is not a name.
    const nameWords = listItems(after).map((item) => item.filter((word) => !SUBJECT_FILLER.has(word)).length);
    if (nameWords.some((count) => count > MAX_NAME_WORDS)) return undefined;
    if (nameWords.some((count) => count > 0) && !namesNoOne(after)) {
      named.push(...(named.length > 0 ? [words[by]!] : []), ...after);
      preposition = words[by];
    }
  }
  const subject = withPeople(listedName(named), preposition);
  return subject && { subject, asked: false };
}

/**
 * Whether words start with a meeting's name, without a determiner before it: "standup", "design review", "team lunch",
 * "team meeting" (a kind, or a name's words and then a kind, a get-together or a meeting noun); not "good for a call".
 */
function startsWithName(text: string): boolean {
  const words = text.split(' ');
  for (let at = 0; at < words.length && at <= MAX_NAME_WORDS; at++) {
    const word = words[at]!;
    if (MEETING_KIND.test(word) || (at > 0 && (NAMED_GATHERING.test(word) || /^(?:meeting|call|appointment|event)$/.test(word)))) return true;
    if (!namesAMeeting(word) || NAME_DETERMINERS.has(word)) return false;
  }
  return false;
}

/**
 * Get-togethers that are a meeting's name only with a word before them: "team lunch tomorrow", "christmas party on
 * friday", "team drinks"; alone, "lunch tomorrow" is that day (and "at lunch" a time of day, read before this).
 */
const NAMED_GATHERING = /^(?:lunch(?:es)?|dinners?|breakfasts?|brunch(?:es)?|drinks|part(?:y|ies)|socials?|celebrations?)$/;

/** Whether `words[at]` is a kind of meeting as named ("design review", "team lunch"), not a verb ("review my calendar"). */
function isKindAt(words: readonly string[], at: number): boolean {
  const word = words[at]!;
  if (MEETING_KIND.test(word)) return !isVerb(word, words[at + 1], words[at - 1]);
  return NAMED_GATHERING.test(word) && at > 0 && namesAMeeting(words[at - 1]!) && !NAME_DETERMINERS.has(words[at - 1]!);
}

/** After "is my <name>", these say where or how the name is, not when it is: "is my boss in today", "is my boss around". */
const LOOSE_PREPOSITIONS = new Set(['in', 'for', 'to', 'by', 'during', 'within', 'since', 'around']);
const VERB_OBJECTS = new Set(['my', 'our', 'your', 'the', 'me', 'us', 'this', 'that', 'these', 'those', 'all', 'what', 'it', 'them']);

/** Kinds of meeting that are verbs too: "review my calendar", "demo the schedule", "interview them". */
const VERB_KINDS = /^(?:review|demo|interview|workshop|present)$/;
/**
 * A kind of meeting that is a verb too, singular, with an object after it and no name before it, is the verb: "review
 * my calendar tomorrow", "demo the schedule"; not "standup this week" (no verb), "design review this week" (a name).
 */
function isVerb(kind: string, next: string | undefined, before: string | undefined): boolean {
  return next !== undefined && VERB_OBJECTS.has(next) && VERB_KINDS.test(kind) && !(before !== undefined && namesAMeeting(before) && !NAME_DETERMINERS.has(before));
}
/** A name read outside "next ..." and "is my ...": who or what, a few words at most ("sam", "the design team", "q3 budget review"). */
const MAX_NAME_WORDS = 3;
/** What comes before a meeting's name: "a team meeting", "my design review", "any standups", or nothing ("team meeting tomorrow"). */
const NAME_DETERMINERS = new Set(['a', 'an', 'the', 'my', 'our', 'your', 'any', 'all', 'some', 'every', 'each', 'these', 'those', 'this', 'that', 'many', 'other', 'upcoming', 'next', 'first', 'last']);

/** A word that may be part of a meeting's name before its noun: "team", "design", "1:1", not "my", "any", "morning", "cancelled". */
function namesAMeeting(word: string): boolean {
  return (
    /[\p{L}\p{N}]/u.test(word) &&
    !SUBJECT_FILLER.has(word) &&
    !NOT_SUBJECT.has(word) &&
    !SUBJECT_PREPOSITIONS.has(word) &&
    !DAY_PART_WORDS.test(word) &&
    !MEETING_NOUN.test(word) &&
    !PEOPLE_BY_ROLE.has(word) &&
    !MEETING_HAS.has(word) &&
    !endsNameBesideWhen(word)
  );
}

/** Whether the words after "next ..." name a day or a time; a bare part of the day is a meeting's name ("morning standup"). */
function namesWhen(rest: string, now: Date): boolean {
  if (rest === '') return false;
  if (WEEK.test(rest) || MONTH.test(rest) || NEXT_DAYS.test(rest) || NEXT_HOURS.test(rest) || HOUR_RANGE.test(rest) || DAY_OF_MONTH.test(rest) || NOW_WORDS.test(rest)) return true;
  return chronoResults(rest, now, 0, false).some((result) => !/^(?:morning|afternoon|evening|night)s?$/.test(result.text.trim()));
}

/**
 * Text as subjects are compared: no accents or case ("Réunion" is "reunion"), no apostrophes, no invisible format or
 * control characters, "stand-up" as "standup", and a one-on-one however written as "1:1".
 */
export function foldForMatch(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\p{M}\p{Cf}\p{Cc}]+/gu, '')
    .toLowerCase()
    .replace(/['\u2018\u2019\u02bc`]/g, '')
    .replace(/(?<=\p{L})[-\u2010\u2011](?=\p{L})/gu, '')
    .replace(ONE_ON_ONE, '1:1');
}

/** A subject is read this far: an invite's 64 KB subject costs no more to match than a long one. */
const MATCHED_SUBJECT_CHARS = 500;

/**
 * Whether every term of `filter` starts a word of the event's subject or location ("sam" finds "Sam / Ada 1:1"), or
 * every term of one of its alternatives ("sam or bob" finds "Bob sync" too). A name read after "with" (`people`) may
 * also be someone in the meeting: the terms the subject and location lack must then all start words of one person's
 * name ("1:1s with sam" finds a "1:1" Sam Smith is in; "sam smith" is not Sam Jones and Bob Smith together).
 */
export function matchesSubject(
  filter: SubjectFilter,
  event: { subject: string; location?: string | undefined; people?: readonly string[] | undefined; showAs?: string | undefined; isAllDay?: boolean },
): boolean {
  if (filter.away) {
    if ((event.showAs ?? '').toLowerCase() === 'oof') return true;
    if (!event.isAllDay) return false;
  }
  const text = foldForMatch(`${event.subject.slice(0, MATCHED_SUBJECT_CHARS)} ${(event.location ?? '').slice(0, MATCHED_SUBJECT_CHARS)}`);
  let people: string[] | undefined;
  return [filter.terms, ...(filter.alternatives ?? [])].some((terms) => {
    const missing = terms.filter((term) => !startsWord(text, term));
    if (missing.length === 0) return true;
    if (!filter.people || !event.people) return false;
    people ??= event.people.map((person) => foldForMatch(person));
    return people.some((person) => missing.every((term) => startsWord(person, term)));
  });
}

function startsWord(text: string, term: string): boolean {
  for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) {
    if (at === 0 || !/[\p{L}\p{N}]/u.test(text[at - 1]!)) return true;
  }
  return false;
}

/**
 * How many meetings a "next" question asks for: the number named, else a few for a plural ("next meetings": more
 * than one, and "next 3" is what "a few" means elsewhere), else one; at most MAX_NEXT_COUNT.
 */
/** A kind of meeting in the plural among `words` ("standups", "1:1s", "interviews"; "all-hands" is one): a few are asked for. */
function namesKindsPlural(words: readonly string[]): boolean {
  return words.some((word) => word.endsWith('s') && word !== 'all-hands' && MEETING_KIND.test(word));
}

function meetingCount(word: string | undefined, plural: boolean): { count: number; asked?: number } {
  const named = word === undefined ? (plural ? COUNTS.few! : 1) : /^\d/.test(word) ? Number(word) : COUNTS[word.replace(/^a |(?: of)$/g, '')]!;
  const wanted = Math.max(1, named);
  return wanted > MAX_NEXT_COUNT ? { count: MAX_NEXT_COUNT, asked: wanted } : { count: wanted };
}

/**
 * Holidays whose date moves from year to year (the fixed ones are normalizeQuestionText's), as the next such day
 * from `today` on: Good Friday, Easter (Western, by the Gregorian computus) and Easter Monday, and Thanksgiving (the
 * fourth Thursday of November, as in the US). A bare "easter" or "thanksgiving" only as a day ("on easter"):
 * "easter party" and "thanksgiving lunch" are meetings' names. Without this, "whats on easter" was today's agenda.
 */
function movableHolidays(text: string, todayOf: () => DateTime): string {
  // Most questions name none: the day is worked out only for those that do.
  if (!/\b(?:easter|good friday|thanksgiving)\b/.test(text)) return text;
  const today = todayOf();
  const next = (dayIn: (year: number) => DateTime) => {
    // Compared as dates: the holiday's midnight and the user's are in different zones on a server elsewhere.
    const thisYear = dayIn(today.year).toISODate()!;
    return thisYear < today.toISODate()! ? dayIn(today.year + 1).toISODate()! : thisYear;
  };
  const easter = (offset: number) => () => next((year) => easterSunday(year).plus({ days: offset }));
  const thanksgiving = () => next((year) => {
    const first = DateTime.fromObject({ year, month: 11, day: 1 }, { zone: 'utc' });
    return first.plus({ days: ((4 - first.weekday + 7) % 7) + 21 });
  });
  return text
    .replace(/\bgood friday\b/g, easter(-2))
    .replace(/\beaster monday\b/g, easter(1))
    .replace(/\beaster (?:sunday|day)\b|(?<=^|\b(?:on|for|at|over) )easter$|(?<=\b(?:days?|weeks?|weekend|(?:mon|tues|wednes|thurs|fri|satur|sun)day) (?:before|after) )easter\b/g, easter(0))
    .replace(/\bthanksgiving day\b|(?<=^|\b(?:on|for|at|over) )thanksgiving$|(?<=\b(?:days?|weeks?|weekend|(?:mon|tues|wednes|thurs|fri|satur|sun)day) (?:before|after) )thanksgiving\b/g, thanksgiving);
}

/** A weekday and a bare number ("mon 7", "friday 18"): a date, or an hour (weekdayDates). */
const WEEKDAY_NUMBER_DATE =
  /\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun) (?:the )?([1-9]|[12]\d|3[01])\b(?![:.]\d|\s*(?:am|pm|o ?clock|h|hours?|hrs?|minutes?|mins?|st|nd|rd|th)\b|\s*(?:-|to|until|till|through|thru|and|or|&)\s*\d)/g;

/**
 * "mon 7", "whats on friday 18": the date, written "mon 7th" (weekdayWithDate), when a date of that number this month
 * or the next falls on that weekday. chrono-node read "mon 7" as the coming Monday whatever its date, and "mon 14" as
 * 14:00 on it; "monday 10", with no Monday the 10th near, stays as it was (10 o'clock, or the coming Monday).
 */
function weekdayDates(text: string, todayOf: () => DateTime): string {
  if (!/(?:mon|tue|wed|thu|fri|sat|sun)[a-z]* (?:the )?\d/.test(text)) return text;
  return text.replace(WEEKDAY_NUMBER_DATE, (asked, weekday: string, number: string) => {
    const today = todayOf();
    const wanted = Number(number);
    for (let months = 0; months < 2; months++) {
      const month = today.startOf('month').plus({ months });
      if (wanted > month.daysInMonth!) continue;
      const date = month.set({ day: wanted });
      if (date >= today && date.weekday === WEEKDAY_NUMBER[weekday.slice(0, 3)]) return `${weekday} ${wanted}${ordinalSuffix(wanted)}`;
    }
    return asked;
  });
}

function ordinalSuffix(day: number): string {
  if (day % 100 >= 11 && day % 100 <= 13) return 'th';
  return day % 10 === 1 ? 'st' : day % 10 === 2 ? 'nd' : day % 10 === 3 ? 'rd' : 'th';
}

/**
 * "next working day", "the next business day", "next workday": the first weekday (Monday to Friday) after today, as
 * its date. It was read as "next" and a meeting named "working day". The question is read before the user's Outlook
 * working days are (ask-commands prefetches its days), so a week of other working days still gets Monday to Friday.
 */
function nextWorkingDay(text: string, todayOf: () => DateTime): string {
  if (!/\b(?:working|business|work) ?day\b/.test(text)) return text;
  return text.replace(/\b(?:the )?next (?:working|business|work) ?day\b/g, () => {
    const today = todayOf();
    return today.plus({ days: today.weekday >= 5 ? 8 - today.weekday : 1 }).toISODate()!;
  });
}

/**
 * Days counted from a day named: "the day after christmas", "2 days before the 14th", "the friday before dec 25",
 * "the weekend after next friday", "the week before christmas". `count` and `unit` say how far, `way` which way; the
 * day named follows (anchoredDays).
 */
const ANCHORED = /\b(?:the )?(?:(a|an|one|two|three|four|five|six|\d{1,2}) )?(days?|weeks?|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday) (before|after) (?=\S)/;
/** What names a day (not a time: "friday after 3" is a stretch of Friday): a date, a month, a weekday, a day word. */
const ANCHOR_DAY =
  /\b(?:today|tomorrow|yesterday|overmorrow|(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december|\d{4}-\d\d-\d\d|\d{1,2}(?:st|nd|rd|th))\b/;
/** A word that starts what follows the day, not the day: "the day after christmas at 3" is counted from "dec 25". */
const ANCHOR_LEFT_OPEN = / (?:at|on|in|from|for|with|and|or|&|to|the|by|around|between|after|before|until|till)$/;
/** A time, which no day is counted from ("the day after 3"): a number alone or with its clock, not "25 dec". */
const ANCHOR_TIME = /^(?:at )?\d{1,2}(?:[:.]\d\d)?(?: ?(?:am|pm))?(?: |$)(?!(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)/;

/**
 * "the day after christmas" (christmas is "dec 25" by now), "the friday before dec 25", "2 days after the 14th", "the
 * week before christmas": the day or days meant, written as dates (2026-12-26; a span "2026-12-18 to 2026-12-24"),
 * which the rest of parseQuestion reads as it reads any, so "am I free the day after christmas" and "meetings with
 * sam the week after christmas" are asked of them. chrono-node read some ("the day after dec 10") and not others: "the
 * day after christmas" was tomorrow, "the friday before dec 25" the coming Friday, "the week after dec 25" this week.
 * The day named is read as a question of its own (one day; in the past tense, the last gone by); a weekday is the
 * first such day after it (or the last before), never that day itself; a week is the seven days after it (or before),
 * as the days up to christmas are what "the week before christmas" asks of; a weekend, the first after it (or the
 * last before).
 */
function anchoredDays(t: string, now: Date, zone: string, options: QuestionOptions): string {
  const match = t.includes('before') || t.includes('after') ? ANCHORED.exec(t) : null;
  if (!match) return t;
  const [, countWord, unit, way] = match as unknown as [string, string | undefined, string, 'before' | 'after'];
  const words = t.slice(match.index + match[0].length).split(' ');
  const sign = way === 'after' ? 1 : -1;
  // The longest start of what follows that names one day: "the day after dec 25 with sam" is counted from "dec 25".
  for (let take = Math.min(words.length, 4); take >= 1; take--) {
    const named = words.slice(0, take).join(' ');
    if (!ANCHOR_DAY.test(named) || ANCHOR_TIME.test(named) || ANCHOR_LEFT_OPEN.test(named)) continue;
    const read = parseQuestion(`${PAST_TENSE.test(t) ? 'what was on ' : ''}${named}`, now, zone, { dayFirst: options.dayFirst });
    if (read?.kind !== 'agenda' || read.days !== 1 || read.subject || read.times) continue;
    const day = DateTime.fromJSDate(read.range.start, { zone: luxonZone(zone) }).startOf('day');
    // The whole day ("christmas morning" is counted from christmas, and "the day after christmas morning" is a morning).
    if (+day !== +read.range.start || +day.plus({ days: 1 }) !== +read.range.end) continue;
    const count = countWord === undefined ? 1 : /^\d/.test(countWord) ? Number(countWord) : countWord === 'a' || countWord === 'an' ? 1 : COUNTS[countWord]!;
    let first: DateTime;
    let last: DateTime;
    const weeks = unit === 'week' || unit === 'weeks';
    if (unit.startsWith('day') || (weeks && countWord !== undefined)) {
      first = last = day.plus({ days: sign * count * (weeks ? 7 : 1) });
    } else if (weeks) {
      first = way === 'after' ? day.plus({ days: 1 }) : day.minus({ days: 7 });
      last = first.plus({ days: 6 });
    } else {
      const weekday = unit === 'weekend' ? (way === 'after' ? 6 : 7) : WEEKDAY_NUMBER[unit.slice(0, 3)]!;
      first = day.plus({ days: sign * ((sign * (weekday - day.weekday) + 7) % 7 || 7) });
      last = unit === 'weekend' ? (way === 'after' ? first.plus({ days: 1 }) : first) : first;
      if (unit === 'weekend' && way === 'before') first = last.minus({ days: 1 });
    }
    const dates = first.equals(last) ? first.toISODate()! : `${first.toISODate()} to ${last.toISODate()}`;
    return [t.slice(0, match.index).trim(), dates, ...words.slice(take)].filter(Boolean).join(' ');
  }
  return t;
}

/** Easter Sunday of `year` (Gregorian calendar; the "anonymous Gregorian" computus). */
function easterSunday(year: number): DateTime {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const h = (19 * a + b - Math.floor(b / 4) - Math.floor((b - Math.floor((b + 8) / 25) + 1) / 3) + 15) % 30;
  const l = (32 + 2 * (b % 4) + 2 * Math.floor(c / 4) - h - (c % 4)) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return DateTime.fromObject({ year, month, day }, { zone: 'utc' });
}

/**
 * Whether parseQuestion reads `text` as a question, without placing it in a zone: the words decide, and whether
 * chrono-node finds a day or a time in them does not depend on the zone. Most questions are decided by the words
 * alone, so the bot can tell a question from a command without reading dates twice.
 */
export function isScheduleQuestion(text: string, now: Date): boolean {
  // A closure apiece, made where it is passed: one held in a variable made every call about 2 µs slower.
  const normalized = lastMet(weekdayDates(nextWorkingDay(movableHolidays(normalizeQuestionText(text), () => utcDayOf(now)), () => utcDayOf(now)), () => utcDayOf(now)));
  if (otherCalendar(text, normalized)) return true;
  const status = statusAsked(normalized);
  if (status && isScheduleQuestion(status.asks, now)) return true;
  const attendee = attendeeAsked(normalized);
  if (attendee && (isScheduleQuestion(attendee.asks, now) || (attendee.plural && isScheduleQuestion(`next ${attendee.asks}`, now)))) return true;
  const inIt = ATTENDEE_IN_IT.exec(normalized)?.groups?.person;
  if (inIt && !NOT_ATTENDEES.test(inIt)) return true;
  const answer = ATTENDEE_ANSWER.exec(normalized)?.groups;
  if (answer && isScheduleQuestion(`is ${answer.person} in ${answer.meeting}`, now)) return true;
  const who = whoAsked(normalized);
  // "who's in it": a question about the last answer's meeting, which only the last question can tell (parseQuestion).
  if (who && (who.ofLast || isScheduleQuestion(who.asks, now))) return true;
  // "and bob?": a follow-up by name, which the last question (parseQuestion's `last`) makes one, or not.
  if (nameFollowUp(normalized)) return true;
  if (HOW_LONG.test(normalized)) return isScheduleQuestion(normalized.replace(HOW_LONG, ''), now);
  const detail = detailAsked(normalized);
  if ((detail && isScheduleQuestion(detail, now)) || FIRST_ASKED.test(normalized)) return true;
  const { rest: t } = splitDayPart(normalized);
  if (t === '' || (COMMAND_START.test(t) && !commandWordNamesMeeting(t)) || WRITE_REQUEST.test(t) || HOW_TO.test(t) || SIGN_OFF.test(t) || OFF_TOPIC.test(t)) return false;
  if (NEXT.test(t) || TIME_OFF_ASKED.test(t) || FREE_DAY_ASKED.test(t) || BUSIEST_ASKED.test(t) || LONGEST_ASKED.test(t) || (t.includes('break') && BREAK_ASKED.test(t)) || unsupportedSpan(normalized) || impossibleDate(normalized, DateTime.fromJSDate(now, { zone: 'utc' })) || nextQuestion(normalized, now, DateTime.fromJSDate(now, { zone: 'utc' })) || NOW.test(t) || FREE.test(t) || UPCOMING.test(t) || WEEK.test(t) || MONTH.test(t) || NEXT_DAYS.test(t) || AGENDA_WORDS.test(t) || MY_DAY_PART.test(normalized) || LAST_ASKED.test(t) || HOW_BUSY.test(t) || UNANSWERED.test(t) || CONFLICTS.test(t) || ORGANIZED_ASKED.test(t) || AROUND_ASKED.test(t)) return true;
  const found = chronoResults(t, now, 0, false);
  if (hasDay(found) || DAY_OF_MONTH.test(t) || timeOfDay(t, found) !== undefined) return true;
  const here = DateTime.fromJSDate(now, { zone: 'utc' });
  return duringSpan(t, here, here.startOf('day'), undefined, undefined) !== undefined;
}

function utcDayOf(now: Date): DateTime {
  return DateTime.fromJSDate(now, { zone: 'utc' }).startOf('day');
}

export interface QuestionOptions {
  /** Numeric dates are day first ("12/3" is 12 March), as in the user's locale (readsDayFirst); else month first. */
  dayFirst?: boolean;
  /** The user's last question (lastQuestionOf), which a follow-up ("and friday?", "and at 4?") asks again (followUp). */
  last?: LastQuestion | undefined;
}

/** How far back "when is my last meeting with sam" looks at most: the synced window (SYNC_WINDOW_PAST_DAYS, 7 by default) cuts it first. */
export const PAST_DAYS_LOOKED = 21;

/**
 * What a follow-up needs of the question before it: what kind it was ("first" and "last" are `next` within a day),
 * the local date it was about (`day`, yyyy-mm-dd: "and at 4?" keeps it), and what it was asked of: the meetings named,
 * the way a yes/no was put and the time it asked about (`range`: "am I free at 3", then "and friday?", is 15:00 there).
 */
export interface LastQuestion {
  kind: 'agenda' | 'free-slots' | 'free-at' | 'first' | 'last' | 'next' | 'now';
  day?: string;
  subject?: SubjectFilter;
  asks?: 'free' | 'busy';
  range?: TimeRange;
  named?: SubjectFilter;
  /** How long the free time asked for had to be ("free for an hour tomorrow", then "and friday?"). */
  minutes?: number;
  /** Only invitations not answered, or only conflicts ("any conflicts tomorrow", then "and friday?"). */
  only?: AgendaOnly;
  /** Whether the meetings named are still on ("is standup still on tomorrow", then "and friday?": Friday's, cancelled ones too). */
  status?: true;
  /** The time of day asked about each day ("early meetings this week", then "and next week?"). */
  daily?: DailyWindow;
  /** The agenda's span as it was asked ("meetings with sam this week", then "and bob?": Bob's this week). */
  span?: { range: TimeRange; label: string; phrase: string; days: number; times?: true };
  /** What a "who" question asked of its meeting ("who's in the design review", then "and the standup?"). */
  who?: WhoAsked;
  /** The hours of the day asked about ("meetings between 2 and 4 tomorrow", then "and friday?": Friday's 2 to 4). */
  hours?: ClockStretch;
  /** Its busiest day was asked ("busiest day this week", then "and next week?"). */
  busiest?: true;
}

/** What a follow-up keeps of `question` (answered in `zone`). */
export function lastQuestionOf(question: Question, zone: string): LastQuestion {
  const last = lastQuestionAsked(question, zone);
  // Whose answer was asked is not kept ("has sam accepted the design review", then "and the standup?": the standup).
  return 'who' in question && question.who && question.who !== 'answer' ? { ...last, who: question.who } : last;
}

function lastQuestionAsked(question: Question, zone: string): LastQuestion {
  const dayOf = (range: TimeRange) => DateTime.fromJSDate(range.start, { zone: luxonZone(zone) }).toISODate() ?? undefined;
  switch (question.kind) {
    case 'now':
      return { kind: 'now' };
    case 'next':
      // A role read as a name ("next meeting with my manager") is not kept: "and friday?" is Friday's first meeting.
      if (!question.within) return { kind: 'next', ...(question.subject && !question.subject.role ? { subject: question.subject, ...(question.status ? { status: true as const } : {}) } : {}) };
      return { kind: question.last ? 'last' : 'first', ...(question.ended ? {} : { day: dayOf(question.within.range) }), ...(question.subject && !question.subject.role ? { subject: question.subject } : {}) };
    case 'free-at':
      return { kind: 'free-at', day: dayOf(question.range), asks: question.asks, range: question.range, ...(question.subject ? { subject: question.subject } : {}) };
    case 'free-slots':
      return { kind: 'free-slots', day: dayOf(question.range), ...(question.named ? { named: question.named } : {}), ...(question.minutes ? { minutes: question.minutes } : {}), ...(question.hours ? { hours: question.hours } : {}) };
    case 'agenda':
      return {
        kind: 'agenda',
        day: dayOf(question.range),
        ...(question.subject ? { subject: question.subject, ...(question.status ? { status: true as const } : {}) } : {}),
        ...(question.only ? { only: question.only } : {}),
        ...(question.daily ? { daily: question.daily } : {}),
        ...(question.hours ? { hours: question.hours } : {}),
        ...(question.busiest ? { busiest: true as const } : {}),
        span: { range: question.range, label: question.label, phrase: question.phrase, days: question.days, ...(question.times ? { times: true as const } : {}) },
      };
  }
}

/** What starts a follow-up: "and friday?", "what about 3pm", "how about next week", "and on monday", "and at 4?". */
const FOLLOW_UP = /^(?:(?:ok|okay|so|then|but) )?(?:and|what about|how about|and what about|and how about|what of|hows about)(?: on| for)? (.+)$/;
/** The words of a follow-up besides a day and a time ("and friday?", "what about the 3rd at 2"). */
const FOLLOW_UP_GLUE = new Set(['the', 'and', 'or', '&', 'of', 'then', 'instead']);
/**
 * A word that names a day or a span, not only a time: "and at 4?" alone keeps the last question's day, and so does a
 * part of the day ("and the evening at 6").
 */
const DAY_WORD =
  /^(?:today|tomorrow|yesterday|overmorrow|ago|this|next|last|coming|days?|weeks?|weekends?|fortnight|months?|tonight|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|\d{1,2}(?:st|nd|rd|th))$/;

/** "the day after", "the next day", "the day before": a day next to the last question's. */
const DAY_AFTER_LAST = /^(?:the )?(?:day (after|before)|(?:next|following) day|day after that)$/;
/** A time of day or a stretch of one in a follow-up: "at 6", "6pm", "5:30", "noon", "after 4", "2-4". */
const FOLLOW_UP_CLOCK = /\b(?:at|after|before|until|till|from|between|noon|midday|midnight)\b|\d[:.]\d\d|\d ?(?:am|pm)\b|\d ?- ?\d/;
/** "the afternoon", "the morning": a part of the day with no day named, which is the last question's day's. */
const PART_ALONE = /^(?:the |that |in the )?(?:morning|afternoon|evening)$/;

/**
 * A follow-up: an opener (FOLLOW_UP) and then only a day and/or a time. With the last question (`options.last`), its
 * kind again for that day ("free time tomorrow", "and friday?": free time on Friday); a time asks whether the user is
 * free then, on the day named or else on the last question's day ("am I free tomorrow at 3", "and at 4?"), the busy
 * way if it was asked so. Without one (another calbot answered it, or it is forgotten): a day alone is that day's
 * agenda, a time "am I free then" (today, unless a day is named). Undefined when `t` is no follow-up.
 */
function followUp(t: string, now: Date, zone: string, here: DateTime, today: DateTime, options: QuestionOptions): Question | undefined {
  const match = FOLLOW_UP.exec(t);
  if (!match) return undefined;
  const { last } = options;
  // "and the day after?": the day after the last question's; "what about the afternoon": that part of its day.
  const shift = last?.day ? DAY_AFTER_LAST.exec(match[1]!) : null;
  const lastDay = last?.day && (shift ? DateTime.fromISO(last.day).plus({ days: shift[1] === 'before' ? -1 : 1 }).toISODate()! : last.day);
  const part = PART_ALONE.test(match[1]!);
  const rest = shift ? lastDay! : part && lastDay ? `${lastDay} ${match[1]!}` : match[1]!;
  const words = rest.split(' ');
  const read = readerOf(now, zone, options);
  // "who organized my 3pm", then "and my 4pm?": the meeting then, asked the same (parseQuestion adds the who).
  if (last?.who && MEETING_AT_TIME.test(match[1]!)) return read(match[1]!);
  // Not only a day or a time: another name for the last question ("and bob?", "and bob on friday?"), unless its other
  // words ask a question of their own ("and what's on tomorrow", "and any meetings friday"), read as it stands.
  if (!words.every((word) => WHEN_WORD.test(word) || FOLLOW_UP_GLUE.has(word))) return (last?.subject || last?.who) && namesAnother(match[1]!) ? otherName(match[1]!, last, read) : undefined;
  const asks = last?.kind === 'free-at' ? last.asks! : last?.kind === 'now' ? 'busy' : 'free';
  const timed = read(`am i ${asks} ${rest}`);
  const dayNamed = shift !== null || (part && lastDay !== undefined) || words.some((word) => DAY_WORD.test(word));
  // A part of the day ("and tonight?", "what about the afternoon") is a span asked about as the last question was (its
  // agenda, without one), not a time; "and the evening at 6" is a time.
  const partOfDayAsked = DAY_PART.test(rest) && !FOLLOW_UP_CLOCK.test(match[1]!);
  if (timed?.kind === 'free-at' && (!partOfDayAsked || last?.kind === 'free-at' || last?.kind === 'now')) {
    const subject = last?.kind === 'free-at' && asks === 'busy' && last.subject ? { subject: last.subject } : {};
    if (dayNamed || !last?.day) return { ...timed, ...subject };
    return { ...timed, ...onDay(timed.range, last.day, zone, today), ...subject };
  }
  if (!dayNamed) return undefined;
  const agenda = read(`whats on ${rest}`);
  if (agenda?.kind !== 'agenda') return agenda;
  const subject = last?.subject ? { subject: last.subject } : {};
  // The same hours on the day named (each day of a span, for an agenda), when the follow-up names no time of its own.
  const hours = last?.hours && !partOfDayAsked && !FOLLOW_UP_CLOCK.test(match[1]!) ? ` ${clockWords(last.hours)}` : '';
  switch (last?.kind) {
    case 'free-slots': {
      const slots = read(`free time ${rest}${agenda.days === 1 ? hours : ''}`);
      return slots?.kind === 'free-slots' ? { ...slots, ...(last.named ? { named: last.named } : {}), ...(last.minutes ? { minutes: last.minutes } : {}) } : slots;
    }
    case 'free-at':
      // "am I free at 3", then "and friday?": 3 o'clock on Friday; a span of days, its free time.
      if (agenda.days === 1 && last.range) return { kind: 'free-at', asks, ...onDay(last.range, DateTime.fromJSDate(agenda.range.start, { zone: luxonZone(zone) }).toISODate()!, zone, today), ...subject };
      return read(`free time ${rest}`);
    case 'first':
    case 'next':
    case 'last': {
      // "is the offsite still on", then "and next week?": that week's offsites, cancelled ones too.
      if (last.status && last.subject) return { ...agenda, subject: last.subject, status: true };
      const next = read(`${last.kind === 'last' ? 'last' : 'first'} meeting ${rest}`);
      return next?.kind === 'next' ? { ...next, ...subject } : next;
    }
    case 'agenda': {
      const stretch = hours ? read(`whats on ${rest}${hours}`) : undefined;
      if (stretch?.kind === 'agenda') return { ...stretch, ...subject, ...(last.only ? { only: last.only } : {}), ...(last.status && last.subject ? { status: true as const } : {}) };
      return { ...agenda, ...subject, ...(last.only ? { only: last.only } : {}), ...(last.status && last.subject ? { status: true as const } : {}), ...(last.daily && !agenda.times ? { daily: last.daily } : {}), ...(last.busiest && agenda.days > 1 ? { busiest: true as const } : {}) };
    }
    default:
      return agenda;
  }
}

/** "between 14:00 and 16:00", "after 15:00", "before 12:00": a stretch of a day as calbot reads one back. */
function clockWords({ from, to }: ClockStretch): string {
  const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  if (to >= 24 * 60) return `after ${clock(from)}`;
  return from === 0 ? `before ${clock(to)}` : `between ${clock(from)} and ${clock(to)}`;
}

/** Reads a question calbot words itself, on its own (no last question), as a question or nothing. */
function readerOf(now: Date, zone: string, options: QuestionOptions): (question: string) => Question | undefined {
  return (question) => {
    const read = parseQuestion(question, now, zone, { ...options, last: undefined });
    return read && read.kind !== 'unsupported' ? read : undefined;
  };
}

/**
 * The one meeting the last answer showed, asked again ("next design review", "standup tomorrow", "my 3pm", "what am I
 * in", then "who's in it?"): undefined when the last question showed no one meeting (an agenda with no name, free time).
 */
function lastMeetingAgain(last: LastQuestion, now: Date, zone: string, today: DateTime, options: QuestionOptions): Question | undefined {
  const read = readerOf(now, zone, options);
  const subject = last.subject ? { subject: last.subject } : {};
  switch (last.kind) {
    case 'now':
      return { kind: 'now' };
    case 'next':
      return { kind: 'next', count: 1, ...subject };
    case 'first': {
      const first = last.day && read(`first meeting ${last.day}`);
      return first && first.kind === 'next' ? { ...first, count: 1, ...subject } : undefined;
    }
    case 'free-at':
      return last.range && last.day && last.asks === 'busy' ? { kind: 'free-at', asks: 'busy', ...onDay(last.range, last.day, zone, today), ...subject } : undefined;
    case 'agenda':
      // "standup tomorrow": that day's first one so named.
      return last.subject && last.span && last.span.days === 1 && !last.only && !last.daily
        ? { kind: 'next', count: 1, subject: last.subject, within: { range: last.span.range, label: last.span.label, phrase: last.span.phrase } }
        : undefined;
    default:
      return undefined;
  }
}

/** A follow-up to a "who" question ("who's in the design review", then "and the standup?") asks it again, of one meeting. */
function asksWho(question: Question, who: WhoAsked): Question {
  if (question.kind === 'next' && question.count === 1 && !question.last && !question.attendee && !question.status) return { ...question, who };
  if (question.kind === 'free-at' && question.asks === 'busy' && !question.proposedWith) return { ...question, who };
  if (question.kind === 'now') return { kind: 'now', who };
  // "who am i meeting tomorrow", then "and friday?": Friday's, with who is in each.
  if (question.kind === 'agenda' && who === 'people' && !question.subject && !question.anchor) return { ...question, who };
  return question;
}

/** Words a follow-up may end on that name no meeting: "and you?", "what about it", "and then?", "ok and thanks". */
const NO_OTHER_NAME = /^(?:thanks?|thank you|thx|ty|ok|okay|cool|great|nice|why|how|what|when|where|who|which|that|this|it|them|they|then|now|so|me|you|u|us|him|her|everything|anything|nothing|something|else|more|later|the rest|others?)$/;

/**
 * Whether what follows a follow-up's opener ("and bob?", "what about the retro on friday", "and with the design team")
 * may be another name for the last question: words besides a day or a time, none of which asks a question of its own
 * ("and what's on tomorrow", "and any meetings friday") or names no meeting ("and you?", "and thanks").
 */
function namesAnother(asked: string): boolean {
  const words = asked.split(' ');
  const others = words.filter((word) => !(WHEN_WORD.test(word) || FOLLOW_UP_GLUE.has(word)));
  const name = asked.replace(/^(?:with|about) /, '');
  return others.length > 0 && words.length <= MAX_NAME_WORDS + 3 && !NO_OTHER_NAME.test(name) && !others.some((word) => NOT_A_NAME.has(word) || MEETING_NOUN.test(word) || NO_OTHER_NAME.test(word));
}

/** "and bob?", "what about the retro": possibly another name for the last question, which only the last question can tell (followUp). */
function nameFollowUp(normalized: string): boolean {
  const match = FOLLOW_UP.exec(normalized);
  return match !== null && namesAnother(match[1]!);
}

/**
 * "meetings with sam this week", then "and bob?": the last question again with another name ("what about the retro",
 * "and with the design team on friday"): of the agenda's span (or the day named), the next one, or whether it is still
 * on. Kept as it was: people or not (unless "with" or "about" says), cancelled ones, the time of day. Undefined for
 * words that name no meeting ("and you?", "and thanks").
 */
function otherName(asked: string, last: LastQuestion, read: (question: string) => Question | undefined): Question | undefined {
  const said = /^(with|about) /.exec(asked)?.[1];
  const name = said ? asked.slice(said.length + 1) : asked;
  const by = said ?? (last.subject?.people ? 'with' : 'about');
  // The kind of meeting the last name had before "with" ("1:1 with sam", then "and bob?": 1:1s with Bob).
  // Not when the new name is a meeting itself ("what about the retro").
  const kind = by === 'with' && !name.split(' ').some((word) => MEETING_KIND.test(word)) ? /^(.+?) with /.exec(last.subject?.text ?? '')?.[1] : undefined;
  if (last.kind === 'agenda') {
    const fresh = read(`meetings ${by} ${name}`);
    if (fresh?.kind !== 'agenda' || !fresh.subject) return undefined;
    // A day named ("and bob on friday?") is that day's; else the last question's span.
    const span = fresh.onward ? last.span : undefined;
    const { onward: _, subject, ...named } = fresh;
    return {
      ...named,
      subject: kind ? withKind(kind, subject, read) : subject,
      ...(span ?? {}),
      ...(last.only ? { only: last.only } : {}),
      ...(last.status ? { status: true as const } : {}),
      ...(last.daily && !(span ?? named).times ? { daily: last.daily } : {}),
      ...(span || !fresh.onward ? {} : { onward: true as const }),
    };
  }
  // "who's in this meeting", then "and the standup?": the next standup, asked the same.
  if (last.kind === 'next' || (last.kind === 'now' && last.who)) {
    const fresh = read(kind ? `next ${kind} with ${name}` : `next meeting ${by} ${name}`);
    if (!fresh || !('subject' in fresh) || !fresh.subject) return undefined;
    return fresh.kind === 'next' && last.status ? { ...fresh, status: true } : fresh;
  }
  return undefined;
}

/** `people` ("bob") as a name of the `kind` of meeting ("1:1"): "1:1 with bob", a 1:1 Bob is in. A list of names stays as it is. */
function withKind(kind: string, people: SubjectFilter, read: (question: string) => Question | undefined): SubjectFilter {
  const kindOnly = read(`next ${kind}`);
  const terms = kindOnly && 'subject' in kindOnly ? kindOnly.subject?.terms : undefined;
  if (!terms || people.alternatives) return people;
  return { ...people, text: `${kind} with ${people.text}`, terms: [...terms, ...people.terms], people: true };
}

/** `range`'s times of day on the local date `day` (yyyy-mm-dd), and its label. */
function onDay(range: TimeRange, day: string, zone: string, today: DateTime): { range: TimeRange; label: string } {
  const from = DateTime.fromJSDate(range.start, { zone: luxonZone(zone) });
  const start = DateTime.fromISO(day, { zone: luxonZone(zone) }).set({ hour: from.hour, minute: from.minute });
  return { range: { start: start.toJSDate(), end: start.plus({ milliseconds: range.end.getTime() - range.start.getTime() }).toJSDate() }, label: dayLabel(start, today) };
}

/** "find a time with bob", "when can I meet with sam", "free to meet priya on friday", "when are sam and I both free". */
const SLOTS_WITH = [
  /\b(?:meet|meeting|see|call|chat|catch up|time|slot|sync|1:1|talk|speak)(?: up)? with (?<name>\S+(?: \S+)?)/,
  /\b(?:to|can i|could i|could we|can we) (?:meet|see) (?<name>\S+(?: \S+)?)/,
  /^when (?:are|will|can|could) (?<name>\S+) and i\b/,
];

/** Who free time is asked to be shared with (SLOTS_WITH), as typed; no one when the words name no one. */
function slotsProposedWith(t: string): string | undefined {
  for (const pattern of SLOTS_WITH) {
    const words = pattern.exec(t)?.groups?.name?.split(' ');
    if (!words) continue;
    const name: string[] = [];
    for (const word of words) {
      if (WHEN_WORD.test(word) || NOT_ATTENDEES.test(word) || SUBJECT_FILLER.has(word) || PEOPLE_BY_ROLE.has(word)) break;
      name.push(word);
    }
    if (name.length > 0) return name.join(' ');
  }
  return undefined;
}

/** "can I meet with sam at 3", "could we catch up with bob tomorrow at 2": who the meeting proposed is with, as typed. */
const MEET_PROPOSED = /^(?:(?:can|could|shall|should|may|might) (?:i|we)|is it ok to) (?:meet|see|catch up|talk|chat|have a (?:meeting|call|chat)|set up a (?:meeting|call))(?: up)? with (.+)$/;

function proposedName(t: string): string | undefined {
  const match = MEET_PROPOSED.exec(t);
  if (!match) return undefined;
  const name: string[] = [];
  for (const word of match[1]!.split(' ')) {
    if (WHEN_WORD.test(word) || name.length >= MAX_NAME_WORDS) break;
    name.push(word);
  }
  return name.length > 0 ? name.join(' ') : undefined;
}

/**
 * chrono-node's reading of the words outside an hour range ("tomorrow 11-1" is "tomorrow" plus 11:00-13:00), without
 * the days of a list it would read as a year (LISTED_DAY), without the next hours and a length asked for, which
 * it reads as a time ("in the next hour" as 11:00, "for half an hour" as in half an hour), and without "a week from"
 * before a day (DAYS_LATER).
 */
function chronoResults(t: string, now: Date, offsetMinutes: number, dayFirst: boolean): chrono.ParsedResult[] {
  // Blanked to the same length, so a result's index is its place in `t` too.
  const blank = (words: string) => ' '.repeat(words.length);
  const words = t.replace(HOUR_RANGE, blank).replace(LISTED_DAY, blank).replace(NEXT_HOURS, blank).replace(LENGTH, blank).replace(DAYS_LATER, blank);
  const results = (dayFirst ? dayFirstChrono : chrono.casual).parse(words, { instant: now, timezone: offsetMinutes });
  // "is 3pm free tomorrow", "anything at 3 with sam tomorrow": a time before the day it is on, which chrono-node reads
  // apart. The day is read first (hasDay, dayFromResults read the first result), the time still from its own.
  const day = results.findIndex((result, at) => at > 0 && hasDay([result]));
  if (day > 0 && !hasDay(results) && results[0]!.start.isCertain('hour')) results.unshift(...results.splice(day, 1));
  return results;
}

/**
 * chrono-node's casual English with numeric dates read day first ("12/3" is 12 March). Not chrono's own en.GB: that
 * also reads a month name and a two-digit day as a month and a year ("dec 25" is December 2025, "nov 30" November
 * 2030), which nobody asking about their calendar means. Only the slash-date parser differs between the two.
 */
const dayFirstChrono = (() => {
  const isSlashDates = (parser: chrono.Parser) => parser.constructor.name === 'SlashDateFormatParser';
  const dayFirstSlashDates = chrono.en.configuration.createCasualConfiguration(true).parsers.find(isSlashDates);
  const configuration = chrono.en.configuration.createCasualConfiguration(false);
  if (!dayFirstSlashDates || !configuration.parsers.some(isSlashDates)) return chrono.en.GB; // a chrono-node that names it otherwise: the question tests say so
  configuration.parsers = configuration.parsers.map((parser) => (isSlashDates(parser) ? dayFirstSlashDates : parser));
  return new chrono.Chrono(configuration);
})();

/**
 * Whether `locale` (a BCP 47 tag, as Teams sends with each message: "en-GB", "de-DE") writes numeric dates day
 * first. Intl knows each locale's order; no locale, or one Intl does not know, reads month first as chrono-node
 * does by default (en-US).
 */
export function readsDayFirst(locale: string | undefined): boolean {
  if (!locale) return false;
  let dayFirst = dayFirstByLocale.get(locale);
  if (dayFirst === undefined) {
    try {
      const parts = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'numeric' }).formatToParts(new Date(Date.UTC(2026, 11, 24)));
      dayFirst = parts.findIndex((part) => part.type === 'day') < parts.findIndex((part) => part.type === 'month');
    } catch {
      dayFirst = false; // not a locale tag
    }
    if (dayFirstByLocale.size >= 1_000) dayFirstByLocale.clear(); // tags come from clients: bounded
    dayFirstByLocale.set(locale, dayFirst);
  }
  return dayFirst;
}

const dayFirstByLocale = new Map<string, boolean>();

interface Span {
  start: DateTime;
  end: DateTime;
  label: string;
  phrase: string;
  days: number;
  /** Bounded by a time, not by days or parts of them: the card's header adds the times (duringSpan). */
  times?: true;
  /** The hours of its day the question named ("between 2 and 4", "after 3"), as named, before any cut to now. */
  hours?: ClockStretch;
}

/** "the week of the 14th", "week commencing 14 dec", "w/c 14/12": the week that day is in. */
const WEEK_OF_DAY = /\b(?:week|wk) (?:of|commencing|beginning|starting)\b|(?:^|\s)w\/[cb](?=\s)/;
/** "the first week of january", "last week of the month": the first seven days of that month, or its last seven. */
const WEEK_OF_MONTH = /\b(first|1st|second|2nd|third|3rd|fourth|4th|last|final) (?:full )?(?:week|wk) (?:of|in) /;
const WEEK_OF_MONTH_NUMBER: Record<string, number> = { first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, fifth: 5, '5th': 5 };

/** The Monday-to-Sunday week of the day named after "week of" (weekRange's weeks), labelled with its dates. */
function weekOfDay(t: string, found: readonly chrono.ParsedResult[], today: DateTime): Span | undefined {
  if (!WEEK_OF_DAY.test(t)) return undefined;
  const day = dayOfMonth(t, today) ?? dayFromResults(found, today); // "week of monday the 14th": the 14th's
  if (!day) return undefined;
  const start = day.startOf('week');
  return spanOfDays([start, start.plus({ days: 6 })], today);
}

/**
 * "the second week of december": days 8-14 of it; "the last week of december", its last seven. Days of the month,
 * not Monday-to-Sunday weeks, whose first may start in the month before: the label says which days.
 */
function weekOfMonth(t: string, found: readonly chrono.ParsedResult[], today: DateTime): Span | undefined {
  const match = WEEK_OF_MONTH.exec(t);
  if (!match) return undefined;
  const after = match.index + match[0].length;
  // The month after "of" ("last week of december" is not last week's).
  const month = monthRange(t.slice(after), found.filter((result) => result.index >= after), today);
  if (!month) return undefined;
  const number = WEEK_OF_MONTH_NUMBER[match[1]!];
  const first = number === undefined ? month.end.minus({ days: 7 }) : month.start.plus({ days: 7 * (number - 1) });
  return spanOfDays([first, first.plus({ days: 6 })], today);
}

/** "the first monday of january", "last friday of the month", "2nd tuesday of next month": that one day of the month. */
const WEEKDAY_OF_MONTH = /\b(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last|final) (monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun) (?:of|in) /;

/** "the 3rd of next month", "the 15th of this month": a day of a month named by where it is (chrono-node reads a month name's). */
const DAY_OF_RELATIVE_MONTH = /\b([1-9]|[12]\d|3[01])(?:st|nd|rd|th) (?:of|in) (?=(?:this|next|coming|current|the|last|previous) month\b)/;

/**
 * The day WEEKDAY_OF_MONTH names, in the month after "of" as monthRange reads it ("january" the coming one, "the
 * month" this one), or DAY_OF_RELATIVE_MONTH. chrono-node reads "first monday of january" as the coming Monday, "last
 * friday of the month" as last week's Friday, or either as the whole month, as it does "the 3rd of next month". The
 * month itself when it has no such day ("the fifth monday of february", "the 31st of next month" in November).
 */
function weekdayOfMonth(t: string, found: readonly chrono.ParsedResult[], today: DateTime): DateTime | Span | undefined {
  const match = WEEKDAY_OF_MONTH.exec(t) ?? DAY_OF_RELATIVE_MONTH.exec(t);
  if (!match) return undefined;
  const after = match.index + match[0].length;
  const month = monthRange(t.slice(after), found.filter((result) => result.index >= after), today);
  if (!month) return undefined;
  if (match[2] === undefined) {
    const day = month.start.set({ day: Number(match[1]) });
    return day.isValid && day < month.end ? day : month;
  }
  const weekday = WEEKDAY_NUMBER[match[2]!.slice(0, 3)]!;
  const number = WEEK_OF_MONTH_NUMBER[match[1]!];
  if (number === undefined) {
    const last = month.end.minus({ days: 1 });
    return last.minus({ days: (last.weekday - weekday + 7) % 7 });
  }
  const day = month.start.plus({ days: ((weekday - month.start.weekday + 7) % 7) + 7 * (number - 1) });
  return day < month.end ? day : month;
}

/** "this week and next": both weeks, as one answer (it was this week's). */
const BOTH_WEEKS = /\bthis week (?:and|&|\+) (?:the )?next(?: week)?\b/;

/** Weeks run Monday to Sunday (ISO, as Outlook's default work week view). */
function weekRange(t: string, today: DateTime): Span | undefined {
  const match = WEEK.exec(t);
  if (!match) return undefined;
  if (BOTH_WEEKS.test(t)) {
    const start = today.startOf('week');
    const end = start.plus({ days: 14 }).startOf('day');
    return { start, end, label: `This week and next · ${spanDates(start, end.minus({ days: 1 }))}`, phrase: 'this week and next', days: 14 };
  }
  const which = match[1] ? 'after next' : match[2] ?? 'this';
  const unit = match[1] ?? match[3] ?? match[4] ?? 'week';
  const offset = which === 'after next' ? 2 : which === 'next' ? 1 : which === 'last' || which === 'previous' ? -1 : 0;
  const monday = today.startOf('week').plus({ weeks: offset });
  const start = unit === 'weekend' ? monday.plus({ days: 5 }) : monday;
  const days = unit === 'weekend' ? 2 : 7;
  const end = start.plus({ days }).startOf('day');
  const name = offset === 2 ? `${unit === 'weekend' ? 'Weekend' : 'Week'} after next` : `${offset === 1 ? 'Next' : offset === -1 ? 'Last' : 'This'} ${unit}`;
  const phrase = offset === 2 ? `the ${name.toLowerCase()}` : name.toLowerCase();
  return { start, end, label: `${name} · ${spanDates(start, end.minus({ days: 1 }))}`, phrase, days };
}

/**
 * "this month", "next month" ("This month · 1–30 Nov"), or a month named alone ("december", "in january": the
 * coming one, as chrono-node reads it; "December", "January 2027"). A whole month is at most MAX_RANGE_DAYS.
 */
function monthRange(t: string, found: readonly chrono.ParsedResult[], today: DateTime): Span | undefined {
  const relative = MONTH.exec(t);
  const named = found[0]?.start;
  let start: DateTime;
  if (relative) {
    start = today.startOf('month').plus({ months: relative[1] === 'next' ? 1 : relative[1] === 'last' || relative[1] === 'previous' ? -1 : 0 });
  } else if (named?.isCertain('month') && !named.isCertain('day') && !named.isCertain('weekday')) {
    start = DateTime.fromObject({ year: named.get('year')!, month: named.get('month')!, day: 1 }, { zone: today.zone });
  } else {
    return undefined;
  }
  const end = start.plus({ months: 1 }).startOf('day');
  const last = end.minus({ days: 1 });
  const days = daysBetween(start, last) + 1;
  if (relative) {
    const name = `${relative[1] === 'next' ? 'Next' : relative[1] === 'last' || relative[1] === 'previous' ? 'Last' : 'This'} month`;
    return { start, end, label: `${name} · ${spanDates(start, last)}`, phrase: name.toLowerCase(), days };
  }
  const name = `${MONTHS[start.month - 1]}${start.year !== today.year ? ` ${start.year}` : ''}`;
  return { start, end, label: name, phrase: `in ${name}`, days };
}

/** "the next 3 days" from now to the end of the third day, today the first ("Next 3 days · 26–28 Nov"). */
function nextDays(t: string, here: DateTime, today: DateTime): Span | undefined {
  const match = NEXT_DAYS.exec(t);
  if (!match) return undefined;
  const count = /^\d/.test(match[1]!) ? Number(match[1]) : COUNTS[match[1]!.replace(/^a |(?: of)$/g, '')]!;
  if (count === 0) return undefined;
  const unit = match[2]!.startsWith('week') ? 'week' : 'day'; // "the next 1 week" too
  const whole = unit === 'week' ? count * 7 : count;
  // Cut to MAX_RANGE_DAYS, and then named by what is shown: "next 40 days" is "Next 31 days".
  const [days, what] = whole > MAX_RANGE_DAYS ? [MAX_RANGE_DAYS, `${MAX_RANGE_DAYS} days`] : [whole, `${count} ${unit}${count === 1 ? '' : 's'}`];
  const end = today.plus({ days }).startOf('day');
  const dates = days === 1 ? shortDate(today) : spanDates(today, end.minus({ days: 1 }));
  return { start: here, end, label: `Next ${what} · ${dates}`, phrase: `in the next ${what}`, days };
}

/**
 * The whole local day `ahead` days after the one `instant` falls on, labelled and phrased as a question's day is
 * ("Tomorrow · Fri 27 Nov", "tomorrow"): for an answer that looks on to a later day than the one asked about.
 */
export function dayOfQuestion(instant: Date, ahead: number, now: Date, zone: string): { range: TimeRange; label: string; phrase: string } {
  const today = DateTime.fromJSDate(now, { zone: luxonZone(zone) }).startOf('day');
  const span = dayRange(DateTime.fromJSDate(instant, { zone: luxonZone(zone) }).startOf('day').plus({ days: ahead }), today);
  return { range: { start: span.start.toJSDate(), end: span.end.toJSDate() }, label: span.label, phrase: span.phrase };
}

function dayRange(day: DateTime, today: DateTime): Span {
  const start = day.startOf('day');
  const diff = daysBetween(today, start);
  const phrase = diff === 0 ? 'today' : diff === 1 ? 'tomorrow' : diff === -1 ? 'yesterday' : `on ${shortDate(start, today)}`;
  return { start, end: start.plus({ days: 1 }).startOf('day'), label: dayLabel(start, today), phrase, days: 1 };
}

/**
 * The days a question names, in the order named: one ("dec 3", "friday", "the 3rd"), or a list or range of them
 * ("dec 3 and 4", "dec 3-5", "monday to wednesday", "thursday or friday", "today and tomorrow", "the 3rd to the
 * 5th"). A weekday after a day is the first such weekday from that day on: "next tuesday and wednesday" is 1-2 Dec.
 */
function namedDays(t: string, found: readonly chrono.ParsedResult[], today: DateTime): DateTime[] {
  const first = found[0] && hasDay(found) ? found[0] : undefined;
  if (!first) {
    const match = DAY_OF_MONTH.exec(t);
    const day = match && dayOfMonth(t, today, PAST_TENSE.test(t));
    return day ? [day, ...daysOfMonthAfter(t.slice(match.index + match[0].length), day)] : [];
  }
  const days = [dayOf(first.start, today, first.text, today)];
  const before = first.start.isCertain('day') && /^\d/.test(first.text) ? DAYS_BEFORE.exec(t.slice(0, first.index)) : null;
  if (before) days.unshift(...numbersIn(before[0]).map((n) => days[0]!.set({ day: n })).filter((day) => day.isValid && day.month === days[0]!.month));
  let last = first;
  for (const result of found) {
    if (result !== first) {
      const between = hasDay([result]) ? BETWEEN_DAYS.exec(t.slice(endOf(last), result.index)) : null;
      if (!between) break;
      days.push(...followingDays(numbersIn(between[1]!), days.at(-1)!));
      days.push(dayOf(result.start, days.at(-1)!, result.text, today));
      last = result;
    }
    const end = result.end;
    if (end && (end.isCertain('day') || end.isCertain('month') || end.isCertain('weekday'))) {
      const to = dayOf(end, days.at(-1)!, '', today);
      if (to < days.at(-1)!) days.push(...acrossMonthEnd(result.text, days.pop()!, to));
      else days.push(to);
    }
  }
  // A time ends the list: "dec 3 at 10 11" is not 3-11 Dec.
  if (last.start.isCertain('day') && !last.start.isCertain('hour') && !last.end) days.push(...daysOfMonthAfter(t.slice(endOf(last)), days.at(-1)!));
  return days;
}

/** A range written with its month once, after both days: "30-2 dec", "30th to 2nd of december". */
const MONTH_AFTER_RANGE = new RegExp(`^${DAY_NUMBER}\\s*(?:-|to|through|thru|until|till)\\s*${DAY_NUMBER}\\s+(?:of\\s+)?${MONTH_NAME}\\s*$`);
const MONTH_NAMES = new RegExp(`\\b${MONTH_NAME}(?![a-z])`, 'g');

/**
 * A range chrono-node read with its end before its start: it gives the end the start's month when only a day is
 * written after it ("nov 30-2" ends on 2 Nov), and the start the end's when the month comes last ("30-2 dec" starts on
 * 30 Dec). So the end moves a month on (30 Nov - 2 Dec; "dec 28-3" to 3 Jan), or the start a month back; both months
 * written ("dec 30 - jan 2" read in one year), the end a year on.
 */
function acrossMonthEnd(text: string, from: DateTime, to: DateTime): DateTime[] {
  const months = text.match(MONTH_NAMES)?.length ?? 0;
  if (months >= 2) return [from, to.plus({ years: 1 })];
  if (MONTH_AFTER_RANGE.test(text.trim())) {
    const before = from.startOf('month').minus({ months: 1 });
    return from.day <= before.daysInMonth! ? [before.set({ day: from.day }), to] : [to]; // "31-2 dec": no 31 Nov
  }
  const after = to.startOf('month').plus({ months: 1 });
  return [from, after.set({ day: to.day })];
}

/** "and 4", "4 and 5", "to the 5th" after a date: those days, each after the one before (in the next month if need be). */
function daysOfMonthAfter(rest: string, from: DateTime): DateTime[] {
  const match = DAYS_AFTER.exec(rest);
  return match ? followingDays(numbersIn(match[0]), from) : [];
}

/** Days of the month listed after `from`, each after the one before: "dec 31 and 1" is 31 Dec and 1 Jan. */
function followingDays(numbers: readonly number[], from: DateTime): DateTime[] {
  const days: DateTime[] = [];
  let previous = from;
  for (const n of numbers) {
    const month = n >= previous.day ? previous.startOf('month') : previous.startOf('month').plus({ months: 1 }); // "dec 31 and 1"
    if (n > month.daysInMonth!) break; // "feb 28 and 30": no such day
    previous = month.set({ day: n });
    days.push(previous);
  }
  return days;
}

/** Where `result` ends in the question: chrono-node's text may take in blanks after it (an hour range's, too). */
function endOf(result: chrono.ParsedResult): number {
  return result.index + result.text.trimEnd().length;
}

function numbersIn(text: string): number[] {
  return [...text.matchAll(/\d{1,2}/g)].map((match) => Number(match[0]));
}

/**
 * The span of the days named, when they are more than one: the first to the last, the days between included
 * (an answer covers one range; "monday and wednesday" shows Tuesday too), at most MAX_RANGE_DAYS of them.
 * Labelled "3–5 Dec", phrased "on 3–5 Dec".
 */
function spanOfDays(named: readonly DateTime[], today: DateTime): Span | undefined {
  const days = named.filter((day) => day.isValid); // "feb 31"
  if (days.length < 2) return undefined;
  const first = days.reduce((a, b) => (b < a ? b : a));
  const latest = days.reduce((a, b) => (b > a ? b : a));
  // Days more than a year apart are a misreading, not a range to cut to MAX_RANGE_DAYS: the first day named answers.
  if (latest <= first || daysBetween(first, latest) > 366) return undefined;
  const last = daysBetween(first, latest) >= MAX_RANGE_DAYS ? first.plus({ days: MAX_RANGE_DAYS - 1 }) : latest;
  const year = first.year !== today.year || last.year !== today.year ? ` ${last.year}` : '';
  const label = `${spanDates(first, last)}${year}`;
  return { start: first, end: last.plus({ days: 1 }).startOf('day'), label, phrase: `on ${label}`, days: daysBetween(first, last) + 1 };
}

/** "until friday", "till dec 3", "through the 3rd", "before wednesday": the days from now to then (before: to the day before). */
const UNTIL_DAY = /\b(?:until|till|til|through|thru|up (?:to|until)|(before))\s+(?:the\s+|this\s+|next\s+|coming\s+)*$/;

/**
 * The days from now up to the `day` named after "until" ("meetings until wednesday", "what's on till friday", and by
 * now "between now and friday"), that day included unless it is "before" it. chrono-node reads the day alone, so the
 * answer was that one day. Undefined for a day not after today, or one not named so.
 */
function untilDay(t: string, found: readonly chrono.ParsedResult[], day: DateTime, here: DateTime, today: DateTime): Span | undefined {
  // Not a time that day ("before noon tomorrow"), which duringSpan reads.
  if (found[0]?.start.isCertain('hour')) return undefined;
  const at = hasDay(found) ? found[0]!.index : DAY_OF_MONTH.exec(t)?.index;
  const until = at === undefined ? null : UNTIL_DAY.exec(t.slice(0, at));
  if (!until || day <= today) return undefined;
  const last = until[1] ? day.minus({ days: 1 }) : day;
  const span = last > today ? spanOfDays([today, last], today) : restOf(dayRange(today, today), here, today);
  return span && { ...span, start: here };
}

/**
 * "the 3rd", "on the 30th": the next such day of a month, today included (this month's, else the next month that has
 * one); asked in the past tense ("what did I have on the 1st"), the last one gone by, today included.
 */
function dayOfMonth(t: string, today: DateTime, past = false): DateTime | undefined {
  const match = DAY_OF_MONTH.exec(t);
  if (!match) return undefined;
  const wanted = Number(match[1] ?? match[2]);
  for (let months = 0; months < 12; months++) {
    const month = today.startOf('month').plus({ months: past ? -months : months });
    if (wanted > month.daysInMonth!) continue;
    const date = month.set({ day: wanted });
    if (past ? date <= today : date >= today) return date;
  }
  return undefined;
}

/** "Today · Wed 25 Nov · Afternoon", phrased "this afternoon", "tomorrow morning", "on Mon 30 Nov in the evening". */
function partOfDay(day: DateTime, part: DayPart, today: DateTime): Span {
  const whole = dayRange(day, today);
  const { from, to } = DAY_PARTS[part];
  const start = whole.start.set({ hour: from });
  const end = to === 24 ? whole.end : whole.start.set({ hour: to });
  const phrase = whole.phrase === 'today' ? `this ${part}` : whole.phrase === 'tomorrow' || whole.phrase === 'yesterday' ? `${whole.phrase} ${part}` : `${whole.phrase} in the ${part}`;
  return { start, end, label: `${whole.label} · ${part[0]!.toUpperCase()}${part.slice(1)}`, phrase, days: 1 };
}

/**
 * What is left of `span` from `now`, when `now` is inside it: "Rest of today · Wed 25 Nov", "Rest of this week ·
 * 25–29 Nov", "Today · Wed 25 Nov · Afternoon" from now. A span in the past or the future stays whole.
 */
function restOf(span: Span, now: DateTime, today: DateTime): Span {
  if (!(span.start <= now && now < span.end)) return span;
  const last = span.end.minus({ milliseconds: 1 });
  const days = daysBetween(today, last) + 1;
  const what = span.phrase.replace(/^in /, ''); // "in November"
  const label = span.phrase === 'today' ? `Rest of today · ${shortDate(today)}` : span.days > 1 ? `Rest of ${what} · ${spanDates(today, last)}` : span.label;
  return { start: now, end: span.end, label, phrase: `for the rest of ${what}`, days };
}

/** "23–29 Nov", "30 Nov – 6 Dec". */
function spanDates(first: CalendarDate, last: CalendarDate): string {
  return first.month === last.month ? `${dayMonth(first, true)}–${dayMonth(last)}` : `${dayMonth(first)} – ${dayMonth(last)}`;
}

/** The local day a question names, if any. chrono-node reads the words; luxon places the day in `zone`. */
function dayFromResults(found: readonly chrono.ParsedResult[], today: DateTime, past = false): DateTime | undefined {
  const result = found[0];
  if (!result || !hasDay(found)) return undefined;
  const day = dayOf(result.start, today, result.text, today);
  // "what did I have on monday", asked on a Thursday: this week's Monday, not the coming one. Only a bare weekday:
  // "last friday" and dates say which.
  if (past && day > today && !result.start.isCertain('day') && !result.start.isCertain('month') && !/\bnext\b/.test(result.text)) return day.minus({ days: 7 });
  return day;
}

/** The day of the month after a weekday: "monday 7th", "mon the 7th" (a bare "monday 10": weekdayDates). */
const DATE_AFTER_WEEKDAY = /^\s+(?:the\s+)?([1-9]|[12]\d|3[01])(?:st|nd|rd|th)\b/;

/**
 * "monday 7th", "wednesday the 2nd": the next such date that falls on that weekday, this month or the next; else the
 * next such date (a slip in the weekday or the date: the label shows which day it is). chrono-node reads the weekday
 * alone, so "monday 7th" was the coming Monday, whatever its date.
 */
function weekdayWithDate(t: string, found: readonly chrono.ParsedResult[], today: DateTime): DateTime | undefined {
  const first = found[0];
  if (!first || !first.start.isCertain('weekday') || first.start.isCertain('day') || first.start.isCertain('month')) return undefined;
  const date = DATE_AFTER_WEEKDAY.exec(t.slice(endOf(first)));
  if (!date) return undefined;
  const wanted = Number(date[1]);
  const weekday = first.start.get('weekday')! || 7; // chrono-node's Sunday is 0, luxon's 7
  const dates: DateTime[] = [];
  for (let months = 0; months < 12 && dates.length < 2; months++) {
    const month = today.startOf('month').plus({ months });
    const day = wanted <= month.daysInMonth! ? month.set({ day: wanted }) : undefined;
    if (day && day >= today) dates.push(day);
  }
  return dates.find((day) => day.weekday === weekday) ?? dates[0];
}

/**
 * Asked of days gone by ("what did I have on monday", "what was on friday", "meetings I missed on tuesday", "who did I
 * meet on monday", "when was standup on monday", "what was my first meeting on monday"). "when is my last meeting on
 * friday" is the coming Friday's.
 */
const PAST_TENSE =
  /\b(?:did i (?:have|miss|attend|go to|get|meet|see|talk|speak|catch up|chat|join)|(?:who|when|what time) did i\b|(?:when|what time|what|how|where) (?:was|were)|(?:was|were) (?:on|there|i|my|our|the|it|in)|happened|had i|i (?:had|missed|met|saw|attended))\b/;

/** The day chrono-node's `c` names; a bare weekday is the first such day from `from` on (the coming one from today). */
function dayOf(c: chrono.ParsedComponents, from: DateTime, text: string, today: DateTime): DateTime {
  // chrono picks the weekday of the current week, even when past; "what's on monday" asked on a Wednesday means
  // the coming Monday. "next"/"last" keep chrono's reading, as do dates, the short names too ("last fri" is not the
  // coming Friday, nor "next sat" other than "next saturday").
  if (!c.isCertain('day') && !c.isCertain('month') && !/\b(next|last|previous|past)\s+(?:\w*day|mon|tue|wed|thu|thur|thurs|fri|sat|sun)\b/.test(text)) {
    const ahead = (c.get('weekday')! - (from.weekday % 7) + 7) % 7;
    return from.startOf('day').plus({ days: ahead });
  }
  return DateTime.fromObject({ year: c.get('year')!, month: c.get('month')!, day: c.get('day')! }, { zone: today.zone });
}

function hasDay(found: readonly chrono.ParsedResult[]): boolean {
  const c = found[0]?.start;
  return c !== undefined && (c.isCertain('day') || c.isCertain('month') || c.isCertain('weekday'));
}

interface TimeOfDay {
  startHour: number;
  startMinute: number;
  endHour?: number;
  endMinute?: number;
}

/**
 * A time of day or an hour range. Without am/pm, hours 1-7 mean afternoon (nobody asks whether they are free
 * at 3 in the morning during working hours); in a question about the afternoon or evening every hour before noon
 * does ("tonight at 8"), and in one about the morning none does. A range's start takes its end's am/pm unless that
 * would put it after the end: "2-4pm" is 14:00-16:00, "11-12pm" 11:00-12:00.
 */
function timeOfDay(t: string, found: readonly chrono.ParsedResult[], part?: DayPart): TimeOfDay | undefined {
  const range = HOUR_RANGE.exec(t);
  if (range) {
    const startMeridiem = range[3] as Meridiem | undefined;
    const endMeridiem = range[6] as Meridiem | undefined;
    const startMinute = Number(range[2] ?? 0);
    const endMinute = Number(range[5] ?? 0);
    const endHour = toHour(Number(range[4]), endMeridiem, part);
    let startHour = toHour(Number(range[1]), startMeridiem ?? endMeridiem, part);
    if (!startMeridiem && endMeridiem && startHour * 60 + startMinute >= endHour * 60 + endMinute) {
      startHour = toHour(Number(range[1]), endMeridiem === 'pm' ? 'am' : 'pm', part);
    }
    if (valid(startHour, startMinute) && valid(endHour, endMinute)) return { startHour, startMinute, endHour, endMinute };
  }
  for (const result of found) {
    if (!result.start.isCertain('hour')) continue;
    const hour = result.start.get('hour')!;
    const startHour = result.start.isCertain('meridiem') ? hour : toHour(hour, undefined, part);
    return { startHour, startMinute: result.start.get('minute') ?? 0 };
  }
  return undefined;
}

type Meridiem = 'am' | 'pm';

/**
 * The time a CLOCK match names, as timeOfDay reads hours ("after 3" is 15:00; "this evening after 6", 18:00). Midnight
 * is the day's start, or its end for a span up to it ("until midnight").
 */
function clockOf(match: RegExpExecArray, part: DayPart | undefined, edge: 'start' | 'end'): { hour: number; minute: number } | undefined {
  if (match[4]) return match[4] === 'midnight' ? { hour: edge === 'end' ? 24 : 0, minute: 0 } : { hour: 12, minute: 0 };
  const hour = toHour(Number(match[1]), match[3] as Meridiem | undefined, part);
  const minute = Number(match[2] ?? 0);
  return valid(hour, minute) && hour < 24 ? { hour, minute } : undefined;
}

function toHour(hour: number, meridiem: Meridiem | undefined, part: DayPart | undefined): number {
  if (meridiem === 'pm') return hour < 12 ? hour + 12 : hour;
  if (meridiem === 'am') return hour === 12 ? 0 : hour;
  if (part === 'morning') return hour;
  if (part === 'afternoon' || part === 'evening') return hour >= 1 && hour < 12 ? hour + 12 : hour;
  return hour >= 1 && hour <= 7 ? hour + 12 : hour;
}

function valid(hour: number, minute: number): boolean {
  return hour >= 0 && hour <= 24 && minute >= 0 && minute < 60 && !(hour === 24 && minute > 0);
}

function roundUpToFiveMinutes(now: Date): Date {
  const step = 5 * 60_000;
  return new Date(Math.ceil(now.getTime() / step) * step);
}
