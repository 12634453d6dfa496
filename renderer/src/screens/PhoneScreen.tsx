import './phone.css';
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Lang, ListItem, Slots } from '../../../common/contract.js';
import { uiLang, useT, type Translate } from '../i18n/index.js';
import type { Store } from '../state/store.js';
import { clipText } from '../state/ui.js';

/** The lists' item types (the contract exports their schemas, not types). */
type ListContact = Extract<ListItem, { type: 'contact' }>;
type ListCall = Extract<ListItem, { type: 'call' }>;

const LOCALES: Record<Lang, string> = { en: 'en-GB', id: 'id-ID', zh: 'zh-CN' };
/** The dial pad's keys, four to a row so that the whole pad fits the middle of a 720 px screen; `+` for an
 *  international number (the number slot's only non-digit). The number and the call button are the row above. */
const ROWS = [
  ['1', '2', '3', 'delete'],
  ['4', '5', '6', '+'],
  ['7', '8', '9', '0'],
] as const;
/** A phone number is at most 15 digits (E.164), with the plus. */
const MAX_DIGITS = 16;
const DIALLABLE = /^\+?\d+$/;

/** Today: the time; before: the day and month. */
function when(at: number, lang: Lang, now = new Date()): string {
  const date = new Date(at);
  const today = date.toDateString() === now.toDateString();
  return new Intl.DateTimeFormat(LOCALES[lang], today ? { hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'short' }).format(date);
}

function duration(t: Translate, seconds: number | null): string {
  if (seconds === null) return t('phone:ongoing');
  return t('phone:duration', { minutes: Math.floor(seconds / 60), seconds: String(seconds % 60).padStart(2, '0') });
}

const DIRECTION_ICONS: Record<ListCall['direction'], string> = {
  outgoing: 'M7 17L17 7M9 7h8v8',
  incoming: 'M17 7L7 17M15 17H7V9',
  missed: 'M4 8l6 6 4-4 6 6',
};

/** A key as the dial pad adds it: a `+` only first. */
function press(number: string, key: string): string {
  if (number.length >= MAX_DIGITS) return number;
  if (key === '+' && number.length > 0) return number;
  return number + key;
}

/** Favourites and recent calls as large buttons, and a dial pad only while the keyboard is allowed (parked).
 *  Each call goes through phone.call, the intent voice uses; the call in progress shows in the call banner. */
