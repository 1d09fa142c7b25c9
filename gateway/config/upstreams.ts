/**
 * The configured upstreams by name: `upstream` is `default`, `upstreams` adds the others. One
 * place answers which names exist and whose quota reservations each one holds, so that the
 * configuration checks, the composition root and the quota counters cannot disagree.
 */
import { DEFAULT_UPSTREAM, type GerbangConfig, type UpstreamConfig } from './schema.ts';

/** Every configured upstream, `default` first, then `upstreams` in the file's order. */
export function configuredUpstreams(config: GerbangConfig): [string, UpstreamConfig][] {
  return [
    [DEFAULT_UPSTREAM, config.upstream],
    ...Object.entries(config.upstreams ?? {}).filter(([name]) => name !== DEFAULT_UPSTREAM),
  ];
}

/** The upstream called `name`; own keys only (`__proto__` or `toString` name none). */
export function upstreamNamed(config: GerbangConfig, name: string): UpstreamConfig | undefined {
  if (name === DEFAULT_UPSTREAM) return config.upstream;
  const others = config.upstreams;
  return others !== undefined && Object.hasOwn(others, name) ? others[name] : undefined;
}

/** The upstream names an agreement may be bound to. */
export function upstreamNames(config: GerbangConfig): string[] {
  return configuredUpstreams(config).map(([name]) => name);
}

/**
 * Each upstream's quota reservations (client → units). A client's `upstreamQuotaReserve` is held
 * on every upstream a configured agreement serving it is bound to: it is that upstream's quota
 * the client spends. A client no configured agreement serves holds it on `default`, which is
 * what a configuration with one upstream always did.
 */
export function upstreamReservations(
  config: GerbangConfig,
): Record<string, Record<string, number>> {
  const byUpstream: Record<string, Record<string, number>> = Object.fromEntries(
    upstreamNames(config).map((name) => [name, {}]),
  );
  for (const [client, principal] of Object.entries(config.principals)) {
    const units = principal.profile?.upstreamQuotaReserve ?? 0;
    if (units <= 0) continue;
    const bound = config.agreements
      .filter((agreement) => agreement.clients === undefined || agreement.clients.includes(client))
      .map((agreement) => agreement.upstream ?? DEFAULT_UPSTREAM);
    for (const name of bound.length === 0 ? [DEFAULT_UPSTREAM] : new Set(bound)) {
      const pool = byUpstream[name];
      if (pool !== undefined) pool[client] = units;
    }
  }
  return byUpstream;
}
