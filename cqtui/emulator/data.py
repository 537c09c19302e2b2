"""Queue sets for the emulator: the demo set, every family's, large generated sets, a hostile set, a JSON file.

Everything here is deterministic (no clock, no random), so screenshots and
snapshot tests stay stable.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from cqtui.ci.errors import ConfigError
from cqtui.ci.kinds import Kind
from cqtui.ci.models import NOTIFY_CONFIG_API_NAMES, NotifyConfig, Queue
from cqtui.ci.xmltext import xml_problem

DEMO_BUCKET = "examplebucket-1250000000"
CATEGORY = "PicProcessing"

_CHINA = timezone(timedelta(hours=8))
# Demo times count back from here; a fixed anchor keeps the data deterministic.
ANCHOR = datetime(2026, 1, 1, 9, 30, 0, tzinfo=_CHINA)
_TWO_YEARS_SECONDS = 2 * 365 * 24 * 3600


def queue_id_for(seed: str) -> str:
    """A realistic QueueId: `p` + 32 hex digits, stable for a given seed."""
    return "p" + hashlib.md5(seed.encode("utf-8")).hexdigest()


def ci_time(moment: datetime) -> str:
    """`2022-08-09T16:23:11+0800`, the API's time format."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S%z")


def _url(url: str, event: str, state: str = "On", fmt: str = "JSON") -> NotifyConfig:
    """A Url callback."""
    return NotifyConfig(url=url, event=event, type="Url", state=state, result_format=fmt)


def _tdmq(mode: str, region: str, name: str, event: str = "TaskFinish", state: str = "On") -> NotifyConfig:
    """A TDMQ callback (MqMode Topic or Queue)."""
    return NotifyConfig(
        event=event, type="TDMQ", state=state, result_format="JSON", mq_mode=mode, mq_region=region, mq_name=name
    )


_BOTH = "TaskFinish,WorkflowFinish"

