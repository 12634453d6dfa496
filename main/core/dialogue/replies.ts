// Short replies the dialogue understands by itself, in every language, before any NLU: yes and no to a
// confirmation, cancel anywhere, pronouns that point back ("call her", "navigate there"), and the
// elliptic follow-up "and the passenger side too".
import type { Lang } from '../../../common/contract.js';
import { normalize } from '../../nlu/normalize.js';

export type Reply = 'yes' | 'no' | 'cancel';

// Whole replies, normalized (lowercase, no punctuation). Chinese has no spaces, so its entries are exact.
const REPLIES: Record<Lang, Record<Reply, readonly string[]>> = {
  en: {
    yes: ['yes', 'yeah', 'yep', 'yup', 'sure', 'ok', 'okay', 'do it', 'go ahead', 'yes please', 'please do', 'correct', 'confirm', 'send it', 'affirmative', 'sounds good', 'of course', 'absolutely'],
    no: ['no', 'nope', 'nah', 'no thanks', 'no thank you', "don't", 'do not', 'negative', 'not now', "don't send it", 'no don\'t'],
    cancel: ['cancel', 'cancel that', 'never mind', 'nevermind', 'forget it', 'stop', 'abort', 'cancel it', 'forget about it', 'nothing'],
  },
  id: {
    yes: ['ya', 'iya', 'iyah', 'yes', 'ok', 'oke', 'okay', 'boleh', 'betul', 'benar', 'lanjut', 'lanjutkan', 'kirim', 'silakan', 'ya tolong', 'iya dong', 'setuju', 'gas'],
    no: ['tidak', 'nggak', 'gak', 'enggak', 'ngga', 'jangan', 'tidak usah', 'nggak usah', 'gak usah', 'ga usah', 'bukan', 'tidak jadi'],
    cancel: ['batal', 'batalkan', 'batalin', 'gak jadi', 'nggak jadi', 'ga jadi', 'lupakan', 'sudahlah', 'udah', 'udahan', 'stop', 'berhenti'],
  },
  zh: {
    yes: ['是', '是的', '好', '好的', '对', '对的', '可以', '行', '嗯', '确定', '发吧', '发送', '没问题', '好啊', '行啊', '确认'],
    no: ['不', '不用', '不要', '不是', '别', '不行', '不用了', '不要了', '别发'],
    cancel: ['算了', '取消', '取消吧', '不用了谢谢', '别管了', '停', '停下', '没事了', '没事'],
  },
};

const LOOKUP: Record<Lang, Map<string, Reply>> = Object.fromEntries(
  (Object.keys(REPLIES) as Lang[]).map((lang) => [
    lang,
    new Map(Object.entries(REPLIES[lang]).flatMap(([reply, phrases]) => phrases.map((p) => [normalize(p).replace(/ /g, lang === 'zh' ? '' : ' '), reply as Reply]))),
  ]),
) as Record<Lang, Map<string, Reply>>;

/** The reply a whole utterance is, in `lang` or (for short words people mix in) in any language. */
export function replyOf(text: string, lang: Lang): Reply | null {
  const said = normalize(text);
  const key = (l: Lang): string => (l === 'zh' ? said.replace(/ /g, '') : said);
  const own = LOOKUP[lang].get(key(lang));
  if (own) return own;
  for (const other of Object.keys(LOOKUP) as Lang[]) {
    const reply = LOOKUP[other].get(key(other));
    if (reply) return reply;
  }
  return null;
}

// Words that point back to what was said before.
const PERSON = new Set(['her', 'him', 'them', 'that person', 'dia', 'beliau', 'orang itu', '她', '他', '她们', '他们', 'ta']);
const PLACE = new Set(['there', 'that place', 'over there', 'that address', 'sana', 'ke sana', 'kesana', 'tempat itu', 'situ', 'alamat itu', '那里', '那儿', '那', '那个地方', '那边', '那个地址']);

export const pointsToPerson = (value: unknown): boolean => typeof value === 'string' && PERSON.has(normalize(value));
export const pointsToPlace = (value: unknown): boolean => typeof value === 'string' && PLACE.has(normalize(value));

// "And the passenger side too": the last climate request again, for the other side.
const SIDE_FOLLOW_UPS: Record<Lang, RegExp> = {
  en: /^(and |also |what about |now |same for )?(the )?(passenger|driver)('s)?( side| seat)?( too| as well| also)?$/,
  id: /^(dan |terus |juga |kalau )?(sisi |kursi |bagian )?(penumpang|pengemudi|sopir|supir)( juga)?$/,
  zh: /^(还有)?(那)?(副驾|主驾)(驶)?(也|也是|也一样|也要)?(吧)?$/,
};

export function sideFollowUp(text: string, lang: Lang): 'driver' | 'passenger' | null {
  const said = lang === 'zh' ? normalize(text).replace(/ /g, '') : normalize(text);
  const match = SIDE_FOLLOW_UPS[lang].exec(said);
  if (!match) return null;
  return /passenger|penumpang|副驾/.test(said) ? 'passenger' : 'driver';
}
