/**
 * The clerk portal's short-lived memory (nothing here touches disk): tickets handing a looked-up
 * NIK to the return-data form, card reads waiting to be picked up, IKD nonces already used.
 */
import { CardReadPickups } from './card-read-pickups.ts';
import { PresentationReplayGuard } from './presentation-replay.ts';
import { ResidentTickets } from './resident-tickets.ts';

export { CardReadPickups, PICKUP_PATTERN, type WaitingCardRead } from './card-read-pickups.ts';
export { PresentationReplayGuard } from './presentation-replay.ts';
export { ResidentTickets, TICKET_PATTERN, type TicketOwner } from './resident-tickets.ts';

export interface PortalServices {
  readonly tickets: ResidentTickets;
  readonly cardReads: CardReadPickups;
  readonly presentations: PresentationReplayGuard;
}

export function createPortalServices(): PortalServices {
  return {
    tickets: new ResidentTickets(),
    cardReads: new CardReadPickups(),
    presentations: new PresentationReplayGuard(),
  };
}
