/** How someone reads times: 24-hour ("14:30") or 12-hour ("2:30 PM"). */
export type ClockStyle = '24h' | '12h';

/**
 * mailboxSettings.timeFormat as a ClockStyle: Outlook keeps a .NET pattern, "HH:mm" or "H:mm" for a 24-hour
 * clock, "h:mm tt" or "hh:mm tt" for a 12-hour one. Undefined when absent or not a time pattern.
 */
export function clockStyleOf(timeFormat: unknown): ClockStyle | undefined {
  if (typeof timeFormat !== 'string' || timeFormat.length > 40) return undefined;
  const hours = /h+/i.exec(timeFormat.replace(/'[^']*'/g, ''));
  if (!hours) return undefined;
  return hours[0]![0] === 'h' ? '12h' : '24h';
}
