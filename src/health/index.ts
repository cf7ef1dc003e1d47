// Public entry of health/: run a guest's checks (configured + feature defaults).
export { featureHealthChecks, hostOfIp, type HealthCheck } from './checks.js';
export { runHealthChecks, type HealthCheckResult, type HealthReport, type HealthRunOptions, type SleepFn } from './run.js';
export { commandArgv, commandOutcome, defaultConnect, defaultHttpGet, type ConnectFn, type HttpGetFn, type ProbeOutcome } from './probes.js';
