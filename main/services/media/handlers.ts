// Media intent handlers: the driver's words (or a touch) to the player, and a short spoken answer.
import type { MediaTrack } from '../../../common/contract.js';
import type { HandlerOutcome, IntentHandler } from '../../core/ports.js';
import type { MediaPlayer } from './player.js';

const about = (track: MediaTrack) => ({ title: track.title, artist: track.artist });

/** `prepare` indexes the music folder the first time music is asked for. */
export function mediaHandlers(player: MediaPlayer, prepare: () => Promise<void> = () => Promise.resolve()): Record<string, IntentHandler> {
  const play: IntentHandler = async (slots, { lang }): Promise<HandlerOutcome> => {
    await prepare();
    const query = typeof slots.query === 'string' && slots.query.trim() !== '' ? slots.query.trim() : undefined;
    // "Play" or "resume" with nothing named goes on with what was paused.
    if (!query && player.resume()) {
      const track = player.current();
      return { say: { key: 'media.play.resumed', params: track ? about(track) : {} }, actions: [`media resume ${track?.id ?? ''}`.trim()] };
    }
    const track = player.play(query, lang);
    if (!track) return { say: query ? { key: 'media.play.not_found', params: { query } } : { key: 'media.play.empty' }, actions: [] };
    return { say: { key: 'media.play.playing', params: about(track) }, actions: [`media play ${track.id}${query ? ` for "${query}"` : ''}`] };
  };

  const pause: IntentHandler = (): HandlerOutcome =>
    player.pause() ? { say: { key: 'media.pause.done' }, actions: ['media pause'] } : { say: { key: 'media.pause.nothing' }, actions: [] };

  const next: IntentHandler = (slots): HandlerOutcome => {
    const direction = slots.direction === 'previous' ? 'previous' : 'next';
    const track = player.skip(direction);
    if (!track) return { say: { key: 'media.pause.nothing' }, actions: [] };
    return { say: { key: direction === 'next' ? 'media.next.done' : 'media.next.previous', params: about(track) }, actions: [`media ${direction} ${track.id}`] };
  };

  const volume: IntentHandler = (slots): HandlerOutcome => {
    const action = slots.action === 'up' || slots.action === 'down' || slots.action === 'set' || slots.action === 'mute' || slots.action === 'unmute' ? slots.action : 'up';
    const level = typeof slots.level === 'number' ? slots.level : undefined;
    const after = player.setVolume(action, level);
    const key = action === 'mute' ? 'media.volume.muted' : action === 'unmute' ? 'media.volume.unmuted' : 'media.volume.done';
    return { say: { key, params: { volume: after.volume } }, actions: [`media volume ${after.muted ? 'muted' : after.volume}`] };
  };

  return { 'media.play': play, 'media.pause': pause, 'media.next': next, 'media.volume': volume };
}
