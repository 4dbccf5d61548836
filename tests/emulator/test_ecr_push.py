"""ECR's PutImage refusals in the emulator (tools/emulator/README.md, "ECR PutImage", cites the
AWS pages), and the docker test double (tests/support/bin/docker) that ends its pushes with
PutImage through the AWS CLI, as the lifecycle tests run the deploying guide's lines:

- PutImage into a repository that does not exist: ``RepositoryNotFoundException`` (moto: HTTP
  500); ``docker push`` then fails with ``name unknown``;
- PutImage of a tag already in an IMMUTABLE repository: ``ImageTagAlreadyExistsException``,
  for another image and for the same one (moto: ``ImageAlreadyExistsException``);
  ``docker push`` then fails with ``tag invalid``; a MUTABLE repository moves the tag.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.doc_commands import ROOT, shell_env
from tools.emulator import EmulatorServer

from .conftest import Deployer

pytestmark = pytest.mark.emulator

ACCOUNT = "123456789012"


def _manifest(name: str) -> str:
    """A Docker v2 manifest of one layer; ``name`` makes the image distinct."""
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 2,
                "digest": "sha256:" + "1" * 64,
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 1,
                    "digest": "sha256:" + name.encode().hex().ljust(64, "0")[:64],
                }
            ],
        }
    )


def _error(call: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call()
    return str(raised.value.response["Error"]["Code"])


def _tagged(ecr: Any, repository: str, tag: str) -> str:
    (image,) = ecr.batch_get_image(repositoryName=repository, imageIds=[{"imageTag": tag}])[
        "images"
    ]
    return str(image["imageManifest"])


def test_put_image_into_a_missing_repository_is_repository_not_found(cfn: Deployer) -> None:
    ecr = cfn.client("ecr")
    code = _error(
        lambda: ecr.put_image(repositoryName="nope", imageManifest=_manifest("a"), imageTag="v1")
    )
    assert code == "RepositoryNotFoundException"


def test_a_tag_in_an_immutable_repository_cannot_be_pushed_again(cfn: Deployer) -> None:
    ecr = cfn.client("ecr")
    ecr.create_repository(repositoryName="shop/service", imageTagMutability="IMMUTABLE")
    ecr.put_image(repositoryName="shop/service", imageManifest=_manifest("a"), imageTag="v1")
    for manifest in (_manifest("b"), _manifest("a")):  # another image, and the same one
        code = _error(
            lambda m=manifest: ecr.put_image(
                repositoryName="shop/service", imageManifest=m, imageTag="v1"
            )
        )
        assert code == "ImageTagAlreadyExistsException"
    assert _tagged(ecr, "shop/service", "v1") == _manifest("a")
    ecr.put_image(repositoryName="shop/service", imageManifest=_manifest("b"), imageTag="v2")


def test_a_tag_in_a_mutable_repository_moves(cfn: Deployer) -> None:
    ecr = cfn.client("ecr")
    ecr.create_repository(repositoryName="shop/service", imageTagMutability="MUTABLE")
    ecr.put_image(repositoryName="shop/service", imageManifest=_manifest("a"), imageTag="v1")
    ecr.put_image(repositoryName="shop/service", imageManifest=_manifest("b"), imageTag="v1")
    assert _tagged(ecr, "shop/service", "v1") == _manifest("b")


# --------------------------------------------------------------------------- the docker double
@pytest.fixture
def docker(fresh_emulator: EmulatorServer, tmp_path: Path) -> Any:
    env = shell_env(fresh_emulator.client_env(), tmp_path)

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["docker", *args],
            cwd=ROOT,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def test_the_docker_double_pushes_into_the_region_s_repository_as_docker_fails(
    docker: Any, fresh_emulator: EmulatorServer, tmp_path: Path
) -> None:
    host = f"{ACCOUNT}.dkr.ecr.us-east-2.amazonaws.com"
    remote = f"{host}/shop/service:v1"
    (tmp_path / "empty").mkdir()
    built = docker("build", "-t", "shop-service:v1", str(tmp_path / "empty"))
    assert built.returncode == 1 and "failed to read dockerfile" in built.stderr
    assert docker("tag", "shop-service:v1", remote).returncode == 1, "nothing built yet"

    assert docker("build", "-t", "shop-service:v1", "examples/shop/service").returncode == 0
    assert docker("tag", "shop-service:v1", remote).returncode == 0
    unauthenticated = docker("push", remote)
    assert unauthenticated.returncode == 1 and "no basic auth credentials" in unauthenticated.stderr
    login = docker("login", "--username", "AWS", "--password-stdin", host, stdin="secret\n")
    assert login.returncode == 0 and "Login Succeeded" in login.stdout

    missing = docker("push", remote)
    assert missing.returncode == 1
    assert missing.stderr.startswith("name unknown: The repository with name 'shop/service'")

    ecr = fresh_emulator.boto3_client("ecr", "us-east-2")
    ecr.create_repository(repositoryName="shop/service", imageTagMutability="IMMUTABLE")
    pushed = docker("push", remote)
    assert pushed.returncode == 0, pushed.stderr
    images = ecr.describe_images(repositoryName="shop/service")["imageDetails"]
    assert [i["imageTags"] for i in images] == [["v1"]]
    assert json.loads(_tagged(ecr, "shop/service", "v1"))["layers"], "the built image's manifest"

    again = docker("push", remote)
    assert again.returncode == 1
    assert again.stderr.startswith("tag invalid: The image tag 'v1' already exists")
