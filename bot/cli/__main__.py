"""`python -m bot.cli`: the `newsbot` command without its installed script."""

from bot.cli import main

main()
