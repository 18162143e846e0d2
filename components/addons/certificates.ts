/**
 * Certificate add-ons beyond cert-manager's DNS-01: the AWS Private CA Issuer, which has cert-manager
 * certificates signed by AWS Private CA.
 */
import * as pulumi from "@pulumi/pulumi";

import { addonPermissions, AddonPermissions, condition, joined, partitionOf, serviceAccountOf, statement } from "./types";
import { checkCertificateAuthorityArn, checkedInputs, checkedPartitionOf, flag } from "./validation";

/** The scope of the AWS Private CA Issuer's role. */
export interface PrivateCaIssuerArgs {
    /**
     * ARNs of the private certificate authorities the issuers (`AWSPCAIssuer`, `AWSPCAClusterIssuer`)
     * name in `arn`. At least one; no wildcards.
     */
    certificateAuthorityArns: pulumi.Input<string>[];
    /**
     * Whether certificates with `isCA: true` may be issued (the issuer's `SubordinateCACertificate_PathLen0/V1`
     * template): a subordinate CA can sign anything in its own right, so it is refused unless asked for.
     * @default false
     */
    allowSubordinateCertificateAuthorities?: boolean;
    /**
     * The partition of the role (`aws.getPartitionOutput().partition`).
     * @default "aws"
     */
    partition?: pulumi.Input<string>;
    /**
     * Namespace of the issuer's ServiceAccount.
     * @default "aws-privateca-issuer"
     */
    namespace?: string;
    /**
     * Name of the issuer's ServiceAccount (the chart's `serviceAccount.name`).
     * @default "aws-privateca-issuer"
     */
    serviceAccountName?: string;
}

/** The end-entity templates the issuer picks from a certificate's usages (pkg/aws/pca.go `buildTemplateArn`). */
const endEntityTemplates = [
    "EndEntityCertificate/V1",
    "EndEntityClientAuthCertificate/V1",
    "EndEntityServerAuthCertificate/V1",
    "CodeSigningCertificate/V1",
    "OCSPSigningCertificate/V1",
    "BlankEndEntityCertificate_APICSRPassthrough/V1",
];

/**
 * The AWS Private CA Issuer for cert-manager (chart `awspca/aws-privateca-issuer`).
 *
 * Source: cert-manager/aws-privateca-issuer v1.9.0 `README.md`, "A minimal policy":
 * `acm-pca:DescribeCertificateAuthority`, `acm-pca:GetCertificate` and `acm-pca:IssueCertificate`
 * on the authority. Narrowed: `acm-pca:IssueCertificate` only with the end-entity templates the
 * issuer uses (`acm-pca:TemplateArn`, from `pkg/aws/pca.go`), so a `Certificate` with `isCA: true`
 * cannot mint a subordinate CA unless `allowSubordinateCertificateAuthorities` is set. Nothing on
 * `"*"`, so `allowBroadPermissions` is never set.
 *
 * EKS Pod Identity: supported (AWS SDK for Go v2). No EKS add-on.
 */
export function privateCaIssuer(args: PrivateCaIssuerArgs): AddonPermissions {
    const serviceAccount = serviceAccountOf("privateCaIssuer", { namespace: "aws-privateca-issuer", serviceAccountName: "aws-privateca-issuer" }, args);
    const partition = partitionOf("privateCaIssuer", args.partition);
    const authorities = checkedPartitionOf(
        "privateCaIssuer.certificateAuthorityArns",
        checkedInputs("privateCaIssuer.certificateAuthorityArns", args.certificateAuthorityArns, checkCertificateAuthorityArn, { nonEmpty: true }),
        partition,
    );
    const templates = [...endEntityTemplates, ...(flag("privateCaIssuer.allowSubordinateCertificateAuthorities", args.allowSubordinateCertificateAuthorities, false) ? ["SubordinateCACertificate_PathLen0/V1"] : [])];
    return addonPermissions("privateCaIssuer", serviceAccount, [], [
        statement(["acm-pca:DescribeCertificateAuthority", "acm-pca:GetCertificate"], authorities),
        statement(
            ["acm-pca:IssueCertificate"],
            authorities,
            condition("ArnEquals", "acm-pca:TemplateArn", ...templates.map((template) => joined("arn:", partition, ":acm-pca:::template/", template))),
        ),
    ]);
}
