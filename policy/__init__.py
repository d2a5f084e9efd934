"""The policy pack of koneksi-dynamodb (issue 9): AWS Security Hub's DynamoDB controls
DynamoDB.1-7 and the program's own KONEKSI.KMS, KONEKSI.IAM, KONEKSI.ENDPOINT.

A pure core over plain resources (`evaluate`, for synth) and thin pulumi-policy adapters
(`policy.pack`, for `pulumi preview --policy-pack policy`) share every rule. Importing this
package never starts the pack: only `policy/__main__.py` does."""

from .catalogue import CONTROLS, evaluate
from .control import Violation

__all__ = ["CONTROLS", "Violation", "evaluate"]
