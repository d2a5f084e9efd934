"""`python -m pipeline <command> --stack NAME`: the command line of the program (README, "Running
from a pipeline").

Only the standard library is imported up here. Run by an interpreter that lacks this program's
dependencies (a system `python3`), the command re-runs itself with the project's `venv/`, or says
in one line how to create it, before anything imports pulumi, pydantic, PyYAML or rich.
"""

import argparse
import importlib.util
import os
import shlex
import sys
from pathlib import Path
from typing import Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV = PROJECT_ROOT / "venv"
# The import names of requirements.txt (PyYAML imports as `yaml`); keep them in step with it.
DEPENDENCIES = ("pulumi", "pulumi_aws", "pulumi_policy", "pydantic", "yaml", "rich")
# Set in the environment of the re-run, so that a venv/ missing packages cannot loop.
REEXEC_MARK = "KONEKSI_PIPELINE_REEXEC"
ENGINE_COMMANDS = ("preview", "up", "destroy", "refresh")  # through the Automation API: `pipeline.automation`
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_BUG = 3
EXIT_REFUSED = 4  # the data-loss guard refused the plan
BUG = "this is a bug: please report it with the command you ran"


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description="The koneksi-dynamodb pipeline "
                                     "command (see the README, \"Running from a pipeline\").")
    commands = parser.add_subparsers(dest="command", required=True)
    synth = commands.add_parser("synth", help="the whole plan of a stack, offline (no CLI, no cloud)")
    synth.add_argument("--stack", required=True, help="stack name, e.g. prod")
    synth.add_argument("--config", type=Path, help="stack file to read instead of Pulumi.<stack>.yaml")
    synth.add_argument("--json", action="store_true", help="print a `pulumi preview --json`-shaped document")
    synth.add_argument("--output", type=Path, help="write to this file instead of stdout")
    synth.add_argument("--against", type=Path, metavar="FILE", help="diff against an earlier `synth --json` plan or "
                       "`pulumi stack export` output, and refuse a plan that loses a protected table's data")
    synth.add_argument("--allow-replace", action="append", default=[], metavar="TABLE",
                       help="with --against: let this table (its key under `tables`, or its name) be replaced or "
                       "deleted; repeat for several")
    adopt = commands.add_parser("adopt", help="the stack config that imports a Terraform state's DynamoDB tables")
    adopt.add_argument("--from-terraform", required=True, type=Path, metavar="STATE",
                       help="a terraform.tfstate (format version 4)")
    adopt.add_argument("--stack", required=True, help="the stack that takes the tables over, e.g. staging")
    adopt.add_argument("--project", default="koneksi", help="the naming prefix the tables' names start with "
                       "(`{project}-{stack}-{key}`); default koneksi")
    adopt.add_argument("--output", type=Path, help="the stack file to write; default Pulumi.<stack>.yaml, "
                       "which must not exist yet")
    for name, summary in (("preview", "what `up` would change, with the policies (needs the Pulumi CLI)"),
                          ("up", "deploy the stack, guarded against data loss (needs the Pulumi CLI)"),
                          ("destroy", "delete the stack's resources, guarded against data loss (needs the Pulumi CLI)"),
                          ("refresh", "read the stack's resources back from AWS into its state (needs the Pulumi CLI)")):
        engine = commands.add_parser(name, help=summary)
        engine.add_argument("--stack", required=True, help="stack name, e.g. prod")
        engine.add_argument("--json", action="store_true", help="print one JSON document with the result at the end")
        if name in ("up", "destroy"):
            engine.add_argument("--yes", action="store_true", help="go ahead without asking (required when not "
                                "interactive)")
            engine.add_argument("--allow-replace", action="append", default=[], metavar="TABLE",
                                help="let this table (its key under `tables`, or its name) be replaced or deleted")
    args = parser.parse_args(argv)

    if args.command in ENGINE_COMMANDS:
        from .automation import run
        return run(args)
    return run_adopt(args) if args.command == "adopt" else run_synth(args)


