// The music player's view: where the audio element fetches a track, and how loud it plays. Pure, so the
// unit tests run it in plain Node.
import type { DialogueState, MediaEvent } from '../../../common/contract.js';

/** Share of the volume left while Kemudi listens or speaks: the music steps back, it does not stop. */
export const DUCK_FACTOR = 0.2;

/** Ducked during any conversation (listening, thinking, speaking, waiting for a yes): the driver must
 *  hear Kemudi, and Kemudi the driver. 0..1 for the audio element. */
export function effectiveVolume(media: Pick<MediaEvent, 'volume' | 'muted'>, dialogue: DialogueState | undefined): number {
  if (media.muted) return 0;
  const level = Math.min(100, Math.max(0, media.volume)) / 100;
  return dialogue === undefined || dialogue === 'idle' ? level : level * DUCK_FACTOR;
}

export function isDucked(dialogue: DialogueState | undefined): boolean {
  return dialogue !== undefined && dialogue !== 'idle';
}
