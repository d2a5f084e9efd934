"""The stack configuration contract as pydantic models, one module per concern (`stack`, `table`,
`capacity`, `monitoring`, `network`, `provider`), AWS's rules in `limits`, shared types in `base`.
Import from the modules themselves: this package imports nothing, so any module may use `limits`."""
