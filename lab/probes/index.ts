/** Probes: one command, one parser, one typed value each; the raw result is kept as evidence. */
export { ProbeError, type Probed } from "./probe.js";
export {
  bgpSummary,
  bgpSummaryOf,
  bgpTable,
  bgpTableOf,
  mergeSummaries,
  BGP6_SUMMARY_COMMAND,
  BGP6_TABLE_COMMAND,
  type BgpFamily,
  parseBgpSummary,
  parseBgpTable,
  BGP_SUMMARY_COMMAND,
  BGP_TABLE_COMMAND,
  type BgpNextHop,
  type BgpOrigin,
  type BgpPath,
  type BgpPeerState,
  type BgpSummary,
  type BgpTable,
} from "./bgp.js";
export {
  kernelRoutes,
  kernelRoutesCommand,
  kernelRoutesOf,
  parseKernelRoutes,
  KERNEL_ROUTES6_COMMAND,
  type RouteFamily,
  normalizeDestination,
  KERNEL_ROUTES_COMMAND,
  type KernelNextHop,
  type KernelRoute,
} from "./routes.js";
export {
  ping,
  parsePing,
  pingCommand,
  type PingError,
  type PingOptions,
  type PingReply,
  type PingResult,
} from "./ping.js";
export { fping, fpingCommand, parseFping, type FpingOptions } from "./fping.js";
export { fpingTrace, fpingTraceCommand, parseFpingTrace, type FpingTraceOptions } from "./fping-trace.js";
export {
  traceroute,
  parseTraceroute,
  tracerouteCommand,
  type TracerouteHop,
  type TracerouteOptions,
  type TracerouteResult,
} from "./traceroute.js";
