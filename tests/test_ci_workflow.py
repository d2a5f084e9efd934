"""The example CI workflow (issue 9, item 8): what it runs, and in which order."""

import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def load(name):
    return yaml.safe_load((WORKFLOWS / name).read_text())


def runs(job):
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_pull_requests_run_the_tests_and_diff_every_stack_against_the_base_branch():
    jobs = load("dynamodb.yml")["jobs"]
    assert "make test" in runs(jobs["test"])
    diff = jobs["diff"]
    assert diff["if"] == "github.event_name == 'pull_request'"
    assert diff["strategy"]["matrix"]["stack"] == ["staging", "uat", "prod"]
    assert "--json --output" in runs(diff) and "--against base-plan.json" in runs(diff)
    assert "make synth STACK=${{ matrix.stack }} ARGS=\"--against" not in runs(diff)  # make would hide exit 4
    assert 'allow-replace:*) allow+=(--allow-replace "${label#allow-replace:}")' in runs(diff)
    base = [step for step in diff["steps"] if step.get("with", {}).get("path") == "base"]
    assert base and base[0]["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"


def test_main_deploys_stack_by_stack_prod_last():
    jobs = load("dynamodb.yml")["jobs"]
    order, job = [], "deploy-staging"
    while job:
        order.append(jobs[job]["with"]["stack"])
        job = next((name for name, other in jobs.items() if other.get("needs") == job), None)
    assert order == ["staging", "uat", "prod"]
    assert jobs["deploy-staging"]["needs"] == "test"


def test_the_callers_grant_the_deploys_oidc_token():
    """A called workflow gets at most its caller's permissions: GitHub refuses the file otherwise."""
    workflow, called = load("dynamodb.yml"), load("deploy-stack.yml")
    assert called["permissions"]["id-token"] == "write"
    for name, job in workflow["jobs"].items():
        if "uses" in job:
            assert job["permissions"] == {"contents": "read", "id-token": "write"}, name


def test_a_deploy_previews_then_runs_the_guarded_up():
    deploy = load("deploy-stack.yml")["jobs"]["deploy"]
    commands = runs(deploy)
    assert commands.index("pipeline preview") < commands.index("pipeline up")
    assert '--yes "${allow[@]}"' in commands
    up = next(s for s in deploy["steps"] if s.get("name") == "up, guarded")
    assert "inputs.allow_replace" not in up["run"] and up["env"]["ALLOW_REPLACE"]  # no script injection
