"""The bug bank's catch rate, printed at the end of the run."""

import pytest

CATCHES = pytest.StashKey[dict]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[CATCHES] = {}


@pytest.fixture
def record_catch(request):
    """``record_catch(unit, caught)``: count one bug of ``unit`` as caught or missed."""
    catches = request.config.stash[CATCHES]

    def record(unit: str, caught: bool) -> None:
        caught_so_far, total = catches.get(unit, (0, 0))
        catches[unit] = (caught_so_far + caught, total + 1)

    return record


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    catches = config.stash.get(CATCHES, {})
    if not catches:
        return
    terminalreporter.section("bug bank: catch rate (a bug is caught when it loses points)")
    for unit, (caught, total) in catches.items():
        terminalreporter.write_line(f"{unit:12} {caught:3} / {total:3} caught")
    caught = sum(c for c, _ in catches.values())
    total = sum(t for _, t in catches.values())
    terminalreporter.write_line(f"{'all':12} {caught:3} / {total:3} caught ({caught / total:.0%})")
