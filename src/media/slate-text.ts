// Pure: what the slate says, in Turkish and English (the city's two languages).
import type { Localized } from '../schedule/types.js';

export const SLATE_MESSAGES = ['starting', 'back-soon', 'ended'] as const;
export type SlateMessage = (typeof SLATE_MESSAGES)[number];

const MESSAGES: Record<SlateMessage, Localized> = {
  starting: { tr: 'Yayın birazdan başlıyor', en: 'Starting soon' },
  'back-soon': { tr: 'Birazdan döneceğiz', en: "We'll be right back" },
  ended: { tr: 'Yayın sona erdi', en: 'The programme has ended' },
};

/** The title lines: Turkish, then English when it differs. */
export function slateTitle(title: Localized): string {
  const tr = title.tr.trim();
  const en = title.en.trim();
  return !en || en === tr ? tr : !tr ? en : `${tr}\n${en}`;
}

export function slateMessage(message: SlateMessage): string {
  const m = MESSAGES[message];
  return `${m.tr}\n${m.en}`;
}
