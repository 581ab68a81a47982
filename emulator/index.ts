// The APIM management-plane emulator: `startEmulator()` for tests and benchmarks, `apiops emulator` for people.
export { startEmulator, serviceNameFor, serviceUrl, SUPPORTED_API_VERSIONS } from './server.ts';
export type { StartEmulatorOptions, RunningEmulator, EmulatorInfo, Exchange } from './server.ts';
export type { InstanceKnobs } from './context.ts';
export type { ThrottlingSettings } from './throttling.ts';
