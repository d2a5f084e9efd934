"""Terraform state files (format version 4: hashicorp/terraform
`internal/states/statefile/version4.go`), read as `adopt` needs them: the managed resource
instances, each with its address. A file that is not such a state is refused in one line."""

import json
from pathlib import Path


class AdoptError(Exception):
    """A state that cannot be adopted at all: one line, with the fix."""


def read_state(path: Path) -> list[dict]:
    """The managed resource instances of a version-4 state, each with its address."""
    not_a_state = "Fix: name the terraform.tfstate to adopt (for a remote state, `terraform state pull > " \
                  "terraform.tfstate` first)"
    if not path.exists():
        raise AdoptError(f"{path}: no such file. {not_a_state}")
    if not path.is_file():
        raise AdoptError(f"{path}: not a file. {not_a_state}")
    try:  # Terraform writes UTF-8; a byte-order mark an editor added is no reason to refuse it
        state = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else error
        raise AdoptError(f"{path}: not a Terraform state ({reason}). {not_a_state}") from None
    if not isinstance(state, dict):
        raise AdoptError(f"{path}: not a Terraform state (a JSON {type(state).__name__}, not an object). {not_a_state}")
    version = state.get("version")
    if version != 4:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > 4
        raise AdoptError(f"{path}: state format version {version!r}; adopt reads version 4. " + (
            "Fix: this state is newer than adopt knows; report it, with the Terraform version that wrote it"
            if newer else "Fix: upgrade the state with Terraform 0.12 or later (`terraform state pull > "
                          "terraform.tfstate`)"))
    resources = state.get("resources", [])
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        raise AdoptError(f"{path}: `resources` is not a list of resources, as Terraform writes it. {not_a_state}")
    instances = []
    for resource in resources:
        if resource.get("mode") != "managed":
            continue
        kind, name, module = resource.get("type"), resource.get("name"), resource.get("module")
        entries = resource.get("instances")
        if not (isinstance(kind, str) and isinstance(name, str) and isinstance(module, (str, type(None)))
                and isinstance(entries, list) and all(isinstance(i, dict) for i in entries)):
            raise AdoptError(f"{path}: a resource without the type, name or instances Terraform writes "
                             f"({json.dumps(resource)[:80]}...). {not_a_state}")
        address = ".".join(filter(None, [module, kind, name]))
        for instance in entries:
            indexed = address + (f"[{json.dumps(instance['index_key'])}]" if "index_key" in instance else "")
            attributes = instance.get("attributes")
            if not isinstance(attributes, dict):
                raise AdoptError(f"{path}: {indexed} has no `attributes` object (a state before Terraform 0.12 "
                                 "keeps `attributes_flat`). Fix: `terraform state pull` with Terraform 0.12 or later")
            instances.append({"type": kind, "address": indexed, "deposed": "deposed" in instance,
                              "attributes": attributes})
    return instances
