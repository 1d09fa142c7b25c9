/** Request state, typed through Hono's Env: never `c.get('x') as T`. */
import type { HttpBindings } from '@hono/node-server';
import type { Logger } from 'pino';
import type { AuditEvent } from '../../audit/index.ts';
import type { ClientProfile } from '../../policies/index.ts';
import type { Role } from '../config/index.ts';

export interface Principal {
  readonly id: string;
  readonly role: Role;
  readonly certificateFingerprint: string;
  readonly certificateSerial: string;
  /** Present for role `app`. */
  readonly profile?: ClientProfile;
}

/** The audit record of a data-path request, filled in as the request goes through the pipeline. */
export type AuditDraft = { -readonly [K in keyof AuditEvent]?: AuditEvent[K] } & {
  recorded: boolean;
};

export interface GatewayEnv {
  Bindings: Partial<HttpBindings>;
  Variables: {
    requestId: string;
    log: Logger;
    principal: Principal;
    /** Set with `principal`; read where the principal may not be known yet (the request log). */
    principalId?: string;
    body: unknown;
    /** Set on data paths only. */
    audit?: AuditDraft;
  };
}
