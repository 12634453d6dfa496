// Push-to-talk: holding F2 (or Space, when focus is not in something that takes Space) stands in for the
// steering-wheel button. Pressing sends `wake`; releasing ends the utterance at once. Tap-to-talk is the mic button.
import { useEffect } from 'preact/hooks';

const TAKES_SPACE = new Set(['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'A']);

/** Whether a key event is the talk key (F2 anywhere; Space outside text boxes, buttons and links). */
export function isTalkKey(event: KeyboardEvent): boolean {
  if (event.key === 'F2') return true;
  if (event.key !== ' ' && event.code !== 'Space') return false;
  const target = event.target as HTMLElement | null;
  return !(target && (TAKES_SPACE.has(target.tagName) || target.isContentEditable));
}

export function usePushToTalk(onPress: () => void, onRelease: () => void): void {
  useEffect(() => {
    let held = false;
    const down = (event: KeyboardEvent) => {
      if (!isTalkKey(event)) return;
      event.preventDefault();
      if (held || event.repeat) return;
      held = true;
      onPress();
    };
    const up = (event: KeyboardEvent) => {
      if (!held || !isTalkKey(event)) return;
      event.preventDefault();
      held = false;
      onRelease();
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, [onPress, onRelease]);
}
