import type { Actor } from '../actor/actor.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { IdentityChanges } from '../identity/identity-changes.js';
import { AccessWatch } from './access-watch.js';

// setTimeout and Date.now() are different clocks: about one timer in 25 fires a millisecond before Date.now() reaches
// its target. A watch whose expiry timer fired early saw a still-valid credential and never checked again, so the
// socket of an expired token stayed open (the flaky 4401 case of subscription-access).
describe('AccessWatch', () => {
  it('closes the socket at expiry even when the timer fires before Date.now() reaches it', async () => {
    const realNow = Date.now.bind(Date);
    let lag = 0; // from when the timer is set, Date.now() runs 5 ms behind the timers' clock: the timer fires "early"
    const now = jest.spyOn(Date, 'now').mockImplementation(() => realNow() - lag);
    try {
      const actor = { id: 'u1', expiresAt: realNow() + 30 } as Actor;
      const authenticator = { current: async (a: Actor) => (a.expiresAt! <= Date.now() ? null : a) } as unknown as Authenticator;
      const identities = { subscribe: () => () => undefined } as unknown as IdentityChanges;
      const closed: number[] = [];
      let ended = false;
      new AccessWatch(actor, authenticator, identities, { end: () => (ended = true) }, {
        close: (code: number) => closed.push(code),
      } as never);
      lag = 5;
      for (let i = 0; i < 50 && closed.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(closed).toEqual([4401]);
      expect(ended).toBe(true);
    } finally {
      now.mockRestore();
    }
  });
});