# (name, state, NotifyConfig or None, MaxSize, MaxConcurrent): hand-picked variety.
_DEMO_ROWS: tuple[tuple[str, str, NotifyConfig | None, int, int], ...] = (
    ("My-Queue-pic", "Active", _url("http://callback.demo.com", _BOTH), 10000, 10),
    ("thumbnail-default", "Active", _url("https://hooks.example.com/ci/thumbnail", "TaskFinish"), 1000, 10),
    ("watermark-prod", "Active", _url("https://ops.example.com/ci/watermark", _BOTH, fmt="XML"), 5000, 20),
    ("图片处理队列", "Active", _tdmq("Queue", "gz", "ci-pic-results"), 1000, 10),
    ("商品主图压缩", "Active", _tdmq("Topic", "sh", "goods-image-compress"), 20000, 50),
    ("头像裁剪-高优先级", "Paused", _url("https://avatar.example.cn/notify", "TaskFinish", state="Off"), 1000, 5),
    ("avatar-crop", "Active", NotifyConfig(type="Url", state="Off"), 1000, 10),
    ("guetzli-archive", "Paused", _url("https://archive.example.com/ci", "WorkflowFinish"), 500, 2),
    ("webp-convert-cdn", "Active", _tdmq("Topic", "bj", "cdn-webp-events", _BOTH), 50000, 100),
    ("heif-to-jpeg", "Active", _url("http://10.0.0.12:8080/ci-callback", "TaskFinish", fmt="XML"), 1000, 10),
    ("blind-watermark-extract", "Active", _tdmq("Queue", "cd", "bwm-extract-done"), 2000, 8),
    ("image-moderation-pre", "Paused", None, 1000, 10),
    ("quality-assess", "Active", _url("https://qa.example.com/hooks/ci?src=queue&v=2", "TaskFinish"), 3000, 15),
    ("原图备份-低频", "Paused", _tdmq("Topic", "hk", "origin-backup", state="Off"), 800, 4),
    ("smart-crop-banner", "Active", _url("https://banner.example.com/cb", _BOTH), 1000, 10),
    ("gif-to-mp4", "Active", _tdmq("Queue", "sh", "gif2mp4-results", "WorkflowFinish"), 1000, 10),
    ("svg-rasterize", "Paused", _url("https://render.example.com/ci/notify", "TaskFinish", "Off", "XML"), 100, 1),
    ("product-detail-zoom", "Active", _url("https://shop.example.com/api/ci/zoom", "TaskFinish"), 10000, 30),
    ("用户上传-缩略图-海外", "Active", _tdmq("Topic", "hk", "ugc-thumb-overseas", _BOTH), 5000, 25),
    ("ocr-preprocess", "Active", NotifyConfig(), 1000, 10),
    (
        "queue-for-the-very-long-running-batch-conversion-of-legacy-product-images-from-the-2019-catalogue",
        "Active",
        _url("https://legacy-migration.internal.example.com/very/long/callback/path/for/ci/notify", _BOTH),
        100000,
        64,
    ),
    ("face-blur-privacy", "Paused", _tdmq("Queue", "bj", "privacy-blur"), 1000, 10),
    ("image-slim-auto", "Active", _url("https://slim.example.com/ci", "TaskFinish"), 1000, 10),
    ("社区配图审核-夜间批量处理-华南", "Paused", _url("https://community.example.cn/ci/audit", _BOTH), 3000, 6),
    ("dev-sandbox", "Paused", NotifyConfig(type="Url", state="Off", result_format="JSON"), 10, 1),
    ("staging-thumbnail", "Active", _url("https://staging.example.com/ci/thumbnail", "TaskFinish"), 1000, 10),
    ("loadtest-q1", "Active", _tdmq("Topic", "gz", "loadtest-q1-done"), 999999, 100),
    ("loadtest-q2", "Paused", _tdmq("Topic", "gz", "loadtest-q2-done", state="Off"), 999999, 100),
    ("tiff-print-proof", "Active", _url("https://print.example.com/proof", "WorkflowFinish", fmt="XML"), 200, 2),
    ("avif-experiment", "Paused", _url("https://lab.example.com/avif", "TaskFinish", state="Off"), 1000, 3),
    ("photo-exif-strip", "Active", _tdmq("Queue", "sh", "exif-strip"), 1000, 10),
    ("营销海报合成", "Active", _url("https://marketing.example.cn/ci/poster", _BOTH, fmt="XML"), 1500, 12),
    ("ai-superres-2x", "Active", _tdmq("Queue", "cd", "superres-jobs", _BOTH), 400, 4),
    ("color-enhance", "Paused", _url("https://enhance.example.com/n", "TaskFinish"), 1000, 10),
    ("pdf-page-thumbnails", "Active", _url("https://docs.example.com/ci/thumbs", "TaskFinish"), 8000, 16),
    ("bg-removal", "Active", _tdmq("Topic", "bj", "bg-removal-results"), 1000, 10),
    ("直播封面截图", "Active", _tdmq("Topic", "sh", "live-cover", "WorkflowFinish"), 6000, 40),
    ("legacy-imagemagick-bridge", "Paused", _url("https://old.example.com/im", "TaskFinish", "Off", fmt=""), 50, 1),
    ("news-photo-resize", "Active", _url("https://news.example.com/media/ci-callback", _BOTH), 2500, 20),
    ("game-asset-pack", "Active", _tdmq("Queue", "hk", "asset-pack-done"), 1000, 10),
    ("ugc-nsfw-preblur", "Paused", _tdmq("Queue", "gz", "nsfw-preblur", _BOTH, state="Off"), 1000, 10),
    ("警告-不要删除-生产主队列", "Active", _url("https://prod.example.cn/ci/main", _BOTH), 100000, 100),
    ("qr-code-detect", "Active", _url("https://scan.example.com/qr", "TaskFinish", fmt="XML"), 1000, 10),
    ("nightly-reindex", "Paused", _url("https://search.example.com/reindex", "WorkflowFinish"), 10000, 2),
)


def spread_times(index: int, count: int) -> tuple[str, str]:
    """CreateTime/UpdateTime spread over two years before the anchor, oldest first."""
    age = _TWO_YEARS_SECONDS * (count - index) // count
    created = ANCHOR - timedelta(seconds=age + index * 3571 % 86400)
    updated = created + timedelta(seconds=index * 7919 * 3607 % (age + 1))
    return ci_time(created), ci_time(updated)


def demo_queues() -> list[Queue]:
    """The built-in demo set (44 queues), oldest first."""
    queues = []
    for index, (name, state, notify, max_size, max_concurrent) in enumerate(_DEMO_ROWS):
        created, updated = spread_times(index, len(_DEMO_ROWS))
        queues.append(
            Queue(
                queue_id=queue_id_for(f"cqtui-demo-{index}"),
                name=name,
                state=state,
                notify_config=notify,
                max_size=max_size,
                max_concurrent=max_concurrent,
                update_time=updated,
                create_time=created,
                category=CATEGORY,
                bucket_id=DEMO_BUCKET,
            )
        )
    return queues


# Shared, immutable callback configs keep large generated sets cheap.
_GENERATED_NOTIFY = (
    _url("https://hooks.example.com/ci/generated", "TaskFinish"),
    _tdmq("Topic", "gz", "generated-topic"),
    None,
    _tdmq("Queue", "sh", "generated-queue", _BOTH),
    NotifyConfig(type="Url", state="Off"),
)


