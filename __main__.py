"""koneksi-dynamodb: every table of the stack, as its config describes it."""

import pulumi

from components.stack import build_stack
from components.stack_config import read_stack_config

config = read_stack_config()
tables = build_stack(config)
pulumi.export("tables", {key: table.outputs for key, table in tables.items()})