def run_synth(args: argparse.Namespace) -> int:
    stack_file = args.config or PROJECT_ROOT / f"Pulumi.{args.stack}.yaml"
    label = str(args.config or stack_file.name)
    if args.output is not None:
        protected = _protected(args.output, stack_file)
        if protected:
            print(f"error: --output {args.output} is {protected}; synth never writes over it. "
                  "Fix: write the plan to another file, e.g. --output plan.json", file=sys.stderr)
            return EXIT_USAGE
        unwritable = _unwritable(args.output)
        if unwritable:
            print(f"error: cannot write --output {args.output}: {unwritable}", file=sys.stderr)
            return EXIT_INVALID

    from components.errors import ConfigError

    from .diff import AgainstError, against, read_previous, stacks_of
    from .guard import verdict
    from .stack_files import StackFileError, project_name, read_stack_file
    from .synth import mandatory_violations, synthesize, write_json
    from .text import render as write_text

    if args.allow_replace and args.against is None:
        print("error: --allow-replace only means something with --against (offline) or with `up`/`destroy`. Fix: add "
              "--against <plan of the main branch>", file=sys.stderr)
        return EXIT_USAGE
    try:
        previous = read_previous(args.against) if args.against is not None else None
        project = project_name(PROJECT_ROOT)
    except (AgainstError, StackFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    other = sorted(f"{stack} of project {of}" for stack, of in stacks_of((previous or {}).values())
                   if (stack, of) != (args.stack, project))
    if other:
        print(f"error: --against {args.against} holds stack {', '.join(other)}, not {args.stack} of project "
              f"{project}. Fix: pass the plan or export of stack {args.stack}", file=sys.stderr)
        return EXIT_USAGE
    try:
        settings = read_stack_file(stack_file, project_name(PROJECT_ROOT))
        file_problems = settings.problems
        plan = synthesize(PROJECT_ROOT, args.stack, settings)
    except StackFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except ConfigError as error:
        print(problem_report(label, file_problems, error), file=sys.stderr)
        return EXIT_INVALID
    if file_problems:  # the program accepts the values, but the Pulumi CLI refuses the file
        print(problem_report(label, file_problems, None), file=sys.stderr)
        return EXIT_INVALID

    changes = against(plan, previous) if previous is not None else None
    label_against = str(args.against) if args.against is not None else None
    if args.output is None:
        document = (write_json(plan, settings, changes) if args.json
                    else write_text(plan, changes=changes, against=label_against))
        try:
            sys.stdout.write(document)
            sys.stdout.flush()
        except BrokenPipeError:
            raise  # the reader went away: `cli` ends quietly
        except OSError as error:
            print(f"error: cannot write the plan to stdout: {error.strerror or error}", file=sys.stderr)
            return EXIT_INVALID
    else:
        # A file gets no terminal colours, whatever stdout is.
        document = (write_json(plan, settings, changes) if args.json
                    else write_text(plan, color=False, changes=changes, against=label_against))
        try:
            args.output.write_text(document, encoding="utf-8")
        except OSError as error:
            print(f"error: cannot write --output {args.output}: {_reason(error)}", file=sys.stderr)
            return EXIT_INVALID
    violations = mandatory_violations(plan)
    if violations:
        print("\n".join([f"{label}: {len(violations)} mandatory polic{'ies' if len(violations) != 1 else 'y'} "
                          "violated (README, \"Policies\")", *(f"  {v['urn'].rsplit('::', 1)[1]}: {v['message']}"
                                                             for v in violations)]), file=sys.stderr)
    if changes is None:
        return EXIT_INVALID if violations else 0
    notes, refused = verdict(changes, args.allow_replace, args.stack)
    for note in notes:
        print(note, file=sys.stderr)
    if refused:
        print("\n".join([f"refused: {refusal.render()}" for refusal in refused]), file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_INVALID if violations else 0


def run_adopt(args: argparse.Namespace) -> int:
    output = args.output or PROJECT_ROOT / f"Pulumi.{args.stack}.yaml"
    if output.is_dir():
        print(f"error: --output {output} is a directory. Fix: name a file, e.g. --output adopted.yaml",
              file=sys.stderr)
        return EXIT_USAGE
    if output.exists():
        print(f"error: {output} exists; adopt never writes over a file. Fix: write elsewhere (e.g. --output "
              f"adopted.yaml) and move its tables into {output.name} by hand", file=sys.stderr)
        return EXIT_USAGE
    unwritable = _unwritable(output)
    if unwritable:
        print(f"error: cannot write {output}: {unwritable}", file=sys.stderr)
        return EXIT_INVALID

    import yaml

    from components.config.reader import parse_stack_config
    from components.errors import ConfigError

    from .adopt import adopt
    from .terraform_state import AdoptError, read_state
    from .stack_files import project_name, read_stack_file

    try:
        adoption = adopt(read_state(args.from_terraform), args.stack, args.project)
    except AdoptError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    left = [f"  {line}" for line in adoption.left]
    if not adoption.tables:
        print("\n".join([f"error: {args.from_terraform} holds no aws_dynamodb_table to adopt; nothing written. Fix: "
                         "name the state of the module that manages the tables", *left]), file=sys.stderr)
        return EXIT_INVALID
    heading = (f"# Written by `python -m pipeline adopt --from-terraform {args.from_terraform} --stack {args.stack}`.\n"
               "# Every table has `import: true`: the first `pulumi up` imports it. Remove `import` afterwards "
               "(README, \"Leaving Terraform\").\n")
    document = yaml.safe_dump(adoption.stack_document(project_name(PROJECT_ROOT), args.project), sort_keys=False,
                              allow_unicode=True)
    try:
        output.write_text(heading + document, encoding="utf-8")
    except OSError as error:
        print(f"error: cannot write {output}: {_reason(error)}", file=sys.stderr)
        return EXIT_INVALID

    print(f"wrote {output}: {len(adoption.tables)} table(s) to import ({', '.join(adoption.tables)})")
    if adoption.notes:
        print("check before the first `pulumi up`:", *(f"  {line}" for line in adoption.notes), sep="\n")
    if left:
        print("left with Terraform (not mapped):", *left, sep="\n")
    settings = read_stack_file(output)
    try:
        config = parse_stack_config(settings.values, args.stack, output.name, settings.secret_keys)
    except ConfigError as error:  # no hand-over while the config cannot import the tables
        print(problem_report(output.name, settings.problems, error), file=sys.stderr)
        print(f"fix these in {output} before `make synth STACK={args.stack}`", file=sys.stderr)
        return EXIT_INVALID
    print("once the first `pulumi up` has imported them, make Terraform forget them (README, \"Leaving Terraform\"):",
          "  terraform state rm " + " ".join(shlex.quote(address) for address in adoption.handed_over), sep="\n")
    for warning in config.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    stack_file = PROJECT_ROOT / f"Pulumi.{args.stack}.yaml"
    merge = "" if output.resolve() == stack_file.resolve() else f"move its settings into {stack_file.name}; then "
    print(f"next: {merge}make synth STACK={args.stack} shows the imports; `pulumi preview -s {args.stack} --diff` must "
          f"show them unchanged; then `pulumi up -s {args.stack}`")
    return 0


def problem_report(label: str, file_problems: list, error: Optional[Exception]) -> str:
    """One block: a heading counting every problem, the file's own first (by line), then the
    config's, each rendered by its own formatter (which keeps secret values out)."""
    config_lines = error.render(label).split("\n")[1:] if error is not None else []
    count = len(file_problems) + len(getattr(error, "problems", config_lines))
    heading = f"{label}: {count} configuration problem{'s' if count != 1 else ''}"
    return "\n".join([heading, *("  " + p.render(label) for p in file_problems), *config_lines])


def _protected(output: Path, stack_file: Path) -> Optional[str]:
    """What `output` would overwrite that synth must never touch: the stack file it reads, or a
    project or stack file of the project."""
    target = output.resolve()
    if target == stack_file.resolve():
        return "the stack file being read"
    if target.parent == PROJECT_ROOT.resolve() and target.name.startswith("Pulumi.") \
            and target.suffix in (".yaml", ".yml"):
        return "the project file" if target.stem == "Pulumi" else "a stack file of this project"
    return None


def _unwritable(output: Path) -> Optional[str]:
    """Why `output` cannot be written, checked before a long synth; the write itself is checked too."""
    if output.is_dir():
        return "it is a directory. Fix: name a file, e.g. --output plan.json"
    if not output.parent.is_dir():
        return f"no directory {output.parent}. Fix: create it first, or write elsewhere"
    if not os.access(output if output.exists() else output.parent, os.W_OK):
        return "permission denied. Fix: write to a file you may write, e.g. in the current directory"
    return None


def _reason(error: OSError) -> str:
    if isinstance(error, IsADirectoryError):
        return "it is a directory. Fix: name a file, e.g. --output plan.json"
    if isinstance(error, FileNotFoundError):
        if not Path(error.filename or ".").parent.is_dir():
            return "no such directory. Fix: create it first, or write elsewhere"
        return "no file can be created there. Fix: write elsewhere, e.g. in the current directory"
    if isinstance(error, PermissionError):
        return "permission denied. Fix: write to a file you may write, e.g. in the current directory"
    return f"{error.strerror or error}. Fix: write elsewhere"


def cli(argv: Optional[list[str]] = None) -> int:
    """The command as a person runs it: whatever goes wrong, no Python traceback."""
    try:
        return main(argv)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`... | head`): nothing left to say
        try:  # and nothing for the interpreter to flush into the closed pipe at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_INVALID
    except Exception as error:  # noqa: BLE001 - the one place every failure becomes one line
        what = " ".join(f"{type(error).__name__}: {error}".split())
        print(f"error: {what} ({BUG})", file=sys.stderr)
        return EXIT_BUG


def ensure_dependencies(argv: list[str]) -> None:
    """Re-runs the command with venv/bin/python when this interpreter lacks the dependencies,
    or says in one line how to get them (exit 2). Imports nothing outside the standard library."""
    missing = [name for name in DEPENDENCIES if importlib.util.find_spec(name) is None]
    if not missing:
        return
    venv_python = VENV / "bin" / "python"
    in_venv = Path(sys.prefix).resolve() == VENV.resolve()
    if venv_python.is_file() and not in_venv and REEXEC_MARK not in os.environ:
        paths = [str(PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        env = {**os.environ, REEXEC_MARK: "1", "PYTHONPATH": os.pathsep.join(paths)}
        try:
            os.execve(venv_python, [str(venv_python), "-m", "pipeline", *argv], env)
        except OSError:
            pass  # not runnable: say what to do instead
    stack = _stack_of(argv)
    command = "venv/bin/python -m pipeline " + " ".join(shlex.quote(arg) for arg in argv)
    if venv_python.is_file():
        print(f"error: {VENV} lacks {', '.join(missing)}: recreate it with `rm -rf venv && make synth "
              f"STACK={stack}`, then run `{command.strip()}`", file=sys.stderr)
    else:
        print(f"error: {sys.executable or 'this python'} lacks this program's dependencies ({', '.join(missing)}): "
              f"run `make synth STACK={stack}` once (it creates venv/), or use `{command.strip()}`", file=sys.stderr)
    sys.exit(EXIT_USAGE)


def _stack_of(argv: list[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--stack" and i + 1 < len(argv):
            return shlex.quote(argv[i + 1])
        if arg.startswith("--stack="):
            return shlex.quote(arg.split("=", 1)[1])
    return "<stack>"


if __name__ == "__main__":
    ensure_dependencies(sys.argv[1:])
    sys.exit(cli())
