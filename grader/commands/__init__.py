"""One module per ``dlmath`` subcommand, each with ``register(subparsers)``."""
