import type { GraphEvent } from '../../src/graph/graph-event.js';
import { joinUrlOf } from '../../src/sync/join-url.js';

const event = (fields: Partial<GraphEvent>): GraphEvent => ({ id: 'e', start: { dateTime: '2026-12-02T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-02T10:00:00', timeZone: 'UTC' }, ...fields });
const html = (content: string) => ({ body: { contentType: 'html', content } });

const ZOOM = 'https://us02web.zoom.us/j/81234567890?pwd=bXlwYXNzY29kZTEyMzQ1Njc4OQ.1';
const safeLink = (url: string) =>
  `https://eur02.safelinks.protection.outlook.com/?url=${encodeURIComponent(url)}&amp;data=05%7C02%7Cgrace%40contoso.com%7C5f0c%7C72f988bf%7C0%7C0%7C638%7CUnknown%7CTWFpbGZsb3d8eyJWIjoiMC4wLjAwMDAiLCJQIjoiV2luMzIiLCJBTiI6Ik1haWwiLCJXVCI6Mn0%3D%7C0%7C%7C%7C&amp;sdata=Zm9vYmFyYmF6%3D&amp;reserved=0`;

/** A Zoom invitation from outside as Outlook stores it: Safe Links rewrote the hrefs, the link text stays as typed. */
const zoomInvitation = `<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<style type="text/css" style="display:none">P {margin-top:0;margin-bottom:0;}</style>
</head><body dir="ltr">
<div class="elementToProof" style="font-family: Aptos, sans-serif; font-size: 12pt;">Hi there,</div>
<div class="elementToProof">&nbsp;</div>
<div>Ada Lovelace is inviting you to a scheduled Zoom meeting.</div>
<div>&nbsp;</div>
<div>Join Zoom Meeting</div>
<div><a href="${safeLink(ZOOM)}" originalsrc="${ZOOM}" shash="k3L9">${ZOOM}</a></div>
<div>&nbsp;</div>
<div>Meeting ID: 812 3456 7890</div>
<div>Passcode: 123456</div>
<div>---</div>
<div>One tap mobile</div>
<div>+16465588656,,81234567890#,,,,*123456# US (New York)</div>
<div>Find your local number: <a href="${safeLink('https://us02web.zoom.us/u/kdXyZ12')}">https://us02web.zoom.us/u/kdXyZ12</a></div>
</body></html>`;

/** Google Calendar's invitation: its own calendar links first, then the Meet button, dial-in and help. */
const meetInvitation = `<html><body><div itemscope itemtype="http://schema.org/Event">
<p><a href="https://calendar.google.com/calendar/event?action=VIEW&amp;eid=NWQ0c2Y&amp;tok=MjIj&amp;ctz=Europe%2FBerlin&amp;hl=en&amp;es=1">View on Google Calendar</a></p>
<h2>Design crit</h2>
<a href="https://meet.google.com/abc-defg-hij?hs=224" style="background-color:#1a73e8;color:#fff">Join with Google Meet</a>
<p>meet.google.com/abc-defg-hij</p>
<p>Join by phone <a href="https://tel.meet/abc-defg-hij?pin=3141592653589&amp;hs=0">(US) +1 575-221-0123</a> PIN: 314 159 265#</p>
<p><a href="https://support.google.com/a/users/answer/9282720?hl=en">Learn more about Meet</a></p>
</div></body></html>`;

/** A Webex invitation: the product's logo link comes before the meeting's. */
const webexInvitation = `<div><a href="https://www.webex.com/"><img alt="Webex" src="cid:logo"></a></div>
<p>When it's time, join the Webex meeting here.</p>
<p><a href="https://acme.webex.com/acme/j.php?MTID=m5f1c0a3b2e4d6f8a9b0c1d2e3f4a5b6c">Join meeting</a></p>
<p>Meeting number (access code): 2630 123 4567<br>Meeting password: Xy7pQ3</p>
<p>Join from a video system or application: dial 26301234567@acme.webex.com</p>
<p>Need help? Go to <a href="https://help.webex.com">https://help.webex.com</a></p>`;

const TEAMS_JOIN =
  'https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzU4ZDVhMTItYWQ3Yi00ZGFiLWIzZjMtOTY3YmE4ZmRjNzQ2%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47%22%2c%22Oid%22%3a%22d2b5a0a1-1c2d-4e5f-8a9b-0c1d2e3f4a5b%22%7d';
