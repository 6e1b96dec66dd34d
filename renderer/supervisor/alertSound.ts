/** The station's alert: a short two-note chime, made by the Web Audio API (no audio files to serve or cache). */
export interface AlertSound {
  play(): void;
  /**
   * Browsers let a page make sound only after the user touched it: call this from a tap or a
   * key press so later alerts, which come from the network and not from a gesture, are heard.
   */
  unlock(): void;
}

export const silentAlert: AlertSound = { play() {}, unlock() {} };

type AudioContextConstructor = new () => AudioContext;

/** Two notes a fifth apart, loud enough to hear across a shop floor, short enough not to annoy. */
const notes = [
  { hz: 880, at: 0, seconds: 0.18 },
  { hz: 1320, at: 0.22, seconds: 0.26 },
] as const;

export function createToneAlert(): AlertSound {
  const Context = (globalThis as { AudioContext?: AudioContextConstructor; webkitAudioContext?: AudioContextConstructor }).AudioContext ??
    (globalThis as { webkitAudioContext?: AudioContextConstructor }).webkitAudioContext;
  if (!Context) return silentAlert;
  let context: AudioContext | null = null;
  const ready = (): AudioContext | null => {
    try {
      context ??= new Context();
      if (context.state === 'suspended') void context.resume().catch(() => {});
      return context;
    } catch {
      return null;
    }
  };
  return {
    unlock() {
      ready();
    },
    play() {
      const audio = ready();
      if (!audio || audio.state !== 'running') return;
      const start = audio.currentTime + 0.01;
      for (const note of notes) {
        const oscillator = audio.createOscillator();
        const gain = audio.createGain();
        oscillator.type = 'sine';
        oscillator.frequency.value = note.hz;
        // A quick fade in and out: a note switched on and off at full volume clicks.
        gain.gain.setValueAtTime(0, start + note.at);
        gain.gain.linearRampToValueAtTime(0.35, start + note.at + 0.02);
        gain.gain.linearRampToValueAtTime(0, start + note.at + note.seconds);
        oscillator.connect(gain).connect(audio.destination);
        oscillator.start(start + note.at);
        oscillator.stop(start + note.at + note.seconds + 0.02);
      }
    },
  };
}
