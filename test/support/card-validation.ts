import * as AC from 'adaptivecards';

/**
 * What Microsoft's own Adaptive Cards parser (the `adaptivecards` package, which Teams' web client builds on) says is
 * wrong with a card, read as Adaptive Cards 1.5, the newest version Teams renders on desktop, web and mobile: unknown
 * element or action types, values a property does not take (a colour other than the named ones), a required
 * property missing (an Action.OpenUrl without its url), a version it does not know. Empty when the card is valid.
 */
export function cardProblems(card: unknown): string[] {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  parsed.parse(card as Record<string, unknown>, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  for (const event of parsed.validateProperties().validationEvents) problems.push(event.message);
  // The parser takes any released version; Teams shows a newer one's fallback text instead of the card.
  if (parsed.version.compareTo(AC.Versions.v1_5) > 0) problems.push(`Version ${parsed.version.toString()} is newer than Teams renders (1.5).`);
  return problems;
}
