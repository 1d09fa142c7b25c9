/**
 * The rules of the configuration file that its schema cannot express: agreements' numbers,
 * calendars, upstreams and clients; upstream quota zones and reservations; time zones; client
 * profiles against what agreements grant; the NPWPD pattern, return data and IKD key ids. Apart
 * from loading (load.ts) because they check a document and touch no file.
 */
import { agreementCalendarProblems, isIanaTimeZone } from '../../policies/index.ts';
import { DEFAULT_UPSTREAM, type GerbangConfig } from './schema.ts';
import { returnDataProblems } from './return-data-checks.ts';
import { configuredUpstreams, upstreamNames, upstreamReservations } from './upstreams.ts';

/**
 * The principal configured under `id`: own keys only, so that `toString`, `constructor` or
 * `__proto__` are no principals (a plain object lookup would find Object.prototype's members).
 */
export function configuredPrincipal(
  config: GerbangConfig,
  id: string,
): GerbangConfig['principals'][string] | undefined {
  return Object.hasOwn(config.principals, id) ? config.principals[id] : undefined;
}

/** An agreement's upstream and clients must exist: a typing error would serve nobody, or the wrong one. */
function agreementBindingProblems(
  config: GerbangConfig,
  agreement: GerbangConfig['agreements'][number],
  i: number,
): string[] {
  const problems: string[] = [];
  const upstreams = upstreamNames(config);
  if (agreement.upstream !== undefined && !upstreams.includes(agreement.upstream))
    problems.push(
      `/agreements/${i}/upstream: agreement ${agreement.number} names upstream ${agreement.upstream}, which is not configured (known: ${upstreams.join(', ')})`,
    );
  for (const client of agreement.clients ?? []) {
    const role = configuredPrincipal(config, client)?.role;
    if (role !== 'app' && role !== 'reader')
      problems.push(`/agreements/${i}/clients: ${client} is not a configured app or reader`);
  }
  return problems;
}

/** Where an upstream sits in the file, for problems that name it. */
const upstreamAt = (name: string): string =>
  name === DEFAULT_UPSTREAM ? '/upstream' : `/upstreams/${name}`;

/** Each upstream's quota zone and the reservations held on its quota. */
function upstreamProblems(config: GerbangConfig): string[] {
  const problems: string[] = [];
  // `default` is the `upstream` object's name: a second one of that name would be ambiguous.
  if (config.upstreams !== undefined && Object.hasOwn(config.upstreams, DEFAULT_UPSTREAM))
    problems.push(`/upstreams/${DEFAULT_UPSTREAM} is the name of /upstream; choose another name`);
  const reservations = upstreamReservations(config);
  for (const [name, upstream] of configuredUpstreams(config)) {
    const at = upstreamAt(name);
    if (!isIanaTimeZone(upstream.quotaTimeZone))
      problems.push(`${at}/quotaTimeZone must be an IANA time zone name such as Asia/Jakarta`);
    // The quotas keep one day (services/clients/limits.ts): a second zone would reset some of
    // them at another midnight, which the counters do not model.
    else if (upstream.quotaTimeZone !== config.upstream.quotaTimeZone)
      problems.push(`${at}/quotaTimeZone must be /upstream/quotaTimeZone's`);
    const reserved = Object.values(reservations[name] ?? {}).reduce((a, b) => a + b, 0);
    if (reserved > upstream.dailyQuota)
      problems.push(
        `/principals: the upstreamQuotaReserve of the clients on ${name} (${String(reserved)}) exceeds ${at}/dailyQuota (${String(upstream.dailyQuota)})`,
      );
  }
  return problems;
}

export function semanticProblems(config: GerbangConfig): string[] {
  const problems: string[] = [];
  const numbers = new Set<string>();
  config.agreements.forEach((agreement, i) => {
    for (const { field, problem } of agreementCalendarProblems(agreement))
      problems.push(`/agreements/${i}/${field} ${problem}`);
    if (numbers.has(agreement.number))
      problems.push(`/agreements/${i}/number is the number of an earlier agreement`);
    numbers.add(agreement.number);
    problems.push(...agreementBindingProblems(config, agreement, i));
  });
  problems.push(...upstreamProblems(config));
  const zones: [string, string | undefined][] = [
    ['/anomalies/serviceHours/timeZone', config.anomalies.serviceHours?.timeZone],
  ];
  for (const [at, zone] of zones)
    if (zone !== undefined && !isIanaTimeZone(zone))
      problems.push(`${at} must be an IANA time zone name such as Asia/Jakarta`);
  const agreed = new Set(config.agreements.flatMap((agreement) => agreement.elements));
  for (const [id, principal] of Object.entries(config.principals)) {
    const at = `/principals/${id}`;
    if (principal.role === 'app' && principal.profile === undefined)
      problems.push(`${at}/profile is required for role app`);
    if (principal.role !== 'app' && principal.role !== 'reader' && principal.profile !== undefined)
      problems.push(`${at}/profile is only for roles app and reader`);
    for (const element of principal.profile?.elements ?? []) {
      if (!agreed.has(element))
        problems.push(`${at}/profile/elements: ${element} is not granted by any agreement`);
    }
  }
  try {
    new RegExp(config.returnData.npwpdPattern, 'u');
  } catch {
    problems.push('/returnData/npwpdPattern is not a valid regular expression');
  }
  problems.push(...returnDataProblems(config.returnData));
  const keyIds = new Set<string>();
  config.ikd?.issuerKeys.forEach(({ id }, i) => {
    if (keyIds.has(id)) problems.push(`/ikd/issuerKeys/${i}/id is the id of an earlier key`);
    keyIds.add(id);
  });
  return problems;
}
