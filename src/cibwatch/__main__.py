"""``python -m cibwatch``: the same command line as ``cibwatch``."""

from .cli import main

if __name__ == "__main__":
    main()
