import type { Clock } from '../../app/ports';

/** The app's only source of "now" (architecture rule 3). The sandbox moves it by moving Date. */
export const systemClock: Clock = { now: () => new Date().toISOString() };
