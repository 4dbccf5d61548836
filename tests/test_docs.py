"""The documentation site builds offline with warnings as errors and no broken references,
and its generated pages (API reference, defaults tables, the stack diagram) cover the code."""

from __future__ import annotations

import dataclasses
import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

import mrt_docs  # noqa: E402

import multiregion_tap  # noqa: E402

PROPS = {
    "RegionalService": multiregion_tap.RegionalServiceProps,
    "ReplicatedDatabase": multiregion_tap.ReplicatedDatabaseProps,
    "FailoverDns": multiregion_tap.FailoverDnsProps,
    "CrossRegionPeering": multiregion_tap.CrossRegionPeeringProps,
    "RegionalMonitoring": multiregion_tap.RegionalMonitoringProps,
    "HealthCheckAlarms": multiregion_tap.HealthCheckAlarmsProps,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "html"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",  # warnings are errors
            "--keep-going",
            "-n",  # nitpicky: every cross-reference must resolve
            "-q",
            "-b",
            "html",
            str(ROOT / "docs"),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.mark.slow
def test_docs_build_cleanly(site: Path) -> None:
    assert (site / "api.html").exists()
    for page in ("getting-started", "architecture", "constructs", "deploying", "blue-green"):
        assert (site / "guides" / f"{page}.html").exists(), page
    assert (site / "guides" / "failover-runbook.html").exists()
    assert (site / "guides" / "troubleshooting.html").exists()


@pytest.mark.slow
def test_api_reference_documents_every_public_name(site: Path) -> None:
    api = (site / "api.html").read_text()
    for name in multiregion_tap.__all__:
        if name == "__version__":
            continue
        assert f'id="multiregion_tap.{name}"' in api, name
    assert 'id="multiregion_tap.discovery.discover"' in api


@pytest.mark.slow
def test_architecture_diagram_shows_the_example_stacks(site: Path) -> None:
    page = (site / "guides" / "architecture.html").read_text()
    for stack in ("shop-us-east-1", "shop-us-east-2", "shop-dns", "shop-peering"):
        assert f">{stack}</text>" in page, stack  # in the SVG
        assert stack in page
    assert "<svg" in page and "wave 1" in page
    text = html.unescape(re.sub(r"<[^>]+>", "", page))  # code is split into tokens
    assert "cdk deploy --exclusively 'Shop/us-east-1'\n" in text


@pytest.mark.slow
def test_defaults_tables_list_every_prop(site: Path) -> None:
    page = (site / "guides" / "constructs.html").read_text()
    assert ".. list-table" not in page  # the generated reST was parsed, not printed
    for props in PROPS.values():
        for field in dataclasses.fields(props):
            assert f'<span class="pre">{field.name}</span>' in page, (props.__name__, field.name)


@pytest.mark.parametrize("construct", sorted(PROPS))
def test_every_prop_has_a_documented_default(construct: str) -> None:
    """Each props field has a docstring text, and an optional one says what its default does."""
    rows = mrt_docs.prop_rows(getattr(multiregion_tap, construct), PROPS[construct])
    assert [r.name for r in rows] == [f.name for f in dataclasses.fields(PROPS[construct])]
    for row in rows:
        assert row.description, f"{construct}: {row.name} has no :param: text"
        if row.code_default != "required":
            assert row.default_behaviour, f"{construct}: {row.name} documents no Default:"


def test_param_docs_and_default_split() -> None:
    class Sample:
        """Sample.

        :param size: How big, 1 to 10.
            Default: - as large as the quota allows.
        :param name: The name. Default: ``"x"``
        """

    docs = mrt_docs.param_docs(Sample)
    assert docs == {
        "size": "How big, 1 to 10. Default: - as large as the quota allows.",
        "name": 'The name. Default: ``"x"``',
    }
    assert mrt_docs.split_default(docs["size"]) == (
        "How big, 1 to 10.",
        "as large as the quota allows.",
    )
    assert mrt_docs.split_default("No default here.") == ("No default here.", "")


def test_docstring_section_titles_become_rubrics() -> None:
    lines = ["Intro.", "", "Deploying a new image", "---------------------", "* text"]
    mrt_docs._titles_to_rubrics(lines)
    assert lines == ["Intro.", "", ".. rubric:: Deploying a new image", "", "* text"]
