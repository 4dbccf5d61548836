"""ECR's PutImage as AWS answers it, where moto 5.2.5 answers otherwise (the README's "ECR
PutImage" section cites the AWS pages).

``docker push`` to ECR ends with PutImage, and the deploying guide's ``tools/push_image.sh``
relies on its two refusals:

- a repository that does not exist: ``RepositoryNotFoundException`` (moto raised a bare
  ``Exception``: HTTP 500, which SDKs and the AWS CLI retry as a server error);
- a tag already in a repository whose tag mutability is ``IMMUTABLE``:
  ``ImageTagAlreadyExistsException``, whatever the image (moto answered
  ``ImageAlreadyExistsException``, the error for an unchanged image pushed again).

Everything else is moto's PutImage (and the replication of :mod:`.lifecycle`, which wraps it).
"""

from __future__ import annotations

from typing import Any

from moto.core.exceptions import ServiceException

_ORIGINAL: dict[str, Any] = {}


class ImageTagAlreadyExistsException(ServiceException):
    """ECR's error for a tag already in an immutable repository (defined outside moto's
    packages, so that moto serializes it with the ECR model of the request)."""

    code = "ImageTagAlreadyExistsException"

    def __init__(self, repository: str, tag: str) -> None:
        super().__init__(
            f"The image tag '{tag}' already exists in the '{repository}' repository and cannot "
            "be overwritten because the repository is immutable."
        )


def _put_image(
    self: Any,
    repository_name: str,
    image_manifest: str,
    image_tag: str,
    image_manifest_mediatype: str | None = None,
    digest: str | None = None,
) -> Any:
    from moto.ecr.exceptions import RepositoryNotFoundException

    repository = self.repositories.get(repository_name)
    if repository is None:
        raise RepositoryNotFoundException(repository_name, self.account_id)
    immutable = repository.image_tag_mutability == "IMMUTABLE"
    if immutable and image_tag and any(image_tag in i.image_tags for i in repository.images):
        raise ImageTagAlreadyExistsException(repository_name, image_tag)
    return _ORIGINAL["put_image"](
        self, repository_name, image_manifest, image_tag, image_manifest_mediatype, digest
    )


def apply() -> None:
    """Wrap ``ECRBackend.put_image`` (call after :func:`.lifecycle.apply`, so that the checks
    run first and replication copies only what was accepted)."""
    from moto.ecr.models import ECRBackend

    _ORIGINAL["put_image"] = ECRBackend.put_image
    ECRBackend.put_image = _put_image  # type: ignore[method-assign]
