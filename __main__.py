"""koneksi-dynamodb: every table of the stack, as its config describes it."""

import pulumi

from components.stack import build_stack
from components.stack_config import read_stack_config

config = read_stack_config()
stack = build_stack(config)
for name, value in stack.outputs().items():
    pulumi.export(name, value)
