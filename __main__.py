"""koneksi-dynamodb: every table of the stack, as its config describes it."""

import pulumi

from components.config.reader import read_stack_config
from components.program import program

for name, value in program(read_stack_config()).items():
    pulumi.export(name, value)
