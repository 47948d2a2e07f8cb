import type { GraphEvent } from '../../src/graph/graph-event.js';
import { joinUrlOf } from '../../src/sync/join-url.js';

const event = (fields: Partial<GraphEvent>): GraphEvent => ({ id: 'e', start: { dateTime: '2026-12-02T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-02T10:00:00', timeZone: 'UTC' }, ...fields });
const zoomBody = `<html><body><p>Hi there,</p><p>Join Zoom Meeting<br><a href="https://us02web.zoom.us/j/81234567890?pwd=Ab12Cd&amp;from=addon">https://us02web.zoom.us/j/81234567890?pwd=Ab12Cd&amp;from=addon</a></p><p>Meeting ID: 812 3456 7890</p></body></html>`;

describe('joinUrlOf: the link that joins an online meeting', () => {
  it.each<[string, Partial<GraphEvent>, string | undefined]>([
    ['a Teams meeting Outlook made', { onlineMeeting: { joinUrl: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0' }, bodyPreview: 'see https://zoom.us/j/1' }, 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0'],
    ['the older onlineMeetingUrl', { onlineMeetingUrl: 'https://meet.google.com/abc-defg-hij' }, 'https://meet.google.com/abc-defg-hij'],
    ['a Zoom link in the location', { location: { displayName: 'https://us02web.zoom.us/j/81234567890' } }, 'https://us02web.zoom.us/j/81234567890'],
    ['a Meet link among the locations', { locations: [{ displayName: 'Room 4' }, { displayName: 'Google Meet', locationUri: 'https://meet.google.com/abc-defg-hij' }] }, 'https://meet.google.com/abc-defg-hij'],
    ['a Webex link in the preview, after a sentence', { bodyPreview: 'Join at https://contoso.webex.com/meet/ada. Thanks!' }, 'https://contoso.webex.com/meet/ada'],
    ['a Zoom invitation in an HTML body (&amp; between parameters)', { body: { contentType: 'html', content: zoomBody } }, 'https://us02web.zoom.us/j/81234567890?pwd=Ab12Cd&from=addon'],
    ['a Teams meeting of another tenant, only in the body', { body: { contentType: 'html', content: '<a href="https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0?context=%7b%7d">Join the meeting now</a>' } }, 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0?context=%7b%7d'],
    ['a link wrapped by Safe Links', { bodyPreview: 'https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fzoom.us%2Fj%2F999&data=05%7C01&reserved=0' }, 'https://zoom.us/j/999'],
    ['a document link is not a join link', { bodyPreview: 'Agenda: https://contoso.sharepoint.com/sites/x/agenda.docx' }, undefined],
    ['a host that only ends like one', { location: { displayName: 'https://notzoom.us/j/1 and https://zoom.us.evil.example/j/1' } }, undefined],
    ['plain http', { location: { displayName: 'http://zoom.us/j/1' } }, undefined],
    ['credentials in the link', { location: { displayName: 'https://user:pw@zoom.us/j/1' } }, undefined],
    ['a javascript: onlineMeetingUrl', { onlineMeetingUrl: 'javascript:alert(1)' }, undefined],
    ['nothing at all', { location: { displayName: 'Room 4' }, bodyPreview: '' }, undefined],
  ])('%s', (_case, fields, expected) => {
    expect(joinUrlOf(event(fields))).toBe(expected);
  });

  it('reads only the first 64 KB of a body, and a 60 KB run of URL characters is no link', () => {
    const late = `${'x'.repeat(70 * 1024)} https://zoom.us/j/1`;
    expect(joinUrlOf(event({ body: { content: late } }))).toBeUndefined();
    const hostile = `https://${'a'.repeat(60_000)}`;
    expect(joinUrlOf(event({ body: { content: hostile } }))).toBeUndefined();
  });
});
