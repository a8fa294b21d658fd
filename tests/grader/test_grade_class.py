"""``dlmath grade-class``: parallel, resumable, reproducible, with class reports."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import psutil
import pytest

from grader.authoring.bugs import load_bank
from grader.batch import parcel
from grader.batch.classfiles import write_class_files
from grader.batch.discover import DiscoveryError, discover
from grader.batch.pool import grade_class
from grader.batch.worker import DIED
from grader.paths import EXERCISES, SOLUTIONS

BUGS = {bug.name: bug for bug in load_bank() if bug.unit == "activations"}
UNIT = ["activations"]


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    """Five students: a full mark, a stub, two bugs and a zip; activations only."""
    root = tmp_path_factory.mktemp("class")
    for name, source in [("ada", SOLUTIONS), ("ben", EXERCISES)]:
        (root / name).mkdir()
        shutil.copy(source / "activations.py", root / name)
    for name, bug in [("cleo", "sigmoid_overflows"), ("dev", "relu_backward_in_place")]:
        (root / name).mkdir()
        (root / name / "activations.py").write_text(BUGS[bug].source())
    shutil.make_archive(str(root / "eve"), "zip", root / "cleo")
    return root


def _grade(klass: Path, out: Path, jobs: int) -> dict[str, dict]:
    run = grade_class(klass, out, jobs=jobs, units=UNIT, timeout=5)
    return write_class_files(out, run.students)


@pytest.fixture(scope="module")
def graded(klass, tmp_path_factory) -> Path:
    """The class graded once with two workers; the output folder."""
    out = tmp_path_factory.mktemp("graded")
    _grade(klass, out, jobs=2)
    return out


def test_grades_every_student_and_writes_the_class_files(graded):
    tmp_path = graded
    reports = {name: json.loads((graded / "reports" / f"{name}.json").read_text())
               for name in ["ada", "ben", "cleo", "dev", "eve"]}
    assert sorted(reports) == ["ada", "ben", "cleo", "dev", "eve"]
    scores = {name: r["score"] for name, r in reports.items()}
    assert scores["ada"] == reports["ada"]["max_score"] and scores["ben"] == 0
    assert 0 < scores["cleo"] == scores["eve"] < scores["ada"]
    csv_lines = (tmp_path / "grades.csv").read_text().splitlines()
    assert csv_lines[0].startswith("student,score,max_score,activations,activations/relu_forward")
    assert [line.split(",")[0] for line in csv_lines[1:]] == sorted(reports)
    report = (tmp_path / "class_report.md").read_text()
    assert "activations/sigmoid_stable" in report and "Most common failure" in report
    assert (tmp_path / "score_histogram.png").stat().st_size > 1000
    assert "sigmoid_forward" in (tmp_path / "feedback" / "cleo.md").read_text()


def test_one_and_two_workers_give_byte_identical_results(klass, graded, tmp_path):
    _grade(klass, tmp_path / "j1", jobs=1)
    for name in ["grades.csv", "class_report.md", "reports/dev.json", "feedback/eve.md"]:
        assert (tmp_path / "j1" / name).read_bytes() == (graded / name).read_bytes()


def test_finished_students_are_skipped_unless_regraded(klass, graded, tmp_path):
    shutil.copytree(graded, tmp_path / "out")
    again = grade_class(klass, tmp_path / "out", jobs=2, units=UNIT)
    assert again.graded == [] and len(again.skipped) == 5
    (tmp_path / "out" / "reports" / "dev.json").write_text("{}")  # stale: --regrade fixes it
    redo = grade_class(klass, tmp_path / "out", jobs=2, units=UNIT, regrade=True)
    assert len(redo.graded) == 5
    assert (tmp_path / "out" / "reports" / "dev.json").read_bytes() == (
        graded / "reports" / "dev.json").read_bytes()


def test_a_killed_run_resumes_to_the_same_results(klass, graded, tmp_path):
    command = [sys.executable, "-m", "grader.cli", "grade-class", str(klass), "--out",
               str(tmp_path / "killed"), "--unit", "activations", "-j", "1"]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    reports = tmp_path / "killed" / "reports"
    deadline = time.monotonic() + 240
    while len(list(reports.glob("*.json"))) < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = len(list(reports.glob("*.json")))
    assert 1 <= finished < 5, "the kill should land mid-class"
    assert not list(reports.glob(".*partial"))
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{finished} students already graded" in resumed.stdout
    assert (tmp_path / "killed" / "grades.csv").read_bytes() == (graded / "grades.csv").read_bytes()


def test_nbgrader_layout_merges_each_students_assignments(tmp_path):
    submitted = tmp_path / "submitted"
    for unit in ("activations", "losses"):
        folder = submitted / "zoe" / unit
        folder.mkdir(parents=True)
        shutil.copy(SOLUTIONS / f"{unit}.py", folder)
        (folder / f"{unit}.ipynb").write_text("{}")
    (student,) = discover(submitted)
    assert student.name == "zoe" and [p.name for p in student.sources] == ["activations",
                                                                           "losses"]
    run = grade_class(submitted, tmp_path / "out", units=["activations", "losses"])
    reports = write_class_files(tmp_path / "out", run.students)
    assert reports["zoe"]["score"] == reports["zoe"]["max_score"]


def _same_results(one: Path, other: Path) -> None:
    names = sorted(str(p.relative_to(one)) for p in one.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(other)) for p in other.rglob("*") if p.is_file())
    for name in names:
        assert (one / name).read_bytes() == (other / name).read_bytes(), name


@pytest.mark.parametrize("entries", [["bbb", "bbb.zip"], ["Kim", "kim.zip"]])
def test_two_entries_with_one_name_are_refused_before_grading(tmp_path, entries):
    klass = tmp_path / "class"
    (klass / "ada").mkdir(parents=True)
    for entry in entries:
        if entry.endswith(".zip"):
            shutil.make_archive(str(klass / entry[:-4]), "zip", klass / "ada")
        else:
            (klass / entry).mkdir()
    with pytest.raises(DiscoveryError, match=" and ".join(sorted(entries))) as refused:
        grade_class(klass, tmp_path / "out", units=UNIT)
    assert "nothing was graded" in str(refused.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("address", ["localhost:8786", "tcp://host", "http://host:8786"])
def test_a_malformed_scheduler_address_is_one_line_before_grading(tmp_path, address):
    (tmp_path / "class" / "ada").mkdir(parents=True)
    command = [sys.executable, "-c", "import sys; from grader.cli import main; sys.exit(main())",
               "grade-class", str(tmp_path / "class"), "--out", str(tmp_path / "out"),
               "--scheduler", address]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "not an address like tcp://host:8786" in \
        result.stderr
    assert not (tmp_path / "out").exists()


def _zip(path: Path, members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_zip_bomb_is_refused_before_a_worker_sees_it(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("activations.py", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(bytes(1024 * 1024))
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(parcel.Unreadable, match="would unpack to 300 MiB"):
        parcel.pack("bomb", (bomb,))
    many = _zip(tmp_path / "many.zip", {f"f{i}": b"" for i in range(10_001)})
    with pytest.raises(parcel.Unreadable, match="holds 10001 entries"):
        parcel.pack("many", (many,))


def test_a_parcel_unpacks_to_what_the_loader_reads(tmp_path):
    folder = tmp_path / "ada"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "real.py").write_text("x = 1\n")
    (folder / "activations.py").symlink_to("sub/real.py")
    (folder / "losses.py").symlink_to("/etc/passwd")
    (folder / "linear.py").mkdir()
    (folder / "optim.py").write_bytes(b"y" * (parcel.MAX_UNIT_BYTES + 10))
    sources = parcel.unpack(parcel.pack("ada", (folder,)), tmp_path / "unpacked")
    assert sources == [tmp_path / "unpacked" / "ada"]
    copy = sources[0]
    assert (copy / "activations.py").read_text() == "x = 1\n"
    assert not (copy / "losses.py").resolve().is_relative_to(copy.resolve())
    assert (copy / "linear.py").is_dir()
    assert (copy / "optim.py").stat().st_size == parcel.MAX_UNIT_BYTES + 1


def test_a_student_folder_assignment_or_zip_that_is_a_link_is_refused(tmp_path):
    """Each refusal is that student's row; the class folder itself may be a link."""
    real = tmp_path / "class"
    (real / "mallory").mkdir(parents=True)
    (real / "eve").symlink_to(SOLUTIONS, target_is_directory=True)
    (real / "mallory" / "hw1").symlink_to(SOLUTIONS, target_is_directory=True)
    (real / "ann.zip").symlink_to(_zip(tmp_path / "bob.zip", {"activations.py": b""}))
    (real / "zoe" / "hw1").mkdir(parents=True)
    shutil.copy(SOLUTIONS / "activations.py", real / "zoe" / "hw1")
    (tmp_path / "linked").symlink_to(real, target_is_directory=True)
    students = {s.name: s for s in discover(tmp_path / "linked")}
    assert sorted(students) == ["ann", "eve", "mallory", "zoe"]
    for name, part in [("ann", "ann.zip"), ("eve", "eve"), ("mallory", "mallory/hw1")]:
        with pytest.raises(parcel.Unreadable, match=f"^{part} is a link; links"):
            parcel.pack(name, students[name].sources)
    assert parcel.pack("zoe", students["zoe"].sources)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """One good student beside submissions that are broken, bombs, unreadable, or crash."""
    root = tmp_path_factory.mktemp("hostile")
    (root / "ada").mkdir()
    shutil.copy(SOLUTIONS / "activations.py", root / "ada")
    _zip(root / "bomb.zip", {f"f{i}.py": b"" for i in range(parcel.MAX_ARCHIVE_ENTRIES + 1)})
    (root / "corrupt.zip").write_bytes(b"PK\x03\x04 this is not really an archive")
    crc = _zip(root / "crc.zip", {"activations.py": b"x = 1\n" * 20}, zipfile.ZIP_STORED)
    data = bytearray(crc.read_bytes())
    data[data.index(b"x = 1")] = ord("y")  # the member no longer matches its checksum
    crc.write_bytes(bytes(data))
    (root / "loop").mkdir()
    (root / "loop" / "activations.py").symlink_to("activations.py")
    (root / "crash").mkdir()  # kills the process that grades it (in-process grading below)
    (root / "crash" / "activations.py").write_text(
        "import os\nimport signal\n\nos.kill(os.getpid(), signal.SIGKILL)\n")
    return root