/** A Teams meeting of another organization: Graph gives no onlineMeeting; the invitation's text has the link. */
const teamsInvitation = `<div style="width:100%"><span style="white-space:nowrap;color:#5F5F5F;opacity:.36;">________________________________________________________________________________</span></div>
<div class="me-email-text" lang="en-US" style="color:#252424;font-family:'Segoe UI','Helvetica Neue',Helvetica,Arial,sans-serif;">
<div style="margin-top:24px;margin-bottom:20px;"><span style="font-size:24px;color:#252424">Microsoft Teams</span>
<a href="https://aka.ms/JoinTeamsMeeting?omkt=en-US" style="font-size:14px;text-decoration:underline;color:#5B5FC7;">Need help?</a></div>
<div style="margin-bottom:6px;"><a class="me-email-headline" href="${TEAMS_JOIN}" target="_blank" rel="noreferrer noopener" style="font-size:20px;font-weight:600;text-decoration:underline;color:#5B5FC7;">Join the meeting now</a></div>
<div style="margin-bottom:6px;"><span style="font-size:14px;color:#616161;">Meeting ID: </span><span style="font-size:14px;color:#242424;">245 123 456 789</span></div>
<div style="margin-bottom:20px;"><span style="font-size:14px;color:#616161;">Passcode: </span><span style="font-size:14px;color:#242424;">a3BcDe</span></div>
<div><span style="font-size:14px;color:#242424;">For organizers: </span><a href="https://teams.microsoft.com/meetingOptions/?organizerId=d2b5a0a1&amp;tenantId=72f988bf&amp;threadId=19_meeting_NzU4@thread.v2&amp;messageId=0&amp;language=en-US" style="font-size:14px;text-decoration:underline;color:#5B5FC7;">Meeting options</a></div>
</div>`;

