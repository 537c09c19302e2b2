"""Write SVG screenshots of the main screens from the demo data: `python -m screenshots.make`.

Files: screenshots/<scene>-<width>x<height>.svg for the list, detail, notify,
error and help screens at 80x24 and 120x40. Same output on every run.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from cqtui.tui.stills import SCENES, SIZES, stills_app, stills_emulator

OUT = Path(__file__).resolve().parent


async def shoot(scene: str, size: tuple[int, int]) -> str:
    with stills_emulator() as emulator:
        app = stills_app(emulator)
        async with app.run_test(size=size) as pilot:
            await SCENES[scene](pilot, emulator)
            return app.export_screenshot(title=f"cqtui · {scene}")


def main() -> int:
    for scene in SCENES:
        for width, height in SIZES:
            path = OUT / f"{scene}-{width}x{height}.svg"
            path.write_text(asyncio.run(shoot(scene, (width, height))), encoding="utf-8")
            print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
