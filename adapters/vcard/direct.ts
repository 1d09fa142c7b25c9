/**
 * Virtual cards as direct channels, as if they sat in readers but without pcscd: for the
 * retention self-test and for tests that exercise the agent and the gateway without PC/SC.
 */
import { select, type CardChannel } from '../pcsc/channel.ts';
import type { Cards } from '../reader-agent/agent.ts';
import type { VirtualCard } from './vpcd.ts';

export function directCards(...cards: VirtualCard[]): Cards {
  return {
    async find(aid) {
      for (const [i, card] of cards.entries()) {
        card.reset();
        const channel: CardChannel = {
          readerName: `direct ${i}`,
          transmit: (apdu) => Promise.resolve(card.transmit(apdu)),
        };
        if (await select(channel, aid)) return channel;
      }
      throw new Error('no card answers this application');
    },
  };
}
