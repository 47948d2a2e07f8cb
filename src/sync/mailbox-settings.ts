import type { UpdateFilter } from 'mongodb';
import { readMailboxSettings, type MailboxSettings } from '../graph/calendar-delta.js';
import type { GraphClient } from '../graph/graph-client.js';
import type { Logger } from '../log.js';
import type { AccountDoc, Collections } from '../store/collections.js';

/**
 * The mailbox's zone, working hours and clock (12- or 24-hour), and its mail address, kept on the account: read at
 * sign-in, then again about once a day by the sync job, so a user who moves or changes these in Outlook gets answers
 * in the new ones (and accounts linked before calbot kept the address get it).
 */

/** How old the stored mailboxSettings may get before a sync job reads them again. */
export const MAILBOX_SETTINGS_MAX_AGE_MS = 24 * 60 * 60_000;

/**
 * The account update recording what mailboxSettings said (plus `extra` fields). Working hours or a clock Outlook
 * no longer gives are removed, so the defaults apply; a zone we cannot map (a "Customized Time Zone") keeps the
 * last one.
 */
export function mailboxSettingsUpdate(settings: MailboxSettings & { mail?: string | null }, now: Date, extra: Partial<AccountDoc> = {}): UpdateFilter<AccountDoc> {
  const set: Partial<AccountDoc> = { ...extra, mailboxSettingsReadAt: now, updatedAt: now };
  if (settings.mailboxTimeZone) set.mailboxTimeZone = settings.mailboxTimeZone;
  if (settings.workingHours) set.workingHours = settings.workingHours;
  if (settings.clockStyle) set.clockStyle = settings.clockStyle;
  // `mail`: undefined = not read (kept); null or '' = Graph says there is none.
  const mail = settings.mail?.trim().toLowerCase();
  if (mail) set.mail = mail;
  const unset = {
    ...(settings.workingHours ? {} : { workingHours: '' as const }),
    ...(settings.clockStyle ? {} : { clockStyle: '' as const }),
    ...(settings.mail !== undefined && !mail ? { mail: '' as const } : {}),
  };
  return Object.keys(unset).length > 0 ? { $set: set, $unset: unset } : { $set: set };
}

export interface MailboxSettingsRefreshDeps {
  collections: Pick<Collections, 'accounts'>;
  graphFor(userKey: string): GraphClient;
  logger: Logger;
  clock?: () => Date;
}

/**
 * Reads the user's mailboxSettings again when the stored ones are older than MAILBOX_SETTINGS_MAX_AGE_MS (or were
 * never read: accounts from before working hours were kept). Never throws: a failure keeps what is stored, is
 * logged, and is tried again after the next round.
 */
export async function refreshMailboxSettings(deps: MailboxSettingsRefreshDeps, userKey: string): Promise<'fresh' | 'read' | 'failed' | 'not-connected'> {
  const now = (deps.clock ?? (() => new Date()))();
  const { accounts } = deps.collections;
  try {
    const account = await accounts.findOne({ _id: userKey }, { projection: { status: 1, mailboxSettingsReadAt: 1 } });
    if (!account || account.status !== 'connected') return 'not-connected';
    if (account.mailboxSettingsReadAt && now.getTime() - account.mailboxSettingsReadAt.getTime() < MAILBOX_SETTINGS_MAX_AGE_MS) return 'fresh';
    const graph = deps.graphFor(userKey);
    // The address is a nicety beside the settings (who to leave out of a meeting's people): a failed /me keeps the
    // stored one and does not hold the settings back.
    const [settings, me] = await Promise.all([readMailboxSettings(graph), graph.get<{ mail?: string | null }>('/me').catch(() => undefined)]);
    // Only onto a still-connected account: a disconnect meanwhile removed it, and this must not bring it back.
    await accounts.updateOne({ _id: userKey, status: 'connected' }, mailboxSettingsUpdate(me ? { ...settings, mail: me.mail ?? null } : settings, now));
    deps.logger.info({ event: 'mailbox-settings-read', userKey, zone: settings.mailboxTimeZone ?? null, workingHours: settings.workingHours !== undefined }, 'mailbox settings read');
    return 'read';
  } catch (error) {
    deps.logger.warn({ event: 'mailbox-settings-failed', userKey, err: (error as Error).message }, 'could not read mailbox settings; the stored ones stay');
    return 'failed';
  }
}
