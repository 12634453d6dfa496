import './navigation.css';
import { useEffect, useState } from 'preact/hooks';
import { MAX_LIST_QUERY_CHARS, type Command, type ListItem, type UxRestrictions } from '../../../common/contract.js';
import { uiLang, useT, type Translate } from '../i18n/index.js';
import { formatDistance, guidance } from '../state/map.js';
import type { Store } from '../state/store.js';
import { clipText } from '../state/ui.js';

type Place = Extract<ListItem, { type: 'place' }>;
type Category = Extract<ListItem, { type: 'category' }>;

/** How long typing must pause before the search is asked for. */
export const SEARCH_DEBOUNCE_MS = 300;

/** What a list may show now: every item parked; moving, the policy's maxListItems, each text cut to maxChars. */
interface Limits {
  items: number;
  chars: number;
}

function limitsOf(restrictions: UxRestrictions | undefined): Limits {
  if (!restrictions?.moving) return { items: Number.POSITIVE_INFINITY, chars: restrictions?.maxChars ?? Number.POSITIVE_INFINITY };
  return { items: restrictions.maxListItems, chars: restrictions.maxChars };
}

const cut = (text: string, limits: Limits): string => (Number.isFinite(limits.chars) ? clipText(text, limits.chars) : text);

/** A saved place's title: Home and Work in the language shown, any other label as the driver gave it. */
function savedTitle(place: Place, t: Translate): string {
  const label = place.label ?? place.name;
  return label === 'home' || label === 'work' ? t(`navigation:label.${label}`) : label;
}

/** The navigation screen: the route in progress, saved and recent places, nearby categories and, parked, a
 *  place search. Every tap sends the intent voice would (navigation.navigate / find_poi / cancel). */
