import * as ACData from 'adaptivecards-templating';
import { CardFactory, type Attachment } from 'botbuilder';

/** Adaptive Card schema version every calbot card declares: 1.5 renders in Teams desktop, web and mobile. */
export const CARD_VERSION = '1.5';

/**
 * The one card renderer: binds a template (an Adaptive Card JSON with ${...} expressions) to data with
 * adaptivecards-templating. Data goes in as values, never spliced into JSON text, so whatever a subject
 * contains, the card stays valid JSON.
 */
export function renderCard(template: object, data: object): Attachment {
  const card = compiled(template).expand({ $root: data }) as object;
  return CardFactory.adaptiveCard(card);
}

/** Templates are module constants: each is read once (a Template copies and walks its JSON when built). */
const templates = new WeakMap<object, ACData.Template>();
function compiled(template: object): ACData.Template {
  let found = templates.get(template);
  if (!found) templates.set(template, (found = new ACData.Template(template)));
  return found;
}
