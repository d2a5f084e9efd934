"""Security Hub's DAX controls: encryption at rest (DynamoDB.3) and in transit (DynamoDB.7).
Source: `tables.SECURITY_HUB`; DynamoDB.7 passes only with "the endpoint encryption type set to
TLS". Both are fixed when the cluster is created (the same page: "You cannot enable or disable
encryption at rest after a cluster is created"), so the fix is a new cluster. The cluster `dax`
builds (components/dax.py) has both; these keep it so."""

from typing import Iterator

from .control import ResourceControl
from .resources import Resource, known
from .tables import SECURITY_HUB

CLUSTER = "aws:dax/cluster:Cluster"


def _encrypted_at_rest(cluster: Resource) -> Iterator[str]:
    enabled = cluster.get("serverSideEncryption", "enabled")
    if enabled is None or enabled is False:  # the provider's default is off
        yield (f"DAX cluster {cluster.get('clusterName') or cluster.name} is not encrypted at rest. Fix: create it "
               "with server-side encryption enabled (a new cluster)")


def _encrypted_in_transit(cluster: Resource) -> Iterator[str]:
    kind = cluster.get("clusterEndpointEncryptionType", default="NONE")  # the provider's default
    if known(kind) and kind != "TLS":
        yield (f"DAX cluster {cluster.get('clusterName') or cluster.name} has endpoint encryption {kind}. "
               "Fix: create it with clusterEndpointEncryptionType TLS (a new cluster)")


CONTROLS = (
    ResourceControl(id="DynamoDB.3", title="DynamoDB Accelerator (DAX) clusters should be encrypted at rest",
                    source=SECURITY_HUB, severity="medium", types=(CLUSTER,), check=_encrypted_at_rest),
    ResourceControl(id="DynamoDB.7", title="DynamoDB Accelerator clusters should be encrypted in transit",
                    source=SECURITY_HUB, severity="medium", types=(CLUSTER,), check=_encrypted_in_transit),
)
