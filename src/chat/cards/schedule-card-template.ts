import { CARD_VERSION } from './render-card.js';

/**
 * The one template behind every schedule answer (agenda, next, now, free-at, free slots): a header, a summary
 * line, groups of rows (a day each), who is invited (a "who" question), an "and N more" line and a footnote, with a button that fixes what it reports. Text that can come from a calendar
 * (subjects, locations) is bound into RichTextBlock TextRuns, which Teams renders without markdown, so a
 * subject like "[Sign in](https://evil)" stays text. Every field is always a string (possibly empty):
 * adaptivecards-templating leaves "${x}" in place when x is missing.
 */
export const SCHEDULE_CARD_TEMPLATE = {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  type: 'AdaptiveCard',
  version: CARD_VERSION,
  body: [
    {
      type: 'RichTextBlock',
      inlines: [{ type: 'TextRun', text: '${header}', weight: 'Bolder', size: 'Medium' }],
    },
    {
      type: 'RichTextBlock',
      $when: "${summary != ''}",
      inlines: [{ type: 'TextRun', text: '${summary}' }],
    },
    {
      type: 'Container',
      $data: '${groups}',
      spacing: 'Medium',
      items: [
        {
          type: 'TextBlock',
          $when: "${label != ''}",
          text: '${label}',
          weight: 'Bolder',
          wrap: true,
        },
        {
          type: 'ColumnSet',
          $data: '${rows}',
          spacing: 'Small',
          columns: [
            {
              type: 'Column',
              width: '${$root.timeWidth}',
              items: [
                { type: 'TextBlock', text: '${clockStart}', fontType: 'Monospace', wrap: false },
                { type: 'TextBlock', $when: "${clockEnd != ''}", text: '${clockEnd}', fontType: 'Monospace', isSubtle: true, spacing: 'None', wrap: false },
              ],
            },
            {
              type: 'Column',
              width: 'stretch',
              items: [
                {
                  type: 'RichTextBlock',
                  inlines: [{ type: 'TextRun', text: '${title}', strikethrough: '${struck}' }],
                },
                {
                  type: 'RichTextBlock',
                  $when: "${cardDetails != ''}",
                  spacing: 'None',
                  inlines: [{ type: 'TextRun', text: '${cardDetails}', isSubtle: true, size: 'Small' }],
                },
                {
                  type: 'TextBlock',
                  $when: "${marker != ''}",
                  spacing: 'None',
                  text: '${marker}',
                  color: '${markerColor}',
                  size: 'Small',
                  weight: 'Bolder',
                  wrap: true,
                },
              ],
            },
            {
              type: 'Column',
              width: 'auto',
              $when: "${joinUrl != ''}",
              verticalContentAlignment: 'Center',
              items: [{ type: 'ActionSet', actions: [{ type: 'Action.OpenUrl', title: 'Join', url: '${joinUrl}' }] }],
            },
          ],
        },
      ],
    },
    {
      type: 'RichTextBlock',
      id: 'people',
      $when: "${people != ''}",
      spacing: 'Medium',
      inlines: [{ type: 'TextRun', text: '${people}' }],
    },
    {
      type: 'TextBlock',
      $when: "${more != ''}",
      text: '${more}',
      isSubtle: true,
      wrap: true,
    },
    {
      type: 'RichTextBlock',
      $when: "${footnote != ''}",
      separator: true,
      inlines: [{ type: 'TextRun', text: '${footnote}', isSubtle: true, size: 'Small' }],
    },
    {
      type: 'ActionSet',
      $when: "${footnoteTitle != ''}",
      actions: [{ type: 'Action.Submit', title: '${footnoteTitle}', data: { command: '${footnoteCommand}' } }],
    },
  ],
} as const;
