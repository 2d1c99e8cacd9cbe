// Names of the proxy's iptables chains. kube-proxy's layout (KUBE-SERVICES, KUBE-SVC-<hash>, ...)
// with our own prefix, so a real kube-proxy on the same host and SuperProxy never touch each
// other's chains. iptables limits a chain name to 28 characters: "SUPERNETES-SVC-" leaves 13 for
// the hash (65 bits of SHA-256 in base32, as kube-proxy's portChainName but shorter).
import { createHash } from 'node:crypto';

export const PREFIX = 'SUPERNETES-';
export const SERVICES_CHAIN = `${PREFIX}SERVICES`;
export const NODEPORTS_CHAIN = `${PREFIX}NODEPORTS`;
export const POSTROUTING_CHAIN = `${PREFIX}POSTROUTING`;
export const MARK_MASQ_CHAIN = `${PREFIX}MARK-MASQ`;
/** filter: NodePorts without usable endpoints, rejected (or dropped) on the node's own addresses. */
export const EXTERNAL_SERVICES_CHAIN = `${PREFIX}EXTERNAL-SERVICES`;
/** filter: accepts forwarded service traffic even where FORWARD's policy is DROP (Docker's). */
export const FORWARD_CHAIN = `${PREFIX}FORWARD`;
/** filter: with route_localnet on, only loopback may reach 127.0.0.0/8 (kube-proxy's KUBE-FIREWALL rule). */
export const FIREWALL_CHAIN = `${PREFIX}FIREWALL`;

export const MAX_CHAIN_NAME = 28;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer, length: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length >= length) break;
  }
  return out;
}

function hashed(kind: 'SVC' | 'EXT' | 'SVL' | 'SEP', ...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('\0')).digest();
  const head = `${PREFIX}${kind}-`;
  return head + base32(digest, MAX_CHAIN_NAME - head.length);
}

/** The chain that load-balances a service port over all its endpoints. */
export const serviceChain = (servicePort: string, protocol: string): string => hashed('SVC', servicePort, protocol);
/** The chain external (NodePort) traffic enters: applies externalTrafficPolicy. */
export const externalChain = (servicePort: string, protocol: string): string => hashed('EXT', servicePort, protocol);
/** The chain over the endpoints on this node only (externalTrafficPolicy: Local). */
export const localServiceChain = (servicePort: string, protocol: string): string => hashed('SVL', servicePort, protocol);
/** One endpoint of a service port: masquerade for hairpin, then DNAT. */
export const endpointChain = (servicePort: string, protocol: string, endpoint: string): string => hashed('SEP', servicePort, protocol, endpoint);

export const isOurChain = (name: string): boolean => name.startsWith(PREFIX);
