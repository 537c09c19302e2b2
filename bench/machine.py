"""One line naming the machine a run was made on: the figures mean nothing without it."""

from __future__ import annotations

import os
import platform


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def describe() -> str:
    import textual

    return (
        f"{os.cpu_count()} × {cpu_model()}, Linux {platform.release()}, "
        f"Python {platform.python_version()}, Textual {textual.__version__}"
    )