def generated_queue(index: int) -> Queue:
    """Queue number `index` of an endless synthetic set (cheap: no clock, one md5)."""
    moment = ANCHOR - timedelta(seconds=(index * 6151) % _TWO_YEARS_SECONDS)
    stamp = ci_time(moment)
    return Queue(
        queue_id=queue_id_for(f"cqtui-generated-{index}"),
        name=f"generated-queue-{index:05d}",
        state="Paused" if index % 7 == 3 else "Active",
        notify_config=_GENERATED_NOTIFY[index % len(_GENERATED_NOTIFY)],
        max_size=1000 * (1 + index % 10),
        max_concurrent=10 * (1 + index % 5),
        update_time=stamp,
        create_time=stamp,
        category=CATEGORY,
        bucket_id=DEMO_BUCKET,
    )


def generated_queues(count: int) -> list[Queue]:
    return [generated_queue(index) for index in range(count)]


# ---- other families -------------------------------------------------------------

_FAMILY_STEMS = ("default", "batch-nightly", "priority-high", "staging", "archive-low", "realtime", "backfill", "dev")


def fit_notify(kind: Kind, config: NotifyConfig | None) -> NotifyConfig | None:
    """`config` as `kind`'s API can hold it: only its NotifyConfig fields, and no TDMQ where it has no Mq* fields."""
    if config is None:
        return None
    fields = {column.key.removeprefix("notify.") for column in kind.details if column.key.startswith("notify.")}
    if config.type == "TDMQ" and "mq_name" not in fields:
        config = _url(f"https://hooks.example.com/ci/{kind.key}", config.event, config.state, config.result_format)
    return NotifyConfig(**{attr: getattr(config, attr) if attr in fields else "" for attr in NOTIFY_CONFIG_API_NAMES})


def as_family(kind: Kind, queue: Queue, index: int, bucket_id: str) -> Queue:
    """`queue` as one of `kind`'s in `bucket_id`: its Category (in turn, where it has several) and callback fields."""
    return replace(
        queue,
        category=kind.categories[index % len(kind.categories)],
        bucket_id=bucket_id,
        notify_config=fit_notify(kind, queue.notify_config),
    )


def family_queues(kind: Kind, bucket_id: str, count: int) -> list[Queue]:
    """`count` demo queues of `kind` for one bucket, oldest first; stable for a given bucket."""
    queues = []
    for index in range(count):
        created, updated = spread_times(index, count)
        _, state, notify, max_size, max_concurrent = _DEMO_ROWS[(index * 7) % len(_DEMO_ROWS)]
        queue = Queue(
            queue_id=queue_id_for(f"cqtui-{kind.key}-{bucket_id}-{index}"),
            name=f"{kind.key}-{_FAMILY_STEMS[index % len(_FAMILY_STEMS)]}-{index + 1}",
            state=state,
            notify_config=notify,
            max_size=max_size,
            max_concurrent=max_concurrent,
            update_time=updated,
            create_time=created,
        )
        queues.append(as_family(kind, queue, index, bucket_id))
    return queues


_LONG_NAME = ("超长" + "x" * 48) * 10  # 500 characters

# Names and fields that try to break a terminal UI: markup, controls, bidi,
# width tricks. Only XML-legal characters (ESC is not; its C1 twin CSI is).
_HOSTILE_ROWS: tuple[tuple[str, str, NotifyConfig | None], ...] = (
    ("[@click=app.quit]x[/]", "Active", _url("[@click=app.quit]http://evil.example/[/]", "[/]")),
    ("[/]", "Active", _url("https://example.com/[/]", "TaskFinish")),
    ("[bold]x[/bold]", "Paused", _tdmq("Topic", "[red]sh[/red]", "[bold]topic[/bold]")),
    ("csi\u009b31mred\u009b0m", "Active", _url("https://example.com/\u009b2J", "TaskFinish")),
    ("next\u0085line", "Active", None),
    ("invoice\u202egpj.exe", "Active", _url("https://example.com/\u202ecb", "TaskFinish")),
    (_LONG_NAME, "Active", _url("https://example.com/" + "a" * 400, _BOTH)),
    ("Z\u0336a\u0301\u0302l\u0308\u0327g\u0323o\u0489", "Paused", None),
    ("全角ＡＢＣ超宽中文队列名称🚀👩\u200d👩\u200d👧", "Active", _tdmq("Queue", "hk", "宽字符主题")),
    ("", "Active", _url("", "")),
    ("tab\tnewline\ncarriage\rreturn", "Paused", None),
    ("<Name>&amp;</Name> \"quoted\" 'single'", "Active", _url("https://example.com/?a=1&b=<2>", "TaskFinish")),
    ("\u00a0leading and trailing nbsp\u00a0", "Active", None),
)


