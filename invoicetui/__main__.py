"""Allow `python -m invoicetui`."""

from invoicetui.cli import main

raise SystemExit(main())
