"""The README is the user's manual: it must document every key the config models accept."""

import typing

from pydantic import BaseModel

from components.config.stack import StackConfig
from tests.conftest import ROOT


def config_keys(model: type[BaseModel], seen: set) -> set[str]:
    keys = set()
    for name, field in model.model_fields.items():
        keys.add(field.alias or name)
        for nested in _models_in(field.annotation):
            if nested not in seen:
                seen.add(nested)
                keys |= config_keys(nested, seen)
    return keys


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def test_every_config_key_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    keys = config_keys(StackConfig, set())
    assert len(keys) > 40
    assert [key for key in sorted(keys) if f"`{key}`" not in readme] == []
