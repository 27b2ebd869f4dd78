"""Wheels for an offline install: ``python packaging/wheelhouse.py --platform win_amd64|win32|linux``.

For a county IT person who installs mediator with pip on a machine that has Python but no
network (the portable zip needs neither; see packaging/README.md). Downloads exactly the
versions in ``packaging/locks/<platform>.txt`` — pinned, every file checked against the
SHA-256 hashes there — builds mediator's own wheel, and writes into
``dist/wheelhouse-<platform>/``:

    *.whl              every wheel needed, nothing else
    requirements.txt   the lock plus mediator's own wheel, all with hashes
    install.txt        the one-line install command (run inside this folder)

The locks are per platform because the sets differ: cryptography's last 32-bit Windows wheels
are 48.x, so win32 stays there. ``--relock`` writes them again with uv (``pip install uv``);
commit the result.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ROOT / "packaging" / "locks"
DIST_NAME = "mediator-tiaojie"
PYTHON = "3.11"  # the locks are resolved for it; a wheelhouse is for one Python minor version

#: pip's --platform tags for each wheelhouse, most preferred first; uv's target for the lock
PLATFORMS: dict[str, tuple[list[str], str]] = {
    "win_amd64": (["win_amd64"], "x86_64-pc-windows-msvc"),
    "win32": (["win32"], "i686-pc-windows-msvc"),
    # glibc 2.28 and newer (Debian 10+, Ubuntu 18.10+, RHEL 8+): what the lock was resolved for
    "linux": ([f"manylinux_2_{minor}_x86_64" for minor in range(28, 16, -1)]
              + ["manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"],
              "x86_64-manylinux_2_28"),
}


def relock() -> None:
    uv = shutil.which("uv")
    if uv is None:
        sys.exit("--relock needs uv: pip install uv")
    for name, (_, target) in PLATFORMS.items():
        # the web extra too: mediator serve is part of every install made from the locks
        cmd = [uv, "pip", "compile", str(ROOT / "pyproject.toml"), "--quiet", "--extra", "web",
               "--generate-hashes", "--only-binary", ":all:", "--python-version", PYTHON,
               "--python-platform", target, "--custom-compile-command",
               "python packaging/wheelhouse.py --relock", "-o", str(LOCKS / f"{name}.txt")]
        print("+", " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True, cwd=ROOT)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(platform: str, dest: Path, python: str) -> Path:
    tags, _ = PLATFORMS[platform]
    lock = LOCKS / f"{platform}.txt"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    cmd = [*pip, "download", "--require-hashes", "--no-deps", "--only-binary", ":all:",
           "--implementation", "cp", "--python-version", python,
           *[arg for tag in tags for arg in ("--platform", tag)],
           "-r", str(lock), "-d", str(dest)]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([*pip, "wheel", "--no-deps", "-q", "-w", tmp, str(ROOT)], check=True)
        [own] = Path(tmp).glob("*.whl")
        shutil.copy2(own, dest / own.name)
    version = own.name.split("-")[1]
    requirements = lock.read_text(encoding="utf-8").rstrip("\n")
    requirements += (f"\n{DIST_NAME}=={version} \\\n"
                     f"    --hash=sha256:{sha256(dest / own.name)}\n")
    (dest / "requirements.txt").write_text(requirements, encoding="utf-8")
    wheels = sorted(p.name for p in dest.glob("*.whl"))
    if platform.startswith("win"):
        python_cmd = "py"
        where = (f"Copy this folder to the PC (Python {python} installed, \"py\" launcher), open\n"
                 "a command prompt inside it and run the line below; then start it with: mediator")
    else:
        python_cmd = "python3"
        where = ("Copy this folder to the PC, open a terminal inside it, make a virtual\n"
                 "environment and activate it (python3 -m venv ~/mediator-venv &&\n"
                 ". ~/mediator-venv/bin/activate), run the line below; then start it with: mediator")
    (dest / "install.txt").write_text(
        f"mediator {version}: offline install for CPython {python} on {platform} "
        f"({len(wheels)} wheels, each checked against its SHA-256 hash).\n{where}\n"
        f"{python_cmd} -m pip install --no-index --find-links . --require-hashes "
        f"-r requirements.txt\n", encoding="utf-8")
    print(f"{dest}: {len(wheels)} wheels; install command in install.txt", flush=True)
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", choices=sorted(PLATFORMS))
    parser.add_argument("--python", default=PYTHON,
                        help=f"the office's Python version (default {PYTHON})")
    parser.add_argument("--dest", type=Path,
                        help="default: dist/wheelhouse-<platform>")
    parser.add_argument("--relock", action="store_true",
                        help="resolve the locks again with uv (then commit them)")
    args = parser.parse_args(argv)
    if args.relock:
        relock()
        return 0
    if not args.platform:
        parser.error("--platform is required")
    build(args.platform, args.dest or ROOT / "dist" / f"wheelhouse-{args.platform}", args.python)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
