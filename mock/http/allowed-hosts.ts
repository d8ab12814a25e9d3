/**
 * Allowed hosts, the dev servers' guard against DNS rebinding: a page on `evil.example` whose name
 * an attacker points at 127.0.0.1 reaches the mock with `Host: evil.example`. Requests over a
 * socket are answered only when their Host is a loopback name, an IP address (an address cannot be
 * rebound), the address the mock is bound to, or a name the operator allowed (`--allowed-host`).
 * In-process requests (`app.fetch`, createMockFetch, the MSW handlers) come from this process, not
 * a browser, so they are not checked: their URLs name whatever host the test likes.
 */
import { isIP } from "node:net";
import { isLoopbackAddress } from "./loopback.js";

/** Names allowed besides loopback names and IP addresses; `.example.com` allows its subdomains too. */
export type AllowedHosts = readonly string[];

/** The host name of a Host header value (`name:port`, `[v6]:port`), lower case, or undefined when it has none. */
export function hostNameOf(host: string | null | undefined): string | undefined {
  if (host === undefined || host === null || host === "") return undefined;
  const name = host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.replace(/:\d*$/, "");
  return name.toLowerCase().replace(/\.$/, "") || undefined;
}

/**
 * Whether a request for `hostName` may be answered.
 *
 * @example isAllowedHost("mock", ["mock"]) // true; isAllowedHost("evil.example", []) // false
 */
export function isAllowedHost(hostName: string, allowed: AllowedHosts): boolean {
  if (isIP(hostName) !== 0 || isLoopbackAddress(hostName) || hostName.endsWith(".localhost")) return true;
  return allowed.some((entry) => {
    const name = entry.toLowerCase();
    return name.startsWith(".") ? hostName === name.slice(1) || hostName.endsWith(name) : hostName === name;
  });
}
