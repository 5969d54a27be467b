"""Start gradlab from a checkout: ``python main.py [options]`` (``--headless`` for the trace)."""

from gradlab.app import main

if __name__ == "__main__":
    raise SystemExit(main())
