"""Write the README's screenshots (screenshots/*.svg) from the snapshot tests' own scenes.

    .venv/bin/python tests/snapshots/make_screenshots.py            # all of them
    .venv/bin/python tests/snapshots/make_screenshots.py main_80x24 # only these scenes

Same app, demo APIs, fixed clock and steps as tests/tui/test_snapshots.py (snapshot_app.SCENES,
those marked screenshot=True), so a screenshot never shows something the tests do not check.
Nothing touches your real config or cache: the demo APIs run on 127.0.0.1 and the cache is a
temporary directory.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from snapshots.snapshot_app import SCENES, demo_server, take_svg  # noqa: E402

OUT = ROOT / "screenshots"


def main(argv: list[str]) -> int:
    wanted = [s for s in SCENES if (s.name in argv if argv else s.screenshot)]
    unknown = sorted(set(argv) - {s.name for s in SCENES})
    if unknown:
        print(f"unknown scene(s): {', '.join(unknown)}", file=sys.stderr)
        print(f"scenes: {', '.join(s.name for s in SCENES)}", file=sys.stderr)
        return 2
    OUT.mkdir(exist_ok=True)
    for scene in wanted:
        with demo_server(scene.ordinary) as server, tempfile.TemporaryDirectory() as tmp:
            svg = take_svg(scene, server, Path(tmp) / "cache")
        path = OUT / f"{scene.name.replace('_', '-')}.svg"
        path.write_text(svg, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
