import type { VoiceStatus } from '../voice/controller.js';
import type { Lang } from '../../../common/contract.js';

const LANG_NAMES: Record<Lang, string> = { en: 'English', id: 'Indonesian', zh: 'Chinese' };

/** One line under the text box: what to say to wake Kemudi, the words heard so far, or why voice cannot work
 *  now — with a way to type instead where typing is allowed. */
export function VoiceStatusLine({ status, onType, typingAllowed }: { status: VoiceStatus; onType: () => void; typingAllowed: boolean }) {
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
          Say “{status.phrase}”
        </p>
      );
    case 'listening':
      return (
        <p class="voice-status voice-partial" data-testid="voice-status" data-voice={status.kind} aria-live="polite">
          {status.partial || 'Listening…'}
        </p>
      );
    case 'no-model':
      return (
        <p class="voice-status voice-problem" data-testid="voice-status" data-voice={status.kind} role="status">
          {typeInstead(status.lang === 'en' ? 'Voice model not installed — tap to type' : `Voice model for ${LANG_NAMES[status.lang]} not installed — tap to type`)}
        </p>
      );
    case 'no-mic':
      return (
        <p class="voice-status voice-problem" data-testid="voice-status" data-voice={status.kind} role="status" title={status.message}>
          {typeInstead('No microphone — tap to type')}
        </p>
      );
    default:
      return null;
  }
}
