/**
 * The portal's replay guard for IKD presentations (docs/ikd-profile.md leaves replay to the
 * caller): a presentation's nonce is accepted once while the presentation is valid, so a QR code
 * photographed at one counter cannot be typed in again at another.
 */
export class PresentationReplayGuard {
  private readonly seen = new Map<string, number>();
  private readonly capacity: number;

  constructor(capacity = 10_000) {
    this.capacity = capacity;
  }

  /** True the first time `keyId`/`nonce` is presented before `expiresAt`; false on a replay. */
  firstUse(keyId: string, nonce: string, expiresAt: number, now: number): boolean {
    for (const [key, until] of this.seen) if (until <= now) this.seen.delete(key);
    const key = `${keyId}\u0000${nonce}`;
    if (this.seen.has(key)) return false;
    // Full of unexpired nonces: refuse rather than forget one that could then be replayed.
    if (this.seen.size >= this.capacity) return false;
    this.seen.set(key, expiresAt);
    return true;
  }
}
