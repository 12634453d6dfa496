import type { VoiceStatus } from '../voice/controller.js';
import { useT } from '../i18n/index.js';

/** One line under the text box: what to say to wake Kemudi, the words heard so far, or why voice cannot work
 *  now — with a way to type instead where typing is allowed. */
export function VoiceStatusLine({ status, onType, typingAllowed }: { status: VoiceStatus; onType: () => void; typingAllowed: boolean }) {
  const t = useT();
  const typeInstead = (label: string) =>
    typingAllowed ? (
      <button type="button" class="voice-type" onClick={onType}>
        {label}
      </button>
    ) : (
      <span>{label}</span>
    );
  switch (status.kind) {
    case 'wake':
      return (
        <p class="voice-status" data-testid="voice-status" data-voice={status.kind} data-engine={status.engine}>
          {t('home:voice.say', { phrase: status.phrase })}
        </p>
      );
    case 'listening':
      return (
        <p class="voice-status voice-partial" data-testid="voice-status" data-voice={status.kind} aria-live="polite">
          {status.partial || t('home:voice.listening')}
        </p>
      );
    case 'no-model':
      return (
        <p class="voice-status voice-problem" data-testid="voice-status" data-voice={status.kind} role="status">
          {typeInstead(status.lang === 'en' ? t('home:voice.noModel') : t('home:voice.noModelFor', { lang: t(`home:langName.${status.lang}`) }))}
        </p>
      );
    case 'no-mic':
      return (
        <p class="voice-status voice-problem" data-testid="voice-status" data-voice={status.kind} role="status" title={status.message}>
          {typeInstead(t('home:voice.noMic'))}
        </p>
      );
    default:
      return null;
  }
}
