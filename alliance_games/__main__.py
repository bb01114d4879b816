"""``python -m alliance_games``: the command-line interface.

Ctrl-C while the entry point is imported prints ``interrupted`` and exits with code 130, as it
does once :func:`alliance_games.cli.main` runs.
"""

import sys

try:
    from alliance_games.cli import main
except KeyboardInterrupt:
    sys.stderr.write("interrupted\n")
    sys.exit(130)

if __name__ == "__main__":
    main()
