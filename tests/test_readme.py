"""The README is the user's manual: it documents every config key the models accept, its
reference is what the models generate, and its example error is what the program prints."""

import re
import typing

from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from components.config.reference import BEGIN, END, reference
from components.config.provider import AwsConfig
from components.config.stack import StackConfig
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


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
    """Every key of ours, and every `aws:` setting; inside structured `aws:` settings the keys are
    the provider's own (`assumeRoles[].roleArn`, the hundreds of `endpoints` services)."""
    keys = config_keys(StackConfig, {AwsConfig}) - {"aws"}
    settings = [to_camel(name) for name in AwsConfig.model_fields if name != "region"]
    assert len(keys) > 40 and len(settings) > 30
    assert [key for key in sorted(keys) if f"`{key}`" not in README] == []
    assert [key for key in settings if f"`aws:{key}`" not in README] == []


def test_the_reference_is_what_the_models_generate():
    """Regenerate with `python -m components.config.reference README.md`."""
    assert README[README.index(BEGIN):README.index(END) + len(END)] == reference()


def test_the_example_error_is_what_synth_prints(tmp_path, monkeypatch, capsys):
    from pipeline.__main__ import main
    stack_file = re.search(r"<!-- error example: stack file -->\n```yaml\n(.*?)```", README, re.S).group(1)
    expected = re.search(r"<!-- error example: output -->\n```\n(.*?)```", README, re.S).group(1)
    (tmp_path / "Pulumi.prod.yaml").write_text(stack_file)
    monkeypatch.chdir(tmp_path)
    assert main(["synth", "--stack", "prod", "--config", "Pulumi.prod.yaml"]) == 1
    assert capsys.readouterr().err == expected


def test_the_readme_links_nothing_outside_the_repository():
    assert "../shared" not in README and "](../" not in README
