#!/usr/bin/env bash
# Push a locally built image to the ECR repository of the same name in every given region.
#
#   tools/push_image.sh LOCAL_IMAGE REPOSITORY TAG REGION [REGION ...]
#
# Used by the deploy workflow while `cdk deploy` runs: on the first deploy the regional stacks
# create the repositories, so each region waits (up to WAIT_SECONDS, default 1800) for its
# repository to exist, then pushes. ECS retries tasks that could not pull the image, so the
# service becomes healthy once the image is there. Tags are immutable: a tag already in the
# repository is not pushed again. Needs AWS credentials and docker.
set -euo pipefail

if [ "$#" -lt 4 ]; then
  echo "usage: $0 LOCAL_IMAGE REPOSITORY TAG REGION [REGION ...]" >&2
  exit 2
fi
local_image="$1"
repository="$2"
tag="$3"
shift 3
wait_seconds="${WAIT_SECONDS:-1800}"

for region in "$@"; do
  deadline=$((SECONDS + wait_seconds))
  until uri="$(aws ecr describe-repositories --region "${region}" \
      --repository-names "${repository}" \
      --query 'repositories[0].repositoryUri' --output text 2>/dev/null)"; do
    if [ "${SECONDS}" -ge "${deadline}" ]; then
      echo "push_image: repository ${repository} did not appear in ${region}" >&2
      exit 1
    fi
    sleep 10
  done
  if aws ecr describe-images --region "${region}" --repository-name "${repository}" \
      --image-ids "imageTag=${tag}" >/dev/null 2>&1; then
    echo "push_image: ${uri}:${tag} already exists"
    continue
  fi
  aws ecr get-login-password --region "${region}" \
    | docker login --username AWS --password-stdin "${uri%%/*}"
  docker tag "${local_image}" "${uri}:${tag}"
  docker push "${uri}:${tag}"
  echo "push_image: pushed ${uri}:${tag}"
done
