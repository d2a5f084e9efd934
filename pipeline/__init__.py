"""`python -m pipeline`: the command line of the koneksi-dynamodb program (see pipeline-cli.md)."""
