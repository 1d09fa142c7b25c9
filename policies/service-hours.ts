/**
 * Service hours (days of the week and a time of day, in a zone) and whether a moment falls inside
 * them: the `outside_service_hours` anomaly rule's test (anomaly.ts), apart from the detector
 * because it is calendar arithmetic, not state.
 */
import { zoneOffsetMs } from './agreement.ts';

export interface ServiceHours {
  readonly timeZone: string;
  /** ISO weekdays 1 (Monday) to 7 (Sunday). */
  readonly days: readonly number[];
  readonly from: string; // HH:MM
  readonly to: string; // HH:MM, exclusive
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Whether `time` falls inside the service hours, in their zone. */
export function withinServiceHours(hours: ServiceHours, time: number): boolean {
  const local = new Date(time + zoneOffsetMs(time, hours.timeZone));
  const weekday = ((local.getUTCDay() + 6) % 7) + 1;
  const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
  return (
    hours.days.includes(weekday) &&
    minutes >= minutesOf(hours.from) &&
    minutes < minutesOf(hours.to)
  );
}
