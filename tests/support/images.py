"""A small image manifest for tests that push to ECR the way ``docker push`` ends (PutImage)."""

from __future__ import annotations

import json

#: A Docker v2 manifest without layers.
MANIFEST = {
    "schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {
        "mediaType": "application/vnd.docker.container.image.v1+json",
        "size": 1,
        "digest": "sha256:" + "0" * 64,
    },
    "layers": [],
}


def tagged_manifest(tag: str) -> str:
    """:data:`MANIFEST` made unique to ``tag`` (an annotation), as PutImage's JSON text."""
    return json.dumps({**MANIFEST, "annotations": {"tag": tag}})