export function PhoneScreen({ store }: { store: Store }) {
  const t = useT();
  const lang = uiLang.value;
  const restrictions = store.ui.value.state?.restrictions;
  const moving = restrictions?.moving ?? false;
  const maxChars = restrictions?.maxChars ?? 120;
  const [number, setNumber] = useState('');

  useEffect(() => {
    void store.send({ type: 'list', what: 'contacts.favourites', lang });
    void store.send({ type: 'list', what: 'calls.recent', lang });
  }, [store, lang]);

  const call = (slots: Slots) => void store.send({ type: 'intent', name: 'phone.call', slots, source: 'touch' });
  const cap = <T,>(items: T[]): T[] => (moving && restrictions ? items.slice(0, restrictions.maxListItems) : items);

  const favouritesList = store.ui.value.lists['contacts.favourites'];
  const recentList = store.ui.value.lists['calls.recent'];
  const favourites = cap((favouritesList?.items ?? []).filter((item): item is ListContact => item.type === 'contact'));
  const recent = cap((recentList?.items ?? []).filter((item): item is ListCall => item.type === 'call'));
  const more = (total: number | undefined, shown: number) => (moving && total !== undefined && total > shown ? total - shown : 0);
  const moreFavourites = more(favouritesList?.total, favourites.length);
  const moreRecent = more(recentList?.total, recent.length);
  const keyboard = restrictions?.keyboard === true;
  const digit = (key: string) => (
    <button key={key} type="button" class="phone-key" data-testid={`phone-key-${key === '+' ? 'plus' : key}`} onClick={() => setNumber((n) => press(n, key))}>
      {key}
    </button>
  );
  const deleteKey = (
    <button
      type="button"
      class="phone-key phone-delete"
      data-testid="phone-key-delete"
      aria-label={t('phone:delete')}
      disabled={number.length === 0}
      onClick={() => setNumber((n) => n.slice(0, -1))}
    >
      <svg viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" focusable="false">
        <path d="M9 5h11v14H9l-6-7zM12 9l6 6M18 9l-6 6" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" stroke-linecap="round" />
      </svg>
    </button>
  );

  return (
    <section class="screen phone" data-testid="screen-phone" aria-labelledby="screen-title">
      <h1 id="screen-title" class="screen-title">
        {t('common:nav.phone')}
      </h1>
      <div class="phone-layout">
        <div class="phone-lists">
          <section class="phone-pane" aria-labelledby="phone-favourites">
            <h2 id="phone-favourites" class="phone-heading">
              {t('phone:favourites')}
            </h2>
            {!favouritesList && <p class="phone-note">{t('phone:loading')}</p>}
            {favouritesList && favourites.length === 0 && <p class="phone-note">{t('phone:noFavourites')}</p>}
            <ul class="phone-list" data-testid="phone-favourites">
              {favourites.map((contact) => (
                <li key={contact.id}>
                  <button
                    type="button"
                    class="phone-entry"
                    data-testid="phone-favourite"
                    aria-label={t('phone:callLabel', { name: contact.name })}
                    onClick={() => call({ contact: contact.name })}
                  >
                    <span class="phone-avatar" aria-hidden="true">
                      {Array.from(contact.name)[0] ?? '#'}
                    </span>
                    <span class="phone-name">{clipText(contact.name, maxChars)}</span>
                    <span class="phone-detail">{contact.number}</span>
                  </button>
                </li>
              ))}
            </ul>
            {moreFavourites > 0 && <p class="phone-note">{t('phone:more', { count: moreFavourites })}</p>}
          </section>

          <section class="phone-pane" aria-labelledby="phone-recent">
            <h2 id="phone-recent" class="phone-heading">
              {t('phone:recent')}
            </h2>
            {!recentList && <p class="phone-note">{t('phone:loading')}</p>}
            {recentList && recent.length === 0 && (
              <p class="phone-note" data-testid="phone-recent-empty">
                {t('phone:noRecent')}
              </p>
            )}
            <ul class="phone-list" data-testid="phone-recent">
              {recent.map((entry) => {
                const name = entry.name ?? entry.number;
                const slots: Slots = entry.name !== undefined ? { contact: entry.name } : {};
                if (DIALLABLE.test(entry.number)) slots.number = entry.number;
                return (
                  <li key={entry.id}>
                    <button
                      type="button"
                      class="phone-entry"
                      data-testid="phone-recent-call"
                      data-direction={entry.direction}
                      aria-label={t('phone:callLabel', { name })}
                      onClick={() => call(slots)}
                    >
                      <svg class="phone-direction" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
                        <path d={DIRECTION_ICONS[entry.direction]} fill="none" stroke="currentColor" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round" />
                      </svg>
                      <span class="phone-name">{clipText(name, maxChars)}</span>
                      <span class="phone-detail">
                        {t(`phone:direction.${entry.direction}`)} · {when(entry.at, lang)}
                        {entry.direction !== 'missed' && ` · ${duration(t, entry.durationS)}`}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
            {moreRecent > 0 && <p class="phone-note">{t('phone:more', { count: moreRecent })}</p>}
          </section>
        </div>

        <section class="phone-pane phone-pad-pane" aria-labelledby="phone-pad">
          {/* Named for screen readers only while the pad shows: it explains itself, and the whole pad then fits
              the middle of a 720 px screen without scrolling. */}
          <h2 id="phone-pad" class={keyboard ? 'visually-hidden' : 'phone-heading'}>
            {t('phone:dialPad')}
          </h2>
          {keyboard ? (
            <div class="phone-pad" role="group" aria-label={t('phone:dialPad')} data-testid="phone-dialpad">
              <output class="phone-number" data-testid="phone-number" aria-label={t('phone:number')} aria-live="polite">
                {number || <span class="phone-placeholder">{t('phone:noNumber')}</span>}
              </output>
              <button
                type="button"
                class="phone-key phone-call"
                data-testid="phone-call"
                aria-label={number ? t('phone:callNumber', { number }) : t('phone:call')}
                disabled={!DIALLABLE.test(number)}
                onClick={() => {
                  call({ number });
                  setNumber('');
                }}
              >
                <svg viewBox="0 0 24 24" width="30" height="30" aria-hidden="true" focusable="false">
                  <path d="M6 2h4l2 5-3 2a12 12 0 0 0 6 6l2-3 5 2v4a2 2 0 0 1-2 2A18 18 0 0 1 4 4a2 2 0 0 1 2-2z" fill="currentColor" />
                </svg>
                <span class="phone-call-text">{t('phone:call')}</span>
              </button>
              {ROWS.map(([one, two, three, last]) => (
                <Fragment key={one}>
                  {[one, two, three].map(digit)}
                  {last === 'delete' ? deleteKey : digit(last)}
                </Fragment>
              ))}
            </div>
          ) : (
            <p class="phone-note phone-locked" data-testid="phone-dialpad-off">
              {restrictions ? t('phone:keyboardOff') : t('phone:waiting')}
            </p>
          )}
        </section>
      </div>
    </section>
  );
}
