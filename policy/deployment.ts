/**
 * What the analyzer has seen of one deployment (one `pulumi preview` or `pulumi up`), so a grant can
 * be judged at its own Analyze call, before the engine creates it, against the roles, policies and
 * associations the engine analyzed before it.
 *
 * The engine starts one analyzer process per deployment, calls ConfigureStack once when it loads it,
 * then Analyze for every resource the program registers, after the provider's Check (autonamed names
 * included) and before the resource's step runs; a mandatory violation during an update stops that
 * step. A resource is registered only once the outputs it takes are resolved, so a role, a policy or
 * an association is analyzed before every grant that takes its name or ARN. `@pulumi/policy` hands
 * every call of one deployment the same `stackTags` object and replaces it on ConfigureStack, so that
 * object is the deployment's key.
 */
import { isMandatoryPath, describePath } from "@eks-irsa/components/iam";
import { computeRoles } from "./chains";
import { emptyStackGrants, linksTo, readResource, StackGrants, StackResource } from "./grants";
import { JudgementOptions, judgeOutsideRoles, judgeWorkloadRoles, rolesChainedWith } from "./workloads";

/** One violation of the workload rules: its message, the resource it is reported on, and what it is about (a role and a path or an unreadable grant). */
export interface WorkloadViolation {
    message: string;
    urn: string;
    /** The role and the path (or the unreadable grant): the same violation however much evidence it has. */
    key: string;
}

/**
 * The violations of a stack's workload roles: the paths of one kind, and with the mandatory paths the
 * grants the pack cannot read, or else the named roles outside the stack pods reach (advisory: a
 * role of another account is a supported pattern, and what it may do cannot be seen from here).
 */
export function workloadViolations(stack: StackGrants, options: JudgementOptions, mandatoryPaths: boolean): WorkloadViolation[] {
    const outside = mandatoryPaths
        ? []
        : judgeOutsideRoles(stack).map(({ arn, urn, evidence }) => ({
              message:
                  `${JSON.stringify(arn)} is a role this stack does not hold, and pods reach it: ${evidence.join("; ")}; ` +
                  "its trust and permissions are defined elsewhere, so what the pods get cannot be judged here: keep that role narrow where it is defined",
              urn,
              key: `outside\n${arn}`,
          }));
    return [...outside, ...judgeWorkloadRoles(stack, options).flatMap((role) => [
        ...role.findings
            .filter((each) => isMandatoryPath(each.finding.path) === mandatoryPaths)
            .map(({ finding, urn }) => ({
                message: `${role.role} is a workload role (${role.reason}) and ${describePath(finding)}; grant the workload the actions it needs on the resources it names instead`,
                urn,
                key: `${role.role}\n${role.reason}\n${finding.path.id}`,
            })),
        // Reads of every resource's data are broad, as the components judge them: advisory, unless accepted by name.
        ...(mandatoryPaths
            ? []
            : role.dataReads.map(({ evidence, urn }) => ({
                  message: `${role.role} is a workload role (${role.reason}) and reads the data of every resource of a type (every object, secret, parameter, item...): ${evidence}; grant the workload reads of the resources it names instead`,
                  urn,
                  key: `${role.role}\n${role.reason}\ndata-read\n${evidence}`,
              }))),
        ...(mandatoryPaths
            ? role.unreadable.map(({ label, urn, why }) => ({
                  message: `${role.role} is a workload role (${role.reason}) and ${label} ${why}; a workload role's grants must be ones the pack can judge`,
                  urn,
                  key: `${role.role}\n${role.reason}\n${label}\n${why}`,
              }))
            : []),
    ])];
}

/** The resources of one deployment, in the order the engine analyzed them, and the violations already reported. */
export class DeploymentMemory {
    private readonly seen = new Map<string, StackGrants>();
    private readonly reported = new Set<string>();

    /**
     * Remembers a resource and returns the mandatory violations it brings: the ones of the roles it
     * touches (its own, the ones its grants name, the ones its associations hand to pods) that the
     * deployment without it would not have, or would have without its part. A grant to a role the deployment has not shown is judged
     * as a grant to a workload role, as the stack rule judges a role the stack does not hold.
     */
    analyze(resource: StackResource, options: JudgementOptions): WorkloadViolation[] {
        const own = emptyStackGrants();
        readResource(resource, own);
        // A resource registered again (the engine never does so in one deployment) replaces what it said.
        this.seen.delete(resource.urn);
        this.seen.set(resource.urn, own);
        if (own.grants.length === 0 && own.associations.length === 0 && own.roles.length === 0 && own.compute.length === 0 && own.instanceProfiles.length === 0) {
            return [];
        }
        const all = this.merged();
        // Compute and instance profiles open a chain to the role they run as (policy/chains.ts).
        const runAs = [...own.compute.flatMap((compute) => computeRoles(compute, all)), ...own.instanceProfiles.flatMap((profile) => all.roles.filter((role) => linksTo(profile.role, role)))];
        const direct = all.roles.filter(
            (role) =>
                role.urn === resource.urn ||
                own.grants.some((grant) => linksTo(grant.role, role)) ||
                own.associations.some((association) => association.roles.some((link) => linksTo(link, role))) ||
                runAs.includes(role),
        );
        // With the roles chained with them (one reaches another), so a chain this resource opens or extends is judged here too.
        const chained = rolesChainedWith(all, direct);
        const touched = [...direct, ...chained.filter((role) => !direct.includes(role))];
        const scoped = (without?: string): StackGrants => ({
            partial: true,
            roles: touched.filter((role) => role.urn !== without),
            grants: all.grants.filter((grant) => grant.urn !== without && (grant.urn === resource.urn || touched.some((role) => linksTo(grant.role, role)))),
            policies: all.policies.filter((policy) => policy.urn !== without),
            associations: all.associations.filter((association) => association.urn !== without),
            compute: all.compute.filter((compute) => compute.urn !== without),
            instanceProfiles: all.instanceProfiles.filter((profile) => profile.urn !== without),
        });
        // New, or changed by this resource: a path it opens, one it adds a grant to, a role it hands to pods.
        const before = new Set(workloadViolations(scoped(resource.urn), options, true).map((violation) => violation.message));
        const introduced = workloadViolations(scoped(), options, true).filter((violation) => !before.has(violation.message));
        const unique = [...new Map(introduced.map((violation) => [violation.key, { ...violation, urn: resource.urn }])).values()];
        unique.forEach((violation) => this.reported.add(violation.key));
        return unique;
    }

    /** Whether this violation (by its key) was already reported at a resource of this deployment. */
    wasReported(violation: WorkloadViolation): boolean {
        return this.reported.has(violation.key);
    }

    private merged(): StackGrants {
        const all: StackGrants = { ...emptyStackGrants(), partial: true };
        for (const each of this.seen.values()) {
            all.roles.push(...each.roles);
            all.grants.push(...each.grants);
            all.policies.push(...each.policies);
            all.associations.push(...each.associations);
            all.compute.push(...each.compute);
            all.instanceProfiles.push(...each.instanceProfiles);
        }
        return all;
    }
}

const deployments = new WeakMap<object, DeploymentMemory>();

/** The memory of the deployment a policy call belongs to, keyed by the `stackTags` object the SDK gives every call of it. */
export function deploymentMemory(stackTags: object): DeploymentMemory {
    let memory = deployments.get(stackTags);
    if (memory === undefined) {
        memory = new DeploymentMemory();
        deployments.set(stackTags, memory);
    }
    return memory;
}
