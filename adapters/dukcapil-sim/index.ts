export { createSimulatorApp, DEFAULT_REGION, type SimulatorOptions } from './app.ts';
export { type SimulatorSettings } from './settings.ts';
export { startSimulator, type RunningSimulator } from './server.ts';
export { SyntheticPopulation } from './population.ts';
export { AMBIGUOUS_NIKS, CANARY_RESIDENTS, CANARY_NOT_FOUND_NIK } from './canaries.ts';
