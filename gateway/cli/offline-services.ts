/**
 * The instance's configuration, stores and services, opened by a CLI command on the same files a
 * running gateway uses (SQLite WAL lets both work at once). The stores come from the gateway's
 * own opening (gateway/server/adapters.ts) and the services from its one composition
 * (createServices); a command opens no network client and starts no background job.
 */
import { loadConfig, type GerbangConfig } from '../config/index.ts';
import type { InstanceLocation } from '../config/instance.ts';
import { openStores } from '../server/adapters.ts';
import { createServices, type Services } from '../services/index.ts';

export interface OfflineServices extends Pick<Services, 'policy' | 'reports'> {
  readonly config: GerbangConfig;
  close(): Promise<void>;
}

export async function openOfflineServices(location: InstanceLocation): Promise<OfflineServices> {
  const config = loadConfig(location.configPath);
  const stores = await openStores(config, location.dataDir);
  try {
    const { policy, reports } = createServices(config, stores, {
      wall: Date.now,
      monotonic: () => performance.now(),
    });
    return { config, policy, reports, close: () => stores.close() };
  } catch (error) {
    await stores.close();
    throw error;
  }
}
