/**
 * DNS add-ons: external-dns and cert-manager's Route 53 DNS-01 solver, each limited to the hosted
 * zones the user names.
 */
import * as pulumi from "@pulumi/pulumi";

import type { PolicyStatementArgs } from "../permissions";
import { addonPermissions, AddonPermissions, condition, joined, partitionOf, serviceAccountOf, statement } from "./types";
import { checkedInputs, checkHostedZoneId, flag } from "./validation";

function hostedZoneArns(partition: pulumi.Input<string>, zoneIds: pulumi.Input<string>[]): pulumi.Input<string>[] {
    return zoneIds.map((zoneId) => joined("arn:", partition, ":route53:::hostedzone/", zoneId));
}

/** The scope of external-dns's role. */
export interface ExternalDnsArgs {
    /**
     * IDs of the Route 53 hosted zones external-dns manages (`aws.route53.Zone.zoneId`, such as
     * `Z0123456789ABCDEFGHIJ`). At least one. Give external-dns the same list as
     * `--zone-id-filter`, so it does not try the zones it may not change.
     */
    hostedZoneIds: pulumi.Input<string>[];
    /**
     * The partition of the role (`aws.getPartitionOutput().partition`).
     * @default "aws"
     */
    partition?: pulumi.Input<string>;
    /**
     * Namespace of external-dns's ServiceAccount.
     * @default "external-dns"
     */
    namespace?: string;
    /**
     * Name of external-dns's ServiceAccount.
     * @default "external-dns"
     */
    serviceAccountName?: string;
}

/**
 * external-dns with the AWS (Route 53) provider. The chart (`external-dns/external-dns` 1.21)
 * names its ServiceAccount after the release and has no namespace of its own: the default is the
 * chart released as `external-dns` in namespace `external-dns`, as AWS's eksdemo and EKS Blueprints
 * install it.
 *
 * Source: kubernetes-sigs/external-dns `docs/tutorials/aws.md` ("IAM Policy"; v0.21/v0.22), narrowed from
 * `hostedzone/*` to the given zones, as its "Further improvements" section advises.
 * `allowBroadPermissions` is set for `route53:ListHostedZones`, which supports only `"*"` and which
 * external-dns calls to find its zones even with `--zone-id-filter`.
 *
 * EKS Pod Identity: supported (external-dns uses the AWS SDK for Go v2 default credential chain, as
 * its tutorial says). Installed as an EKS community add-on, pass the role with
 * `podIdentityAssociations` or `serviceAccountRoleArn`, as for the AWS add-ons.
 */
export function externalDns(args: ExternalDnsArgs): AddonPermissions {
    const serviceAccount = serviceAccountOf("externalDns", { namespace: "external-dns", serviceAccountName: "external-dns" }, args);
    const partition = partitionOf("externalDns", args.partition);
    const zones = hostedZoneArns(partition, checkedInputs("externalDns.hostedZoneIds", args.hostedZoneIds, checkHostedZoneId, { nonEmpty: true }));
    return addonPermissions("externalDns", serviceAccount, [], [
        statement(["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResources"], zones),
        // Finding the zones: IAM cannot scope this call to a resource.
        statement(["route53:ListHostedZones"], ["*"]),
    ]);
}

/** The scope of cert-manager's role for the Route 53 DNS-01 solver. */
export interface CertManagerArgs {
    /** IDs of the Route 53 hosted zones cert-manager answers DNS-01 challenges in. At least one. */
    hostedZoneIds: pulumi.Input<string>[];
    /**
     * Whether cert-manager may look zones up by name (`route53:ListHostedZonesByName`, which supports
     * only `"*"`). Set it to `false` when every Issuer's `route53` solver names its `hostedZoneID`.
     * @default true
     */
    listHostedZonesByName?: boolean;
    /**
     * The partition of the role (`aws.getPartitionOutput().partition`).
     * @default "aws"
     */
    partition?: pulumi.Input<string>;
    /**
     * Namespace of cert-manager's ServiceAccount.
     * @default "cert-manager"
     */
    namespace?: string;
    /**
     * Name of cert-manager's (controller's) ServiceAccount.
     * @default "cert-manager"
     */
    serviceAccountName?: string;
}

/**
 * cert-manager's ACME DNS-01 solver for Route 53 (chart `jetstack/cert-manager`, or the EKS community
 * add-on `cert-manager`; controller ServiceAccount `cert-manager/cert-manager`).
 *
 * Source: cert-manager documentation `configuration/acme/dns01/route53.md` (cert-manager 1.18/1.19
 * website, 2026-08), narrowed: record changes only in the given zones (not `hostedzone/*`), only of
 * TXT records named `_acme-challenge.*`, and only UPSERT and DELETE, the two changes the solver
 * makes. (A `cnameStrategy: Follow` solver writes under the CNAME's target name: bind it with your
 * own statement.) `allowBroadPermissions` is set only with `listHostedZonesByName`.
 *
 * EKS Pod Identity: supported (cert-manager's route53 documentation, "EKS Pod Identity"). EKS
 * community add-on: pass the role with `podIdentityAssociations` or `serviceAccountRoleArn`.
 */
export function certManager(args: CertManagerArgs): AddonPermissions {
    const serviceAccount = serviceAccountOf("certManager", { namespace: "cert-manager", serviceAccountName: "cert-manager" }, args);
    const partition = partitionOf("certManager", args.partition);
    const zones = hostedZoneArns(partition, checkedInputs("certManager.hostedZoneIds", args.hostedZoneIds, checkHostedZoneId, { nonEmpty: true }));
    const statements: PolicyStatementArgs[] = [
        statement(["route53:GetChange"], [joined("arn:", partition, ":route53:::change/*")]),
        statement(
            ["route53:ChangeResourceRecordSets"],
            zones,
            condition("ForAllValues:StringEquals", "route53:ChangeResourceRecordSetsRecordTypes", "TXT"),
            condition("ForAllValues:StringEquals", "route53:ChangeResourceRecordSetsActions", "UPSERT", "DELETE"),
            condition("ForAllValues:StringLike", "route53:ChangeResourceRecordSetsNormalizedRecordNames", "_acme-challenge.*"),
        ),
        statement(["route53:ListResourceRecordSets"], zones),
    ];
    if (flag("certManager.listHostedZonesByName", args.listHostedZonesByName, true)) {
        statements.push(statement(["route53:ListHostedZonesByName"], ["*"]));
    }
    return addonPermissions("certManager", serviceAccount, [], statements);
}
