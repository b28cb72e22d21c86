"""The `luoshi` command line; `cli.main.app` is the entry point."""
