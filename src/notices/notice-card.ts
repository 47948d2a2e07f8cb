import type { Attachment } from 'botbuilder';
import { CARD_VERSION, renderCard } from '../chat/cards/render-card.js';
import type { NoticeLine } from './notice-text.js';

/** More changes than this in one delivery become one summary card instead of a message each. */
export const MAX_SEPARATE_NOTICES = 5;
/** Rows a summary card lists before "and N more". */
export const MAX_SUMMARY_ROWS = 10;

/**
 * Several change notices as one Adaptive Card. Calendar text (subjects, locations) is bound into TextRuns,
 * which Teams renders without markdown. Every bound field is a string: the templating library leaves "${x}"
 * in place when x is missing.
 */
export const NOTICE_SUMMARY_TEMPLATE = {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  type: 'AdaptiveCard',
  version: CARD_VERSION,
  body: [
    { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: '${header}', weight: 'Bolder', size: 'Medium' }] },
    { type: 'RichTextBlock', $when: "${intro != ''}", inlines: [{ type: 'TextRun', text: '${intro}', isSubtle: true }] },
    {
      type: 'ColumnSet',
      $data: '${rows}',
      spacing: 'Small',
      columns: [
        { type: 'Column', width: '80px', items: [{ type: 'TextBlock', text: '${label}', weight: 'Bolder', color: '${color}', wrap: false }] },
        { type: 'Column', width: 'stretch', items: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: '${detail}' }] }] },
      ],
    },
    { type: 'TextBlock', $when: "${more != ''}", text: '${more}', isSubtle: true, spacing: 'Medium', wrap: true },
  ],
};

const COLORS: Record<string, string> = { New: 'Good', Moved: 'Warning', Changed: 'Accent', Cancelled: 'Attention', Removed: 'Attention' };

export interface NoticeSummary {
  /** Plain-text twin (channels without cards, logs, notifications). */
  text: string;
  attachment: Attachment;
}

/** "7 calendar changes" with the first MAX_SUMMARY_ROWS rows in start order, then "and N more". */
export function renderNoticeSummary(lines: readonly NoticeLine[], options: { heldForQuietHours?: boolean } = {}): NoticeSummary {
  const sorted = [...lines].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const shown = sorted.slice(0, MAX_SUMMARY_ROWS);
  const header = `${lines.length} calendar change${lines.length === 1 ? '' : 's'}`;
  const intro = options.heldForQuietHours ? 'While your quiet hours were on:' : '';
  const more = sorted.length > shown.length ? `and ${sorted.length - shown.length} more` : '';
  const rows = shown.map((line) => ({ label: line.label, color: COLORS[line.label] ?? 'Default', detail: line.detail }));
  const attachment = renderCard(NOTICE_SUMMARY_TEMPLATE, { header, intro, rows, more });
  const text = [header, ...(intro ? [intro] : []), ...shown.map((line) => line.text), ...(more ? [more] : [])].join('\n');
  return { text, attachment };
}
