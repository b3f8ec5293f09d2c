"""One module a command family; each exposes ``register(subparsers)``."""
