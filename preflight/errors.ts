/**
 * Errors that stop the preflight before any check: no usable credentials, an unreachable or unknown
 * region. Each becomes one clear message (and exit code 2), never a stack trace.
 */

/** A problem with the setup itself: the message says what to do. */
export class PreflightSetupError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PreflightSetupError";
    }
}

/** The SDK's error name and message, for a reason shown in the report. */
export function reasonOf(error: unknown): string {
    const { name, message } = error as { name?: string; message?: string };
    return [name, message].filter((part) => part !== undefined && part !== "").join(": ") || String(error);
}

/** Whether an SDK error says the call was denied by IAM. */
export function isDenied(error: unknown): boolean {
    return /AccessDenied|UnauthorizedOperation|NotAuthorized/i.test((error as { name?: string }).name ?? "");
}

/** The setup error a failed STS GetCallerIdentity stands for. */
export function setupErrorOf(error: unknown, region: string, profile: string | undefined): PreflightSetupError {
    const { name = "", message = "", code = "" } = error as { name?: string; message?: string; code?: string };
    const credentialsHint = `set AWS_PROFILE${profile === undefined ? " (or aws:profile in the stack)" : ""}, run \`aws sso login\`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
    if (name === "CredentialsProviderError" || /Could not load credentials|credential/i.test(message)) {
        return new PreflightSetupError(`no AWS credentials found${profile === undefined ? "" : ` for profile ${profile}`}: ${credentialsHint}`);
    }
    if (/ExpiredToken|InvalidClientTokenId|SignatureDoesNotMatch|UnrecognizedClient/.test(name)) {
        return new PreflightSetupError(`AWS refused the credentials (${name}): they are expired or wrong; ${credentialsHint}`);
    }
    if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT/.test(`${code} ${message}`) || /region/i.test(message)) {
        return new PreflightSetupError(`could not reach AWS STS in region ${region} (${reasonOf(error)}): check aws:region in the stack's file and the network`);
    }
    return new PreflightSetupError(`STS GetCallerIdentity failed in region ${region}: ${reasonOf(error)}`);
}
