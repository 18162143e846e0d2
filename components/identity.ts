/**
 * What pods' credentials depend on, reduced to a hash: a pod template that carries it restarts its
 * pods when it changes, since pods take their credentials (the IRSA annotation's role, the Pod
 * Identity association) only when they start.
 */
import { createHash } from "node:crypto";

/** A short, stable hash of the identity: the same parts in any order give the same hash. */
export function identityHash(parts: Record<string, string | string[]>): string {
    const canonical = JSON.stringify(Object.keys(parts).sort().map((key) => [key, parts[key]]));
    return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}
