/** Request state, typed through Hono's Env: never `c.get('x') as T`. */
import type { HttpBindings } from '@hono/node-server';
import type { Logger } from 'pino';
import type { AuditEvent } from '../../audit/index.ts';
import type { ReaderRow } from '../../adapters/sqlite/port.ts';
import type { ClientProfile } from '../../policies/index.ts';
import type { Role } from '../config/index.ts';
import type { CardReadVerifier } from '../services/readers/card-read-verifier.ts';
import type { NonceStore } from '../services/readers/nonces.ts';
import type { ApiError } from './error-catalogue.ts';

export interface Principal {
  readonly id: string;
  readonly role: Role;
  readonly certificateFingerprint: string;
  readonly certificateSerial: string;
  /** Present for role `app`, and for an operator: its client's. */
  readonly profile?: ClientProfile;
  /**
   * Role `operator`: the person, authenticated by their own certificate (its CN). `id` is then
   * the client (app principal) the certificate is bound to, whose profile, limits and agreement
   * apply, so that the trail, quotas and reports count the operator's requests as the client's.
   */
  readonly operator?: string;
  /** An app whose profile refuses asserted operators (`requireAuthenticatedOperators`). */
  readonly requireAuthenticatedOperators?: boolean;
}

/** The audit record of a data-path request, filled in as the request goes through the pipeline. */
export type AuditDraft = { -readonly [K in keyof AuditEvent]?: AuditEvent[K] } & {
  recorded: boolean;
};

/** The reader of a reader route, once its guard found it enrolled, active and on the certificate. */
export interface ActiveReader {
  readonly id: string;
  readonly row: ReaderRow;
  /** The reader services, which exist whenever a reader can be active. */
  readonly services: { readonly verifier: CardReadVerifier; readonly nonces: NonceStore };
}

export interface GatewayEnv {
  Bindings: Partial<HttpBindings>;
  Variables: {
    requestId: string;
    /**
     * The request's logger (a child bound to its request id), made the first time it is asked
     * for: most requests log nothing through it — their one line is request-log.ts's — and a
     * child per request was work on every request's path.
     */
    log: () => Logger;
    principal: Principal;
    /** Set with `principal`; read where the principal may not be known yet (the request log). */
    principalId?: string;
    /**
     * The JSON body: as parsed until the route's schema accepted it, then of the schema's type
     * (a handler reads it typed through its RouteContext, gateway/http/routes/route-spec.ts).
     */
    body: unknown;
    /** The query parameters, once the route's `query` schema accepted them. */
    query: unknown;
    /** X-Operator-Id, once checked: set on the routes that declare `requiresOperator`. */
    operatorId?: string;
    /** Set on data paths only. */
    audit?: AuditDraft;
    /** Set on reader routes, by their guard. */
    reader?: ActiveReader;
    /**
     * A page route's rendering of a refusal (the clerk portal: the page again, with the error);
     * the error handler uses it instead of the JSON body.
     */
    renderError?: (error: ApiError) => Response;
  };
}
