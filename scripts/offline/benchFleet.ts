/**
 * One measurement of `npm run bench`, in a process of its own: a WorkloadIdentities fleet of W
 * workloads on C IRSA clusters under the mock engine, timed until the engine has registered every
 * resource. Prints one JSON line: the time, the registered resources, the roles, and the memory.
 *
 *   node --conditions=eks-irsa-source -r ts-node/register/transpile-only benchFleet.ts <workloads> <clusters>
 */
import * as pulumi from "@pulumi/pulumi";

import { createMockEngine, sentinels } from "./mocks";
import { benchBucketArn } from "./benchBindings";

/** What one run reports. */
export interface FleetMeasurement {
    workloads: number;
    clusters: number;
    /** From the constructor call until every registration is in. */
    milliseconds: number;
    registered: number;
    roles: number;
    maxRssKiB: number;
}

/** The provider ARN of the bench's n-th cluster: EKS-shaped, each its own issuer. */
function providerArnOf(index: number): string {
    return `arn:aws:iam::${sentinels.accountId}:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/${index.toString(16).toUpperCase().padStart(32, "0")}`;
}

async function main(workloads: number, clusters: number): Promise<FleetMeasurement> {
    const engine = createMockEngine({ accountId: sentinels.accountId, region: "us-west-2" });
    await pulumi.runtime.setMocks(engine.mocks, "eks-irsa-bench", "bench", false);
    const { WorkloadIdentities, mapOnlyTypeScriptFrames } = await import("@eks-irsa/components");
    // As this repository's program runs the components (components/stackTraces.ts).
    mapOnlyTypeScriptFrames();
    const started = process.hrtime.bigint();
    await pulumi.runtime.runInPulumiStack(async () => {
        // Each workload reads its own prefix; the fleet creates roles only (the charts own the ServiceAccounts).
        new WorkloadIdentities("fleet", {
            clusters: Array.from({ length: clusters }, (_, index) => ({ name: `cluster-${index}`, oidcProviderArn: providerArnOf(index) })),
            workloads: Array.from({ length: workloads }, (_, index) => ({ name: `workload-${index}`, serviceAccountName: `workload-${index}`, s3Read: { bucketArns: [benchBucketArn], keyPrefixes: [`workload-${index}/`] } })),
            defaults: { namespace: "apps", serviceAccountMode: "none" },
            roleNamePrefix: "bench-",
        });
        return {};
    });
    await pulumi.runtime.disconnect();
    return { workloads, clusters, milliseconds: Number(process.hrtime.bigint() - started) / 1e6, registered: engine.registered.length, roles: engine.registered.filter((resource) => resource.type === "aws:iam/role:Role").length, maxRssKiB: process.resourceUsage().maxRSS };
}

if (require.main === module) {
    const [workloadsText, clustersText] = process.argv.slice(2);
    if (!/^\d+$/.test(workloadsText ?? "") || !/^\d+$/.test(clustersText ?? "")) {
        process.stderr.write("usage: benchFleet.ts <workloads> <clusters>\n");
        process.exit(2);
    }
    main(Number(workloadsText), Number(clustersText)).then(
        (measurement) => {
            process.stdout.write(`${JSON.stringify(measurement)}\n`);
            process.exit(0);
        },
        (error: unknown) => {
            process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
            process.exit(1);
        },
    );
}
