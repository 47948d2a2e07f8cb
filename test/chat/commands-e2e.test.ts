import { startHarness, teamsUser, type Harness } from '../support/calbot-harness.js';
import { microsoftAppMissingMessage } from '../../src/auth/sign-in-card.js';
import { NOT_CONNECTED_TEXT } from '../../src/chat/ask-commands.js';
import { seedAccount, userKeyOf } from './ask-support.js';

/**
 * The commands other than schedule questions, said wrong, partly, with extra words or twice, through the real bot
 * (local mode: no Microsoft app, so "sync now" and questions say an admin must set Outlook up). Each gets a reply
 * that says what to type, and none changes a setting it was not asked to.
 */
describe('commands said wrong, partly or with extra words', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, 'commands');
  });
  afterAll(async () => {
    await h.close();
  });

  const NOTIFY_USAGE = 'I can only turn change notices on or off: say "notify on" or "notify off" ("notify" alone says which it is).';

  it('"notify maybe" and other words after notify: how to say it, and the setting stays as it was', async () => {
    const user = teamsUser('Nico Notify');
    expect(await h.say('notify off', user)).toEqual(['Change notices are off. Say "notify on" to get them again.']);
    for (const text of ['notify maybe', 'Notify: offf', 'notifications sometimes']) expect(await h.say(text, user)).toEqual([NOTIFY_USAGE]);
    const chatUser = await h.store.collections.chatUsers.findOne({ _id: userKeyOf(user) });
    expect(chatUser?.notify?.enabled).toBe(false);
    expect((await h.say('notify', user))[0]).toMatch(/^Change notices are off\. /);
    // Said another way, or with a please: the command, not the usage line. No calendar linked yet: it says to link one.
    expect(await h.say('Notify on please!', user)).toEqual([
      'Change notices are on: I\'ll tell you here when a meeting in the next 14 days is added, moved, changed or cancelled. Say "connect outlook" first, so that I can see your calendar.',
    ]);
    const connected = teamsUser('Cora Connected');
    await seedAccount(h, connected);
    expect(await h.say('notify on', connected)).toEqual(['Change notices are on: I\'ll tell you here when a meeting in the next 14 days is added, moved, changed or cancelled.']);
    expect(await h.say('stop notifications', user)).toEqual(['Change notices are off. Say "notify on" to get them again.']);
  });

  it('"quiet hours 25:00-7", "quiet hours 10 to 7": what is wrong and what to type, and the quiet hours set stay', async () => {
    const user = teamsUser('Quinn Quiet');
    const quietHours = async () => (await h.store.collections.chatUsers.findOne({ _id: userKeyOf(user) }))?.notify?.quietHours;
    expect((await h.say('Quiet hours 10pm to 7am.', user))[0]).toMatch(/^Quiet hours set: 22:00–07:00 \(Europe\/Berlin\)\./);
    expect(await h.say('quiet hours 25:00-7', user)).toEqual(['"25:00" isn\'t a time of day. Try "quiet hours 22:00-07:00", or "quiet hours off".']);
    expect(await h.say('quiet hours 10 to 7', user)).toEqual([
      'I can\'t tell whether "10 to 7" is in the morning or the evening: say it with am or pm, like "quiet hours 10pm-7am", or on the 24-hour clock, like "quiet hours 22:00-07:00".',
    ]);
    expect(await quietHours()).toEqual({ start: '22:00', end: '07:00' });
    expect((await h.say('quiet hours 23h-6h', user))[0]).toMatch(/^Quiet hours set: 23:00–06:00 /);
    expect(await quietHours()).toEqual({ start: '23:00', end: '06:00' });
  });

  it('other ways of saying them: "set quiet hours to 22-7" (was a question about 22:00 to 07:00), "turn off quiet hours", "reset my timezone", "resync", "sync now 🙂"', async () => {
    const user = teamsUser('Vic Variants');
    const chatUser = () => h.store.collections.chatUsers.findOne({ _id: userKeyOf(user) });
    expect((await h.say('set quiet hours to 22-7', user))[0]).toMatch(/^Quiet hours set: 22:00–07:00 /);
    expect((await chatUser())?.notify?.quietHours).toEqual({ start: '22:00', end: '07:00' });
    expect(await h.say('turn off quiet hours', user)).toEqual(['Quiet hours off: notices arrive as they happen.']);
    expect((await chatUser())?.notify?.quietHours).toBeUndefined();
    expect((await h.say('Change my time zone to Tokyo', user))[0]).toMatch(/^Times are now shown in Asia\/Tokyo /);
    expect((await h.say('reset my timezone', user))[0]).toMatch(/^Time zone override cleared\. Times are shown in Europe\/Berlin, from Teams /);
    expect((await chatUser())?.timeZoneOverride).toBeUndefined();
    for (const text of ['resync', 'refresh my calendar', 'sync now 🙂', 'Sync now…']) expect(await h.say(text, user)).toEqual([microsoftAppMissingMessage()]);
    expect(await h.say("what's my status?", user)).toEqual([microsoftAppMissingMessage()]);
  });

  it('"help notify", "help with quiet hours", "timezone help": that command\'s line; "help me": the whole list', async () => {
    const [notify] = await h.say('help notify');
    expect(notify).toBe(
      '• **notify on / notify off**: tell me here when a meeting in the next 14 days is added, moved, changed or cancelled (on by default)\n\nType "help" to see everything I can do.',
    );
    expect((await h.say('Help with quiet hours?'))[0]).toMatch(/^• \*\*quiet hours 22:00-07:00\*\*: .*\n\nType "help" to see everything I can do\.$/);
    expect((await h.say('timezone help'))[0]).toMatch(/^• \*\*timezone Europe\/Paris\*\*: /);
    expect((await h.say('help sync status'))[0]).toMatch(/^• \*\*sync status\*\*: /);
    const [all] = await h.say('help me');
    expect(all).toMatch(/^Here's what I can do:/);
    expect(all).toMatch(/\n\n• \*\*help\*\*: this list \("help notify": about one command\)$/);
    // A question about a meeting named "help desk" stays a question.
    expect(await h.say('help desk meeting tomorrow')).toEqual([`${NOT_CONNECTED_TEXT} ${microsoftAppMissingMessage()}`]);
  });

  it('the bot addressed by name, asked with a please or after a greeting: the command', async () => {
    for (const text of ['calbot, sync now please', 'Please sync now.', 'calbot: sync status']) expect(await h.say(text)).toEqual([microsoftAppMissingMessage()]);
    expect((await h.say('calbot help'))[0]).toMatch(/^Here's what I can do:/);
    // After a greeting or an "ok": the command ("ok sync now" was answered as "am I in a meeting now").
    for (const text of ['ok sync now', 'Hi calbot, sync now', 'thanks! sync status']) expect(await h.say(text)).toEqual([microsoftAppMissingMessage()]);
    expect((await h.say('hi there'))[0]).toMatch(/^Hi! /);
  });

  it('"timezone paris", "Timezone EST please", a Windows name with a please: that zone; "timezone +2": asks for the name and keeps the zone set; "timezone" alone: which one', async () => {
    const user = teamsUser('Tess Zone');
    const override = async () => (await h.store.collections.chatUsers.findOne({ _id: userKeyOf(user) }))?.timeZoneOverride;
    expect((await h.say('timezone paris', user))[0]).toMatch(/^Times are now shown in Europe\/Paris \(currently \d{2}:\d{2}\)\.$/);
    expect(await override()).toBe('Europe/Paris');
    const [offset] = await h.say('timezone +2', user);
    expect(offset).toMatch(/^A UTC offset doesn't follow daylight saving time, so tell me your zone by its name, like "timezone /);
    expect(await override()).toBe('Europe/Paris');
    // EST alone is a fixed UTC-5 (ICU: America/Panama); said in chat it means New York's time, summer included.
    expect((await h.say('calbot, Timezone EST please', user))[0]).toMatch(/^Times are now shown in America\/New_York /);
    expect(await override()).toBe('America/New_York');
    expect((await h.say('timezone', user))[0]).toMatch(/^Times are shown in America\/New_York, as you set it \(currently /);
    expect((await h.say('Timezone W. Europe Standard Time, please!', user))[0]).toMatch(/^Times are now shown in Europe\/Berlin /);
  });

  it('"disconnect outlook now" disconnects; "disconnect teams" deletes nothing and says what to type', async () => {
    const user = teamsUser('Dora Disconnect');
    await seedAccount(h, user);
    expect(await h.say('disconnect teams', user)).toEqual(['To unlink your Outlook calendar and delete what I synced from it, say "disconnect outlook".']);
    expect(await h.store.collections.accounts.countDocuments({ _id: userKeyOf(user) })).toBe(1);
    expect(await h.store.collections.syncStates.countDocuments({ _id: userKeyOf(user) })).toBe(1);
    // Without a Microsoft app nothing holds tokens to unlink; the synced calendar is deleted all the same.
    expect(await h.say('Disconnect my Outlook now!', user)).toEqual(['You are not connected to Outlook, so there was nothing to disconnect.']);
    expect(await h.store.collections.syncStates.countDocuments({ _id: userKeyOf(user) })).toBe(0);
  });
});
