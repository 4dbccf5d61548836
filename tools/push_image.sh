#!/usr/bin/env bash
# Push a locally built image to the ECR repository of the same name in every given region.
#
#   tools/push_image.sh LOCAL_IMAGE REPOSITORY TAG REGION [REGION ...]
#
# Used by the deploy workflow before `cdk deploy -c image_tag=TAG`. Tags are immutable: a tag
# already in a region's repository (pushed earlier, or delivered by ECR replication from the
# primary region) is left alone. Needs AWS credentials and docker.
set -euo pipefail

if [ "$#" -lt 4 ]; then
  echo "usage: $0 LOCAL_IMAGE REPOSITORY TAG REGION [REGION ...]" >&2
  exit 2
fi
local_image="$1"
repository="$2"
tag="$3"
shift 3

has_tag() {
  aws ecr describe-images --region "$1" --repository-name "${repository}" \
    --image-ids "imageTag=${tag}" > /dev/null 2>&1
}

for region in "$@"; do
  uri="$(aws ecr describe-repositories --region "${region}" \
    --repository-names "${repository}" \
    --query 'repositories[0].repositoryUri' --output text)"
  if has_tag "${region}"; then
    echo "push_image: ${uri}:${tag} already exists"
    continue
  fi
  aws ecr get-login-password --region "${region}" \
    | docker login --username AWS --password-stdin "${uri%%/*}"
  docker tag "${local_image}" "${uri}:${tag}"
  # Replication may deliver the tag while we push: then the push fails but the tag is there.
  if docker push "${uri}:${tag}" || has_tag "${region}"; then
    echo "push_image: ${uri}:${tag} is there"
  else
    echo "push_image: could not push ${uri}:${tag}" >&2
    exit 1
  fi
done
