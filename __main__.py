"""``python -m tipmap``: the same command line as the ``tipmap`` script."""

from tipmap.cli import main

if __name__ == "__main__":
    main()
