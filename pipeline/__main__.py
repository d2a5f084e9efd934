"""`python -m pipeline <command> --stack NAME`: see ../shared/spec/pipeline-cli.md."""

import argparse
import sys
from pathlib import Path

from components.errors import ConfigError

from .stack_files import StackFileError
from .synth import synthesize, write_json, write_text

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NOT_BUILT_YET = ("preview", "up", "destroy", "refresh")
EXIT_INVALID = 1
EXIT_USAGE = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    synth = commands.add_parser("synth", help="the whole plan of a stack, offline (no CLI, no cloud)")
    synth.add_argument("--stack", required=True, help="stack name, e.g. prod")
    synth.add_argument("--config", type=Path, help="stack file to read instead of Pulumi.<stack>.yaml")
    synth.add_argument("--json", action="store_true", help="print a `pulumi preview --json`-shaped document")
    synth.add_argument("--output", type=Path, help="write to this file instead of stdout")
    for name in NOT_BUILT_YET:
        commands.add_parser(name, help="not built yet").add_argument("--stack", required=True)
    args = parser.parse_args(argv)

    if args.command in NOT_BUILT_YET:
        print(f"`{args.command}` is not supported yet by this program; run `pulumi {args.command} -s {args.stack}` "
              "with the Pulumi CLI, or `python -m pipeline synth` offline.", file=sys.stderr)
        return EXIT_USAGE
    return run_synth(args)


def run_synth(args: argparse.Namespace) -> int:
    stack_file = args.config or PROJECT_ROOT / f"Pulumi.{args.stack}.yaml"
    try:
        plan, settings = synthesize(PROJECT_ROOT, args.stack, stack_file)
    except StackFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except ConfigError as error:
        print(error.render(str(args.config or stack_file.name)), file=sys.stderr)
        return EXIT_INVALID
    document = write_json(plan, settings) if args.json else write_text(plan)
    if args.output:
        args.output.write_text(document)
    else:
        sys.stdout.write(document)
    return 0


if __name__ == "__main__":
    sys.exit(main())