export function NavigationScreen({ store }: { store: Store }) {
  const t = useT();
  const lang = uiLang.value;
  const { lists, nav, state } = store.ui.value;
  const restrictions = state?.restrictions;
  const limits = limitsOf(restrictions);
  // Only when the policy says so: no restrictions known yet means no keyboard yet.
  const keyboard = restrictions?.keyboard === true;
  const moving = restrictions?.moving === true;
  const destination = nav?.route?.destination ?? null;

  const send = (command: Command): void => void store.send(command);
  const navigate = (to: string): void => send({ type: 'intent', name: 'navigation.navigate', slots: { destination: to }, source: 'touch' });

  // The categories once per language (their names come in every language anyway).
  useEffect(() => {
    send({ type: 'list', what: 'poi.categories', lang });
  }, [lang]);
  // Saved and recent places: on opening, in the language shown, and again when a route starts or ends (it
  // becomes a recent destination).
  useEffect(() => {
    send({ type: 'list', what: 'places.saved', lang });
    send({ type: 'list', what: 'places.recent', lang });
  }, [lang, destination]);

  const [query, setQuery] = useState('');
  const asked = query.trim().slice(0, MAX_LIST_QUERY_CHARS);
  useEffect(() => {
    if (!keyboard || asked === '') return;
    const timer = setTimeout(() => send({ type: 'list', what: 'places.search', query: asked, lang }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [asked, keyboard, lang]);
  const search = lists['places.search'];
  const results = keyboard && asked !== '' && search?.query === asked ? places(search.items) : null;

  const saved = places(lists['places.saved']?.items).slice(0, limits.items);
  const recent = places(lists['places.recent']?.items).slice(0, limits.items);
  const categories = (lists['poi.categories']?.items ?? []).filter((item): item is Category => item.type === 'category').slice(0, limits.items);
  const hidden = moving && (['places.saved', 'places.recent', 'poi.categories'] as const).some((what) => {
    const list = lists[what];
    return list !== undefined && (list.truncated || list.items.length > limits.items);
  });
  const guide = guidance(nav, lang);

  const placeButton = (place: Place) => {
    const title = place.kind === 'saved' ? savedTitle(place, t) : place.name;
    // What voice would say: a saved place by its label ("home"), any other by its name.
    const to = place.kind === 'saved' && place.label ? place.label : place.name;
    const shown = cut(title, limits);
    const address = detail(place, title);
    const distance = place.distanceM === undefined ? null : formatDistance(place.distanceM, lang);
    // A saved place: its address and distance; any other: how far it is.
    const line = address ? [cut(address, limits), distance].filter(Boolean).join(' · ') : distance && t('navigation:away', { distance });
    return (
      <li key={place.id}>
        <button type="button" class="nav-place" data-testid="nav-place" data-kind={place.kind} aria-label={t('navigation:goTo', { place: line ? `${shown}, ${line}` : shown })} onClick={() => navigate(to)}>
          <span class="nav-place-name">{shown}</span>
          {line && <span class="nav-place-detail">{line}</span>}
        </button>
      </li>
    );
  };

  return (
    <section class="screen nav-screen" data-testid="screen-navigation" data-moving={moving ? 'true' : 'false'} aria-labelledby="screen-title">
      <div class="nav-top">
        <h1 id="screen-title" class="screen-title">
          {t('common:nav.navigation')}
        </h1>
        <section class="nav-search" aria-labelledby="nav-search-title">
          <h2 id="nav-search-title" class="nav-hidden-text">
            {t('navigation:search.heading')}
          </h2>
          {keyboard ? (
            <div class="nav-search-row" data-testid="nav-search">
              <label class="nav-hidden-text" for="nav-search-input">
                {t('navigation:search.label')}
              </label>
              <input
                id="nav-search-input"
                class="nav-search-input"
                data-testid="nav-search-input"
                type="search"
                enterkeyhint="search"
                autocomplete="off"
                maxLength={MAX_LIST_QUERY_CHARS}
                placeholder={t('navigation:search.placeholder')}
                value={query}
                onInput={(event) => setQuery(event.currentTarget.value)}
              />
              {query !== '' && (
                <button type="button" class="nav-search-clear" data-testid="nav-search-clear" aria-label={t('navigation:search.clear')} onClick={() => setQuery('')}>
                  <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
                    <path d="M6 6l12 12M18 6L6 18" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" />
                  </svg>
                </button>
              )}
            </div>
          ) : (
            <p class="nav-note nav-parked" data-testid="nav-search-parked">
              {t('navigation:search.parked')}
            </p>
          )}
        </section>
      </div>

      {results && (
        <div class="nav-results" aria-live="polite">
          {results.length === 0 ? (
            <p class="nav-note" data-testid="nav-search-none">
              {t('navigation:search.none', { query: asked })}
            </p>
          ) : (
            <ul class="nav-grid" data-testid="nav-results" aria-label={t('navigation:search.results', { query: asked })}>
              {results.slice(0, limits.items).map(placeButton)}
            </ul>
          )}
        </div>
      )}

      {guide && (
        <section class="nav-route" data-testid="nav-route" aria-labelledby="nav-route-title">
          <div class="nav-route-text">
            <h2 id="nav-route-title" class="nav-route-to" data-testid="nav-route-destination">
              {cut(t('navigation:route.to', { place: guide.destination }), limits)}
            </h2>
            {guide.next ? (
              <p class="nav-route-next" data-testid="nav-route-next">
                <span class="nav-route-distance">{t('navigation:route.in', { distance: guide.next.distance })}</span> <span>{cut(guide.next.text, limits)}</span>
              </p>
            ) : (
              <p class="nav-route-next">{t('navigation:route.arriving')}</p>
            )}
            <p class="nav-route-left" data-testid="nav-route-left">
              {t('navigation:route.left', { remaining: guide.remaining })}
            </p>
          </div>
          <button
            type="button"
            class="nav-stop"
            data-testid="nav-stop"
            onClick={() => send({ type: 'intent', name: 'navigation.cancel', slots: {}, source: 'touch' })}
          >
            {t('navigation:route.stop')}
          </button>
        </section>
      )}

      <div class="nav-lists">
        <div class="nav-column">
          {saved.length > 0 && (
            <section class="nav-section" aria-labelledby="nav-saved-title">
              <h2 id="nav-saved-title" class="nav-heading">
                {t('navigation:saved')}
              </h2>
              <ul class="nav-grid" data-testid="nav-saved">
                {saved.map(placeButton)}
              </ul>
            </section>
          )}
          {recent.length > 0 && (
            <section class="nav-section" aria-labelledby="nav-recent-title">
              <h2 id="nav-recent-title" class="nav-heading">
                {t('navigation:recent')}
              </h2>
              <ul class="nav-grid" data-testid="nav-recent">
                {recent.map(placeButton)}
              </ul>
            </section>
          )}
          {saved.length === 0 && recent.length === 0 && lists['places.saved'] && lists['places.recent'] && (
            <p class="nav-note" data-testid="nav-no-places">
              {t('navigation:noPlaces')}
            </p>
          )}
        </div>
        {categories.length > 0 && (
          <section class="nav-section nav-column" aria-labelledby="nav-nearby-title">
            <h2 id="nav-nearby-title" class="nav-heading">
              {t('navigation:nearby')}
            </h2>
            <ul class="nav-grid nav-grid-small" data-testid="nav-categories">
              {categories.map((category) => {
                const label = cut(capitalised(category.label[lang], lang), limits);
                return (
                  <li key={category.id}>
                    <button
                      type="button"
                      class="nav-category"
                      data-testid="nav-category"
                      data-category={category.id}
                      aria-label={t('navigation:findNearest', { category: label })}
                      onClick={() => send({ type: 'intent', name: 'navigation.find_poi', slots: { category: category.id }, source: 'touch' })}
                    >
                      {label}
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        )}
      </div>


      {hidden && (
        <p class="nav-note" data-testid="nav-hidden">
          {t('common:moving')}
        </p>
      )}
    </section>
  );
}

/** A saved place's address under its label; nothing for the others (their title is their name). */
function detail(place: Place, title: string): string {
  return place.kind === 'saved' && place.name !== title ? place.name : '';
}

/** A category's name starts with a capital where the language has them ("fuel station" → "Fuel station"). */
function capitalised(text: string, lang: string): string {
  const [first = '', ...rest] = Array.from(text);
  return first.toLocaleUpperCase(lang) + rest.join('');
}

/** The places of a list, each name once: tapping sends the name, so two buttons with one name (a street
 *  in two parts) would do the same thing. */
function places(items: readonly ListItem[] | undefined): Place[] {
  const seen = new Set<string>();
  return (items ?? []).filter((item): item is Place => {
    if (item.type !== 'place') return false;
    const key = item.kind === 'saved' ? `saved:${item.label ?? item.name}` : item.name.toLocaleLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
