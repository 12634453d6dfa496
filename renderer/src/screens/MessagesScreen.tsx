import './messages.css';
import { useEffect, useState } from 'preact/hooks';
import type { Lang, ListItem } from '../../../common/contract.js';
import { uiLang, useT } from '../i18n/index.js';
import type { Store } from '../state/store.js';
import { clipText } from '../state/ui.js';

/** The canned replies, in the order shown; their words are the UI language's (messages:reply.*). */
const REPLIES = ['onMyWay', 'driving', 'late', 'arrived'] as const;

/** A conversation of the `messages` list (the contract exports its schema, not a type). */
type ListThread = Extract<ListItem, { type: 'thread' }>;

const LOCALES: Record<Lang, string> = { en: 'en-GB', id: 'id-ID', zh: 'zh-CN' };

/** Today: the time; before: the day and month. */
function when(at: number, lang: Lang, now = new Date()): string {
  const date = new Date(at);
  const today = date.toDateString() === now.toDateString();
  return new Intl.DateTimeFormat(LOCALES[lang], today ? { hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'short' }).format(date);
}

/** Who a conversation is with, as the address book names them, else their number. */
const who = (thread: ListThread): string => thread.contactName ?? thread.number;

/** The conversations, newest first, and for the one chosen: read aloud, a quick reply, or dictation. Every
 *  button sends the command voice would (messaging.read, messaging.send, wake); a reply is read back and
 *  confirmed by the policy before it goes. While the car moves the core sends a short list without the
 *  texts (messages are read aloud then), and this screen holds to the same limits. */
export function MessagesScreen({ store }: { store: Store }) {
  const t = useT();
  const lang = uiLang.value;
  const restrictions = store.ui.value.state?.restrictions;
  const moving = restrictions?.moving ?? false;
  const list = store.ui.value.lists.messages;
  const [chosen, setChosen] = useState<number | null>(null);

  useEffect(() => {
    void store.send({ type: 'list', what: 'messages', lang });
  }, [store, lang]);

  const all = (list?.items ?? []).filter((item): item is ListThread => item.type === 'thread');
  // The core already cuts the list while moving; held to the limits here too, should an old list linger.
  const threads = moving && restrictions ? all.slice(0, restrictions.maxListItems) : all;
  const hidden = list ? Math.max(0, list.total - threads.length) : 0;
  const maxChars = restrictions?.maxChars ?? 120;
  const selected = threads.find((thread) => thread.id === chosen) ?? threads[0];

  const read = (thread: ListThread) => void store.send({ type: 'intent', name: 'messaging.read', slots: { contact: who(thread) }, source: 'touch' });
  const reply = (thread: ListThread, body: string) =>
    void store.send({ type: 'intent', name: 'messaging.send', slots: { contact: who(thread), body }, source: 'touch' });

  // Dictation is voice's own way of writing: it wakes Kemudi, who asks for whom and what.
  const dictate = (
    <button type="button" class="msgs-dictate" data-testid="message-dictate" onClick={() => void store.send({ type: 'wake' })}>
      <svg viewBox="0 0 24 24" width="30" height="30" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11h-2z"
        />
      </svg>
      {t('messages:dictate')}
    </button>
  );

  return (
    <section class="screen msgs" data-testid="screen-messages" aria-labelledby="screen-title">
      <h1 id="screen-title" class="screen-title">
        {t('common:nav.messages')}
      </h1>
      <div class="msgs-layout">
        <div class="msgs-pane">
          <h2 class="visually-hidden">{t('messages:list')}</h2>
          {!list && <p class="msgs-note">{t('messages:loading')}</p>}
          {list && threads.length === 0 && (
            <p class="msgs-note" data-testid="messages-empty">
              {t('messages:empty')}
            </p>
          )}
          {moving && threads.length > 0 && <p class="msgs-note msgs-driving">{t('messages:drivingHint')}</p>}
          <ul class="msgs-list" data-testid="messages-list">
            {threads.map((thread) => {
              const name = clipText(who(thread), maxChars);
              const text = !moving && thread.text !== undefined ? clipText(thread.text, maxChars) : null;
              return (
                <li key={thread.id}>
                  <button
                    type="button"
                    class={text === null ? 'msgs-thread msgs-thread-short' : 'msgs-thread'}
                    aria-pressed={thread.id === selected?.id}
                    data-testid="message-thread"
                    data-unread={thread.unread > 0 ? 'true' : 'false'}
                    onClick={() => setChosen(thread.id)}
                  >
                    <span class="msgs-who">{name}</span>
                    <span class="msgs-time">{when(thread.at, lang)}</span>
                    {text !== null && (
                      <span class="msgs-text" data-testid="message-text">
                        {thread.direction === 'out' ? t('messages:you', { text }) : text}
                      </span>
                    )}
                    {thread.unread > 0 && (
                      <span class="msgs-unread" data-testid="message-unread">
                        <span aria-hidden="true">{thread.unread}</span>
                        <span class="visually-hidden">{t('messages:unread', { count: thread.unread })}</span>
                      </span>
                    )}
                  </button>
                </li>
              );
            })}
          </ul>
          {moving && hidden > 0 && (
            <p class="msgs-note" data-testid="messages-more">
              {t('messages:more', { count: hidden })}
            </p>
          )}
        </div>
        <div class="msgs-pane msgs-actions" data-testid="messages-actions">
          {selected ? (
            <>
              <h2 class="msgs-heading" aria-label={t('messages:open', { name: who(selected) })}>
                {clipText(who(selected), maxChars)}
              </h2>
              <div class="msgs-main">
                <button
                  type="button"
                  class="msgs-read"
                  data-testid="message-read"
                  aria-label={t('messages:readAloudLabel', { name: who(selected) })}
                  onClick={() => read(selected)}
                >
                  <svg viewBox="0 0 24 24" width="30" height="30" aria-hidden="true" focusable="false">
                    <path d="M4 9v6h4l5 4V5L8 9zM16 8a5 5 0 0 1 0 8M18.5 5.5a9 9 0 0 1 0 13" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" stroke-linecap="round" />
                  </svg>
                  {t('messages:readAloud')}
                </button>
                {dictate}
              </div>
              <h3 class="msgs-subheading">{t('messages:replies')}</h3>
              <div class="msgs-replies" role="group" aria-label={t('messages:replies')}>
                {REPLIES.map((key) => {
                  const body = t(`messages:reply.${key}`);
                  return (
                    <button
                      key={key}
                      type="button"
                      class="msgs-reply"
                      data-testid={`message-reply-${key}`}
                      aria-label={t('messages:replyLabel', { name: who(selected), text: body })}
                      onClick={() => reply(selected, body)}
                    >
                      {body}
                    </button>
                  );
                })}
              </div>
              <p class="msgs-hint">{t('messages:replyHint')}</p>
            </>
          ) : (
            list && threads.length > 0 && <p class="msgs-note">{t('messages:choose')}</p>
          )}
          {!selected && dictate}
        </div>
      </div>
    </section>
  );
}
