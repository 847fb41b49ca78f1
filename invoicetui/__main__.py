"""Allow `python -m invoicetui`."""

from invoicetui.cli.main import main

raise SystemExit(main())
