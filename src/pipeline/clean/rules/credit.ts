/**
 * Splits a photo credit off the end of a caption: "US Secretary of State Rex Tillerson.
 * (AFP-Yonhap)" is the caption "US Secretary of State Rex Tillerson." credited to "AFP-Yonhap".
 */
import { boilerplate } from '../boilerplate.js';

export interface SplitCaption {
  caption: string;
  credit: string | null;
}

/** "(AFP-Yonhap)", "[Reuters]", "(Photo: Kim Hyun-soo)" at the end of a caption. */
const BRACKETED_TAIL = /(?<!\s)\s*[([]([^()[\]]{2,60})[)\]]\s*$/u;
/** "... Photo: Reuters", "... Credit: Getty Images" after the caption's last sentence. */
const LABELLED_TAIL = /(?:^|[.!?|]\s*|\s[-—–]\s*)((?:photo(?:graph)?s?|image|credit|courtesy(?: of)?)\s*[:/]?\s*[^.!?]{2,60})$/iu;
/** "AFP-Yonhap", "EPA/Yonhap", "Getty Images": capitalised words joined by - or /. */
const AGENCY_COMBO = /^[A-Z][\p{L}.&']*(?:\s[A-Z][\p{L}.&']*){0,3}(?:\s?[-/]\s?[A-Z][\p{L}.&']*(?:\s[A-Z][\p{L}.&']*){0,3})+$/u;
const CREDIT_WORD = /^(?:photo|photos|photograph|image|credit|courtesy|file photo|getty images|yonhap|newsis|news1)\b/iu;

function looksLikeCredit(inner: string, customCredit: RegExp | null): boolean {
  const t = inner.trim();
  if (customCredit?.test(t)) return true;
  if (CREDIT_WORD.test(t) || AGENCY_COMBO.test(t)) return true;
  return boilerplate().agencyByAlias.has(t.toLowerCase());
}

export function splitCredit(text: string, customCredit: RegExp | null = null): SplitCaption {
  const caption = text.trim();
  const bracketed = BRACKETED_TAIL.exec(caption);
  if (bracketed && looksLikeCredit(bracketed[1]!, customCredit)) {
    return { caption: caption.slice(0, bracketed.index).trim(), credit: stripCreditLabel(bracketed[1]!) };
  }
  const labelled = LABELLED_TAIL.exec(caption);
  if (labelled) {
    const credit = stripCreditLabel(labelled[1]!);
    const rest = caption.slice(0, caption.length - labelled[1]!.length).replace(/(?<![\s\-—–|])[\s\-—–|]+$/u, '').trim();
    if (rest !== '') return { caption: rest, credit };
  }
  return { caption, credit: null };
}

function stripCreditLabel(credit: string): string {
  return credit.replace(/^(?:photo(?:graph)?s?|image|credit)\s*[:/]?\s*(?:by\s+)?/iu, '').trim() || credit.trim();
}
