/** Which addresses and host names are this machine: the control API's default audience, the CLI's warning. */
import { BlockList, isIP } from "node:net";

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

/** The loopback address ranges, in the notation Hono's IP restriction takes. */
export const LOOPBACK_RANGES = ["127.0.0.0/8", "::1"] as const;

/**
 * Whether an address or host name is the machine itself: 127.0.0.0/8, ::1, IPv4-mapped
 * ::ffff:127.x (BlockList matches those against the IPv4 rule), or the name `localhost`.
 */
export function isLoopbackAddress(address: string): boolean {
  if (address.toLowerCase() === "localhost") return true;
  const family = isIP(address);
  if (family === 0) return false;
  return loopback.check(address, family === 4 ? "ipv4" : "ipv6");
}
