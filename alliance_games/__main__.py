"""``python -m alliance_games``: the command-line interface."""

from alliance_games.cli import main

if __name__ == "__main__":
    main()