def hostile_queues() -> list[Queue]:
    """Queues that a careless UI would render as markup or terminal controls."""
    queues = [
        Queue(
            queue_id=queue_id_for(f"cqtui-hostile-{index}"),
            name=name,
            state=state,
            notify_config=notify,
            max_size=1000,
            max_concurrent=10,
            update_time=ci_time(ANCHOR),
            create_time=ci_time(ANCHOR),
            category=CATEGORY,
            bucket_id=DEMO_BUCKET,
        )
        for index, (name, state, notify) in enumerate(_HOSTILE_ROWS)
    ]
    # Missing fields, odd values and integers a UI must not choke on.
    queues.append(Queue(queue_id=queue_id_for("cqtui-hostile-missing"), name="missing-fields"))
    queues.append(
        Queue(
            queue_id=queue_id_for("cqtui-hostile-odd"),
            name="odd-values",
            state="Broken\u009b",
            notify_config=NotifyConfig(type="Kafka", state="Maybe", mq_mode="[/]"),
            max_size=10**15,
            max_concurrent=-1,
            update_time="not-a-time",
            create_time="9999-99-99T99:99:99+9999",
            category="[@click=app.bell]Cat[/]",
            bucket_id="\u202eexamplebucket",
        )
    )
    return queues


# ---- JSON files -------------------------------------------------------------

_STRING_FIELDS = {
    "QueueId": "queue_id",
    "Name": "name",
    "State": "state",
    "UpdateTime": "update_time",
    "CreateTime": "create_time",
    "Category": "category",
    "BucketId": "bucket_id",
}
_INTEGER_FIELDS = {"MaxSize": "max_size", "MaxConcurrent": "max_concurrent"}


class _BadEntry(Exception):
    pass


def _text(value: Any, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _BadEntry(f"{field} must be a string, got {type(value).__name__}")
    problem = xml_problem(value)
    if problem:
        raise _BadEntry(f"{field}: {problem}")
    return value


def _notify_from_json(value: Any) -> NotifyConfig | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _BadEntry(f"NotifyConfig must be an object or null, got {type(value).__name__}")
    unknown = sorted(set(value) - set(NOTIFY_CONFIG_API_NAMES.values()))
    if unknown:
        raise _BadEntry(f"NotifyConfig has unknown field {unknown[0]!r}")
    return NotifyConfig(
        **{attr: _text(value.get(key), f"NotifyConfig.{key}") for attr, key in NOTIFY_CONFIG_API_NAMES.items()}
    )


def _queue_from_json(entry: Any) -> Queue:
    if not isinstance(entry, dict):
        raise _BadEntry(f"must be an object, got {type(entry).__name__}")
    unknown = sorted(set(entry) - set(_STRING_FIELDS) - set(_INTEGER_FIELDS) - {"NotifyConfig"})
    if unknown:
        raise _BadEntry(f"unknown field {unknown[0]!r}")
    fields: dict[str, Any] = {attr: _text(entry.get(key), key) for key, attr in _STRING_FIELDS.items()}
    if not fields["queue_id"]:
        raise _BadEntry("QueueId is missing or empty")
    for key, attr in _INTEGER_FIELDS.items():
        value = entry.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise _BadEntry(f"{key} must be an integer or null, got {value!r}")
        fields[attr] = value
    fields["notify_config"] = _notify_from_json(entry.get("NotifyConfig"))
    return Queue(**fields)


def load_queues(path: str | Path) -> list[Queue]:
    """Queues from a JSON file: a list of API-shaped objects, or `{"QueueList": [...]}`
    (what `cqtui queues --output json` prints). ConfigError names the file and entry.
    """
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as problem:
        raise ConfigError(f"cannot read queue file: {problem.strerror or problem}", path=str(path)) from None
    except UnicodeDecodeError:
        raise ConfigError("queue file is not UTF-8", path=str(path)) from None
    except json.JSONDecodeError as problem:
        raise ConfigError(
            f"not valid JSON: {problem.msg} (column {problem.colno})", path=str(path), line=problem.lineno
        ) from None
    except RecursionError:
        raise ConfigError("not a queue file: nested too deeply", path=str(path)) from None
    entries = document.get("QueueList") if isinstance(document, dict) else document
    if not isinstance(entries, list):
        raise ConfigError('expected a JSON list of queues or an object with a "QueueList" list', path=str(path))
    queues: list[Queue] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        try:
            queue = _queue_from_json(entry)
        except _BadEntry as problem:
            label = f"entry {index}"
            if isinstance(entry, dict) and isinstance(entry.get("QueueId"), str) and entry["QueueId"]:
                label += f" (QueueId {entry['QueueId']!r})"
            raise ConfigError(f"{label}: {problem}", path=str(path)) from None
        if queue.queue_id in seen:
            raise ConfigError(f"entry {index}: duplicate QueueId {queue.queue_id!r}", path=str(path))
        seen.add(queue.queue_id)
        queues.append(queue)
    return queues
