"""cqtui: a terminal UI for Tencent Cloud Infinite image-processing queues."""

__version__ = "0.1.0"