describe('joinUrlOf: the link that joins an online meeting', () => {
  it.each<[string, Partial<GraphEvent>, string | undefined]>([
    // Graph's own fields first.
    ['a Teams meeting Outlook made', { onlineMeeting: { joinUrl: TEAMS_JOIN }, bodyPreview: 'see https://zoom.us/j/1' }, TEAMS_JOIN],
    ['the older onlineMeetingUrl', { onlineMeetingUrl: 'https://meet.google.com/abc-defg-hij' }, 'https://meet.google.com/abc-defg-hij'],
    ['an http onlineMeeting is passed over for the location', { onlineMeeting: { joinUrl: 'http://teams.example/x' }, location: { displayName: 'https://zoom.us/j/91234567890' } }, 'https://zoom.us/j/91234567890'],
    ['a javascript: onlineMeetingUrl', { onlineMeetingUrl: 'javascript:alert(1)' }, undefined],
    ['a data: onlineMeetingUrl', { onlineMeetingUrl: 'data:text/html,<script>alert(1)</script>' }, undefined],

    // Locations.
    ['a Zoom link in the location (the Zoom add-in puts it there)', { location: { displayName: 'https://us02web.zoom.us/j/81234567890' } }, 'https://us02web.zoom.us/j/81234567890'],
    ['a room and a link in the location, "; " between', { location: { displayName: 'Room 4; https://meet.jit.si/AcmeWeeklyPlanning' } }, 'https://meet.jit.si/AcmeWeeklyPlanning'],
    ['a Meet link among the locations', { locations: [{ displayName: 'Room 4' }, { displayName: 'Google Meet', locationUri: 'https://meet.google.com/abc-defg-hij' }] }, 'https://meet.google.com/abc-defg-hij'],

    // Invitations as Outlook stores them.
    ['a Zoom invitation from outside, its links behind Safe Links', html(zoomInvitation), ZOOM],
    ['a Google Meet invitation, after Google Calendar\'s own links', html(meetInvitation), 'https://meet.google.com/abc-defg-hij?hs=224'],
    ['a Webex invitation, after webex.com\'s logo link', html(webexInvitation), 'https://acme.webex.com/acme/j.php?MTID=m5f1c0a3b2e4d6f8a9b0c1d2e3f4a5b6c'],
    ['a Teams meeting of another organization, only in the body', html(teamsInvitation), TEAMS_JOIN],
    ['a Teams meeting\'s short link', { bodyPreview: 'Join: https://teams.microsoft.com/meet/24512345678901?p=a3BcDeFgHiJk' }, 'https://teams.microsoft.com/meet/24512345678901?p=a3BcDeFgHiJk'],
    ['a Zoom invitation as plain text', { body: { contentType: 'text', content: 'Join Zoom Meeting\r\nhttps://zoom.us/j/91234567890?pwd=abc&uname=Ada\r\n\r\nMeeting ID: 912 3456 7890' } }, 'https://zoom.us/j/91234567890?pwd=abc&uname=Ada'],
    ['a Zoom recording before the join link is not the join link', { bodyPreview: "Last week's recording: https://us02web.zoom.us/rec/share/AbCdEf. Join: https://us02web.zoom.us/j/81234567890" }, 'https://us02web.zoom.us/j/81234567890'],
    ['GoTo: the join link, not the app download', { bodyPreview: 'New to GoTo? Get the app: https://global.gotomeeting.com/install/123456789 Join: https://global.gotomeeting.com/join/123456789' }, 'https://global.gotomeeting.com/join/123456789'],
    ['GoTo\'s newer host', { bodyPreview: 'Please join my meeting from your computer. https://meet.goto.com/123456789' }, 'https://meet.goto.com/123456789'],
    ['Amazon Chime', { bodyPreview: 'Click to join the meeting: https://chime.aws/4815162342' }, 'https://chime.aws/4815162342'],
    ['Whereby', { bodyPreview: 'We meet at https://whereby.com/acme-standup!' }, 'https://whereby.com/acme-standup'],
    ['BlueJeans', { bodyPreview: 'To join: https://bluejeans.com/123456789/1234' }, 'https://bluejeans.com/123456789/1234'],
    ['a Webex link in the preview, after a sentence', { bodyPreview: 'Join at https://contoso.webex.com/meet/ada. Thanks!' }, 'https://contoso.webex.com/meet/ada'],
    ['a link in brackets, then a full stop', { bodyPreview: 'The call (https://zoom.us/j/91234567890).' }, 'https://zoom.us/j/91234567890'],
    ['an upper-case link', { bodyPreview: 'HTTPS://ZOOM.US/J/91234567890' }, 'https://zoom.us/J/91234567890'],

    // HTML entities: &amp; is part of the link; an entity for a space, a quote or a bracket ends it.
    ['&amp; between parameters', html('<a href="https://zoom.us/j/91234567890?pwd=abc&amp;uname=Ada">Join</a>'), 'https://zoom.us/j/91234567890?pwd=abc&uname=Ada'],
    ['&#38; and &#x26; too', html('https://zoom.us/j/91234567890?a=1&#38;b=2&#x26;c=3 '), 'https://zoom.us/j/91234567890?a=1&b=2&c=3'],
    ['a link followed by &nbsp;', html('<p>Join Zoom Meeting https://us02web.zoom.us/j/81234567890&nbsp;Meeting ID: 812</p>'), 'https://us02web.zoom.us/j/81234567890'],
    ['a link in &lt; &gt;, as a text mail becomes HTML', html('<pre>Join the meeting now&lt;https://zoom.us/j/91234567890?pwd=abc&gt;</pre>'), 'https://zoom.us/j/91234567890?pwd=abc'],
    ['a link in &quot;', html('<p>&quot;https://meet.jit.si/Acme&quot;</p>'), 'https://meet.jit.si/Acme'],
    ['a link before a curly quote (&rdquo;)', html('<p>“https://meet.jit.si/Acme&rdquo;</p>'), 'https://meet.jit.si/Acme'],
    ['a bare & in a link', html('https://zoom.us/j/91234567890?a=1&b=2 '), 'https://zoom.us/j/91234567890?a=1&b=2'],

    // The preview stops after ~255 characters: a link cut there is not taken when the body has it whole.
    ['a link cut at the end of the preview', { bodyPreview: 'Hi there, Ada Lovelace is inviting you to a scheduled Zoom meeting. Join Zoom Meeting https://us02web.zoom.us/j/8123', ...html(`<p>Join Zoom Meeting ${ZOOM}</p>`) }, ZOOM],
    ['a link at the end of a preview with no body behind it', { bodyPreview: 'Join: https://zoom.us/j/91234567890' }, 'https://zoom.us/j/91234567890'],

    // Safe Links.
    ['a link wrapped by Safe Links', { bodyPreview: 'https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fzoom.us%2Fj%2F999&data=05%7C01&reserved=0' }, 'https://zoom.us/j/999'],
    ['Safe Links of the US Government cloud', { bodyPreview: `https://gcc02.safelinks.protection.office365.us/?url=${encodeURIComponent('https://acme.zoomgov.com/j/1612345678')}&data=x` }, 'https://acme.zoomgov.com/j/1612345678'],
    ['Safe Links wrapped twice (a forwarded mail)', { bodyPreview: `https://eur01.safelinks.protection.outlook.com/?url=${encodeURIComponent(safeLink('https://zoom.us/j/91234567890').replaceAll('&amp;', '&'))}&data=y` }, 'https://zoom.us/j/91234567890'],
    ['Safe Links around a document', html(`<a href="${safeLink('https://contoso.sharepoint.com/sites/x/agenda.docx')}">Agenda</a>`), undefined],
    ['Safe Links around plain http', html(`<a href="${safeLink('http://zoom.us/j/91234567890')}">Join</a>`), undefined],
    ['a host that looks like Safe Links', { bodyPreview: 'https://eur01.safelinks.protection.outlook.com.evil.example/?url=https%3A%2F%2Fzoom.us%2Fj%2F1' }, undefined],

    // Not join links.
    ['a document link is not a join link', { bodyPreview: 'Agenda: https://contoso.sharepoint.com/sites/x/agenda.docx' }, undefined],
    ['a Teams meeting\'s options page', html('<a href="https://teams.microsoft.com/meetingOptions/?organizerId=d2b5&amp;tenantId=72f9">Meeting options</a>'), undefined],
    ['a service\'s help pages', { bodyPreview: 'Need help? https://help.webex.com/en-us/article/n62wi3c and https://zoom.us/support/download' }, undefined],
    ['a host that only ends like one', { location: { displayName: 'https://notzoom.us/j/1 and https://zoom.us.evil.example/j/1' } }, undefined],
    ['a look-alike host (Cyrillic о)', { location: { displayName: 'https://zооm.us/j/91234567890' } }, undefined],
    ['plain http', { location: { displayName: 'http://zoom.us/j/1' } }, undefined],
    ['credentials in the link', { location: { displayName: 'https://user:pw@zoom.us/j/1' } }, undefined],
    ['a known host as the user name', { location: { displayName: 'https://zoom.us@evil.example/j/1' } }, undefined],
    ['another port', { location: { displayName: 'https://zoom.us:8443/j/1' } }, undefined],
    ['a javascript: link in the body', html('<a href="javascript:alert(document.cookie)">Join Zoom Meeting</a>'), undefined],
    ['nothing at all', { location: { displayName: 'Room 4' }, bodyPreview: '' }, undefined],
  ])('%s', (_case, fields, expected) => {
    expect(joinUrlOf(event(fields))).toBe(expected);
  });

  it('reads only the first 64 KB of a body, and takes no link cut at that point', () => {
    const late = `${'x'.repeat(70 * 1024)} https://zoom.us/j/1`;
    expect(joinUrlOf(event({ body: { content: late } }))).toBeUndefined();
    const straddling = `${'x'.repeat(64 * 1024 - 30)} https://zoom.us/j/91234567890?pwd=abcdefghijklmnop more`;
    expect(joinUrlOf(event({ body: { content: straddling } }))).toBeUndefined();
    // Not bodies this long refused whole: the same links inside the first 64 KB are read.
    expect(joinUrlOf(event({ body: { content: `${'x'.repeat(60 * 1024)} https://zoom.us/j/1 ${'x'.repeat(10 * 1024)}` } }))).toBe('https://zoom.us/j/1');
    expect(joinUrlOf(event({ body: { content: `${'x'.repeat(64 * 1024 - 100)} https://zoom.us/j/91234567890?pwd=abcdefghijklmnop more` } }))).toBe('https://zoom.us/j/91234567890?pwd=abcdefghijklmnop');
  });

  // Each of these once made a regex backtrack for seconds, or returned a 60 KB "link"; the answer is none.
  it.each<[string, Partial<GraphEvent>]>([
    ['a 60 KB run of URL characters', html(`https://${'a'.repeat(60_000)}`)],
    ['a join link followed by 60,000 full stops', html(`https://zoom.us/j/1${'.'.repeat(60_000)}x`)],
    ['the same in the location and every one of many locations', { location: { displayName: `https://zoom.us/j/1${'.'.repeat(60_000)}x` }, locations: Array.from({ length: 1000 }, () => ({ displayName: `https://zoom.us/j/1${')'.repeat(60_000)}x` })) }],
    ['a join link followed by 20,000 &amp;', html(`https://zoom.us/j/1?a=1${'&amp;'.repeat(20_000)}`)],
    ['10,000 schemes in a row', html('https://'.repeat(10_000))],
    ['10,000 ampersands that start no entity', html(`https://zoom.us/j/1?${'&'.repeat(10_000)}`)],
  ])('%s', (_case, fields) => {
    expect(joinUrlOf(event(fields))).toBeUndefined();
  });
});
