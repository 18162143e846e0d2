/**
 * The policy pack's entry point, which the Pulumi CLI runs (`pulumi preview --policy-pack policy`):
 * constructing the PolicyPack starts the analyzer's gRPC server and prints its port.
 */
import { PolicyPack } from "@pulumi/policy";

import { packArgs, packName } from "./pack";

new PolicyPack(packName, packArgs);
