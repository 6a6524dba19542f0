"""`python -m dapp` is the `dapp` command."""

from dapp.cli import main

main()