REASONS = {
    "bomb": f"bomb.zip holds {parcel.MAX_ARCHIVE_ENTRIES + 1} entries",
    "corrupt": "corrupt.zip is not a readable .zip archive.",
    "crc": "crc.zip is a corrupt .zip file (Bad CRC-32",
    "loop": "loop could not be read: a link that cannot be followed.",
    "crash": DIED,
}


def test_one_student_cannot_hurt_the_class(hostile, tmp_path):
    outs = {}
    for jobs in (2, 1):
        out = outs[jobs] = tmp_path / f"j{jobs}"
        run = grade_class(hostile, out, jobs=jobs, units=UNIT, timeout=5, isolated=False)
        reports = write_class_files(out, run.students)
        assert sorted(reports) == ["ada", "bomb", "corrupt", "crash", "crc", "loop"]
        assert reports["ada"]["score"] == reports["ada"]["max_score"] > 0
        assert sorted(run.errors) == sorted(REASONS)
        for name, reason in REASONS.items():
            assert run.errors[name].startswith(reason), (name, run.errors[name])
            assert reports[name]["score"] == 0
            assert {u["status"] for u in reports[name]["units"]} == {"error"}
            assert f"\n{name},0," in (out / "grades.csv").read_text()
        assert "6 students" in (out / "class_report.md").read_text()
    _same_results(outs[1], outs[2])
    again = grade_class(hostile, outs[2], jobs=2, units=UNIT, timeout=5, isolated=False)
    assert again.graded == [] and len(again.skipped) == 6


def test_a_worker_killed_mid_class_costs_nothing(klass, graded, tmp_path):
    killed = []

    def kill_a_worker(name: str) -> None:
        if not killed:
            workers = [p for p in psutil.Process().children() if "spawn_main" in " ".join(
                p.cmdline())]
            workers[0].kill()
            killed.append(workers[0].pid)

    run = grade_class(klass, tmp_path / "out", jobs=2, units=UNIT, timeout=5,
                      on_done=kill_a_worker)
    write_class_files(tmp_path / "out", run.students)
    assert killed and run.errors == {}
    _same_results(graded, tmp_path / "out")
