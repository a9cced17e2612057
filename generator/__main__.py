"""`python -m generator` runs the `tradeoffs` CLI."""

import sys

from .cli import main

sys.exit(main())
