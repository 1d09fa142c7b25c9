/**
 * The instance's configuration, audit trail, state database and policy services, opened by a CLI
 * command on the same files a running gateway uses (SQLite WAL lets both work at once).
 */
import { join } from 'node:path';
import { createSubjectHasher } from '../../audit/index.ts';
import { openAuditStore } from '../server/audit-store.ts';
import { loadConfig, readSecretBytes, type GerbangConfig } from '../config/index.ts';
import type { InstanceLocation } from '../config/instance.ts';
import { createPolicyServices, StateDb, type PolicyServices } from '../services/index.ts';

export interface OfflineServices {
  readonly config: GerbangConfig;
  readonly audit: ReturnType<typeof openAuditStore>;
  readonly state: StateDb;
  readonly policy: PolicyServices;
  close(): Promise<void>;
}

export async function openOfflineServices(location: InstanceLocation): Promise<OfflineServices> {
  const config = loadConfig(location.configPath);
  const audit = openAuditStore(config, location.dataDir);
  const state = new StateDb(join(location.dataDir, 'state.db'));
  const close = async (): Promise<void> => {
    await audit.close();
    state.close();
  };
  try {
    const policy = createPolicyServices({
      config,
      state,
      audit,
      subjectHasher: createSubjectHasher(readSecretBytes(config.audit.hmacKeyFile)),
      wall: Date.now,
      monotonic: () => performance.now(),
    });
    return { config, audit, state, policy, close };
  } catch (error) {
    await close();
    throw error;
  }
}
