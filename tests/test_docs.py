"""The documentation site builds offline with warnings as errors and no broken references,
its generated pages (API reference, defaults tables, the pictures of the example app) cover
the code and match a fresh synth, and every page opens cleanly in a real headless browser."""

from __future__ import annotations

import dataclasses
import html
import os
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

import mrt_diagrams  # noqa: E402
import mrt_docs  # noqa: E402
import mrt_site  # noqa: E402

import multiregion_tap  # noqa: E402
from tools.dev import ensure_chromium  # noqa: E402
from tools.synth import read_assembly  # noqa: E402

PROPS = {
    "RegionalService": multiregion_tap.RegionalServiceProps,
    "ReplicatedDatabase": multiregion_tap.ReplicatedDatabaseProps,
    "FailoverDns": multiregion_tap.FailoverDnsProps,
    "CrossRegionPeering": multiregion_tap.CrossRegionPeeringProps,
    "RegionalMonitoring": multiregion_tap.RegionalMonitoringProps,
    "HealthCheckAlarms": multiregion_tap.HealthCheckAlarmsProps,
}

#: Where the browser test saves its screenshots (the docs workflow uploads this directory).
SCREENSHOTS = Path(os.environ.get("MRT_DOCS_SCREENSHOTS", ROOT / "docs" / "_build" / "screenshots"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site: in ``MRT_DOCS_OUT`` when set (the docs workflow publishes exactly the
    site this module checks), else in a temporary directory."""
    out = Path(os.environ.get("MRT_DOCS_OUT") or tmp_path_factory.mktemp("docs") / "html")
    result = mrt_site.build_site(out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def chromium() -> Path:
    """The machine's Chromium, installed by tools/dev.py where it can be; a plain failure
    (never a skip) saying what is missing where it cannot."""
    try:
        return ensure_chromium()
    except RuntimeError as error:
        pytest.fail(f"the browser test needs Chromium: {error}", pytrace=False)


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
def test_architecture_guide_shows_the_generated_pictures(site: Path) -> None:
    page = (site / "guides" / "architecture.html").read_text()
    for key in ("shop", "shop-3-regions"):
        for kind in ("stacks", "topology"):
            assert f'<img src="../_diagrams/{key}-{kind}.svg"' in page, (key, kind)
            assert (site / "_diagrams" / f"{key}-{kind}.svg").is_file(), (key, kind)
    for guide in ("getting-started", "failover-runbook"):
        text = (site / "guides" / f"{guide}.html").read_text()
        assert '<img src="../_diagrams/shop-topology.svg"' in text, guide
    assert "shop-stacks.svg" in (site / "guides" / "getting-started.html").read_text()
    for stack in ("shop-us-east-1", "shop-us-east-2", "shop-dns", "shop-peering"):
        assert f'<code class="docutils literal notranslate"><span class="pre">{stack}' in page
    text = html.unescape(re.sub(r"<[^>]+>", "", page))  # code is split into tokens
    assert "cdk deploy --exclusively 'shop-us-east-1'\n" in text


def _svg(path: Path) -> ET.Element:
    return ET.fromstring(path.read_text())  # well-formed XML, or an <img> shows nothing


def _drawn(root: ET.Element, attribute: str) -> list[ET.Element]:
    return [el for el in root.iter() if attribute in el.attrib]


@pytest.mark.slow
def test_pictures_match_a_fresh_synth_of_the_example(site: Path, tmp_path: Path) -> None:
    """The site's pictures of examples/shop are what a fresh synth of it draws (the build's
    assembly cache is not stale), and they name exactly the assembly's stacks, regions and
    dependencies, read back with tools/synth.py's own manifest reader."""
    spec = mrt_diagrams.APPS["shop"]
    fresh = mrt_diagrams.synthesize(spec, tmp_path / "cdk.out")
    pictures = mrt_diagrams.pictures(spec, fresh)
    built = site / "_diagrams"
    assert (built / "shop-stacks.svg").read_text() == pictures.stacks_svg, "stale stack picture"
    assert (built / "shop-topology.svg").read_text() == pictures.topology_svg, "stale topology"

    assembly = read_assembly(fresh)
    regions = {s.stack_name: s.region for s in assembly.stacks}
    edges = {(s.stack_name, d) for s in assembly.stacks for d in assembly.dependency_names(s)}
    stacks_svg = _svg(built / "shop-stacks.svg")
    drawn = {el.get("data-stack"): el.get("data-region") for el in _drawn(stacks_svg, "data-stack")}
    assert drawn == regions
    drawn_edges = {
        tuple(reversed(el.get("data-edge", "").split("->")))
        for el in _drawn(stacks_svg, "data-edge")
    }
    assert drawn_edges == edges
    waves = {el.get("data-wave") for el in _drawn(stacks_svg, "data-stack")}
    assert waves == {str(i + 1) for i in range(len(pictures.graph.waves))}

    topology = _svg(built / "shop-topology.svg")
    panels = {el.get("data-region"): el.get("data-role") for el in _drawn(topology, "data-role")}
    assert panels == {"us-east-1": "primary", "us-east-2": "secondary"}
    links = {
        (el.get("data-link"), el.get("data-source"), el.get("data-target"))
        for el in _drawn(topology, "data-link")
    }
    assert links == {
        ("failover", "dns", "us-east-1"),
        ("failover", "dns", "us-east-2"),
        ("replication", "us-east-1", "us-east-2"),
        ("peering", "us-east-1", "us-east-2"),
        ("images", "us-east-1", "us-east-2"),
    }


@pytest.mark.slow
def test_three_region_pictures(site: Path) -> None:
    stacks = _svg(site / "_diagrams" / "shop-3-regions-stacks.svg")
    drawn = {el.get("data-stack"): el.get("data-region") for el in _drawn(stacks, "data-stack")}
    assert drawn["shop-us-west-2"] == "us-west-2"
    assert drawn == {
        "shop-us-east-1": "us-east-1",
        "shop-us-east-2": "us-east-2",
        "shop-us-west-2": "us-west-2",
        "shop-peering": "us-east-1",
        "shop-peering-routes-us-east-2": "us-east-2",
        "shop-peering-routes-us-west-2": "us-west-2",
        "shop-peering-us-east-2": "us-east-2",
        "shop-peering-us-west-2": "us-west-2",
        "shop-credentials-us-east-2": "us-east-2",
        "shop-credentials-us-west-2": "us-west-2",
        "shop-dns": "us-east-2",  # the first secondary region (dns_region default)
        "shop-dns-alarms": "us-east-1",
        "shop-monitoring": "us-east-1",
    }
    topology = _svg(site / "_diagrams" / "shop-3-regions-topology.svg")
    failover = [
        el.get("data-target")
        for el in _drawn(topology, "data-link")
        if el.get("data-link") == "failover"
    ]
    # The failover chain answers with the regions in order: primary first.
    assert failover == ["us-east-1", "us-east-2", "us-west-2"]


@pytest.mark.slow
def test_every_page_opens_cleanly_in_a_browser(site: Path, chromium: Path) -> None:
    """Every page in headless Chromium: no theme or Sphinx error box, no broken internal link
    or anchor, no image that failed to load, no console error. Screenshots for the docs
    workflow's artifact."""
    report = mrt_site.check_site(site, chromium, SCREENSHOTS)
    assert report.problems == []
    assert {"index.html", "api.html", "guides/architecture.html"} <= set(report.pages)
    assert len(report.pages) == len(list(site.rglob("*.html")))
    for name in mrt_site.SCREENSHOTS:
        assert (SCREENSHOTS / name).stat().st_size > 10_000, name


@pytest.mark.slow
def test_browser_check_finds_what_sphinx_lets_through(tmp_path: Path, chromium: Path) -> None:
    """The check fails on what ``sphinx-build -W`` passes: Furo's CSS error box around a
    ``contents`` directive, a link to a missing anchor or page, a missing image, a script
    error."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('html_theme = "furo"\n')
    (src / "index.rst").write_text(
        textwrap.dedent(
            """\
            Sample
            ======

            .. contents::

            Section
            -------

            .. raw:: html

               <a href="#nowhere">anchor</a> <a href="missing.html">page</a>
               <a href="#section">fine</a>
               <img src="missing.png" alt="missing">
               <script>console.error("boom")</script>
            """
        )
    )
    out = tmp_path / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    problems = "\n".join(mrt_site.check_site(out, chromium).problems)
    assert "theme error box" in problems and "Adding a table of contents" in problems
    assert "no id 'nowhere'" in problems
    assert "missing.html: no such page" in problems
    assert "image did not load: missing.png" in problems
    assert "console error: boom" in problems
    assert "#section" not in problems


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


@pytest.mark.slow
def test_architecture_guide_lists_every_module_of_the_package(site: Path) -> None:
    """The package layout is read from the source at build time: every module is on the page
    with the modules it imports."""
    sys.path.insert(0, str(ROOT))
    from tools import import_graph

    page = html.unescape(
        re.sub(r"<[^>]+>", "", (site / "guides" / "architecture.html").read_text())
    )
    modules = import_graph.modules()
    assert "multiregion_tap.regional_service" in modules
    for name in modules:
        if name == "multiregion_tap":
            continue
        assert name.removeprefix("multiregion_tap.") in page, name
    assert "_private.app_context" in page and "_private.compose" in page
