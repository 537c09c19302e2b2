"""The peer for the CLI rows: the same listing made with the official SDK (cos-python-sdk-v5).

  python bench/sdk_peer.py one URL BUCKET        page 1 of 10, printed as JSON
  python bench/sdk_peer.py all URL BUCKET SIZE   every page of SIZE in a loop, merged, printed as JSON

The SDK talks to the emulator as to an HTTP proxy (Scheme='http', Proxies={'http': URL}):
it sends absolute-form requests for http://BUCKET.ci.ap-guangzhou.myqcloud.com/picqueue.
Credentials come from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY, as for cqtui.
"""

import json
import os
import sys

from qcloud_cos import CosConfig, CosS3Client


def client(url: str) -> CosS3Client:
    config = CosConfig(
        Region=os.environ["TENCENTCLOUD_REGION"],
        SecretId=os.environ["TENCENTCLOUD_SECRET_ID"],
        SecretKey=os.environ["TENCENTCLOUD_SECRET_KEY"],
        Scheme="http",
        Proxies={"http": url},
    )
    return CosS3Client(config)


def one(url: str, bucket: str) -> dict:
    return client(url).ci_get_media_pic_queue(Bucket=bucket, PageNumber="1", PageSize="10")


def every_page(url: str, bucket: str, size: int) -> dict:
    sdk = client(url)
    queues: list = []
    number = 1
    while True:
        answer = sdk.ci_get_media_pic_queue(Bucket=bucket, PageNumber=str(number), PageSize=str(size))
        page = answer.get("QueueList", [])
        queues += page
        if len(page) < size or len(queues) >= int(answer["TotalCount"]):
            return {"TotalCount": answer["TotalCount"], "QueueList": queues, "PageCount": number}
        number += 1


if __name__ == "__main__":
    mode, url, bucket, *rest = sys.argv[1:]
    result = one(url, bucket) if mode == "one" else every_page(url, bucket, int(rest[0]))
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
