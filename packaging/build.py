"""Build the portable zip: ``python packaging/build.py`` (tools: ``pip install -e ".[package]"``).

PyInstaller freezes mediator into one folder (packaging/mediator.spec); this script adds what an
office needs beside the program and zips it to ``dist/mediator-<version>-<os>-<arch>.zip``:

    mediator/
        mediator(.exe)        the program (terminal UI with no arguments, subcommands otherwise)
        启动人民调解.cmd       Windows launcher (Windows Terminal when present) / start.sh elsewhere
        启动人民调解（浏览器）.cmd  the same in the browser (mediator serve) / start-web.sh elsewhere
        使用说明.txt           what to do, where the data is, SmartScreen/antivirus, checking hashes
        portable.txt          the marker: this build keeps all data in 数据/ beside the program
        SHA256SUMS.txt        SHA-256 of every file above and under _internal/
        _internal/            Python and the libraries

``数据/`` is made by the program on first start and is never in the zip, so unpacking a newer
zip over an older folder replaces the program and keeps the data. PyInstaller cannot
cross-build: run this on Windows for the Windows zip (packaging/README.md has the steps).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import stat
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "packaging"
NAME = "mediator"  # the folder inside the zip and the program's name
MARKER = "portable.txt"  # mediator.core.paths.PORTABLE_MARKER
SUMS = "SHA256SUMS.txt"
README = "使用说明.txt"
WINDOWS = sys.platform == "win32"
LAUNCHER = "启动人民调解.cmd" if WINDOWS else "start.sh"
#: the second launcher: the same program in the browser (mediator serve)
WEB_LAUNCHER = "启动人民调解（浏览器）.cmd" if WINDOWS else "start-web.sh"


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from mediator import __version__

    return __version__


def os_arch() -> tuple[str, str]:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    if system.startswith("linux"):
        system = "linux"
    machine = platform.machine().lower()
    if struct.calcsize("P") == 4:  # a 32-bit Python (win32) on a 64-bit Windows says AMD64
        arch = "x86"
    else:
        arch = {"amd64": "x86_64", "x64": "x86_64", "aarch64": "arm64"}.get(machine, machine)
    return system, arch


def freeze(work: Path) -> Path:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        sys.exit('PyInstaller is missing: pip install -e ".[package]"')
    dist = work / "dist"
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
           "--distpath", str(dist), "--workpath", str(work / "work"), str(HERE / "mediator.spec")]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT)
    return dist / NAME


def text_file(path: Path, text: str) -> None:
    """Windows' Notepad and cmd want CRLF; Notepad of older Windows wants the BOM for UTF-8."""
    if WINDOWS:
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    else:
        path.write_text(text, encoding="utf-8", newline="\n")


def add_files(folder: Path, ver: str, system: str, arch: str) -> None:
    exe = "mediator.exe" if WINDOWS else "mediator"
    text_file(folder / MARKER,
              f"mediator {ver} ({system}-{arch}) 便携版 portable build\n"
              "有这个文件，程序就把全部数据（数据库、备份、设置、密钥、日志、导出的文件）保存在旁边的"
              "“数据”文件夹里。\n请不要删除它。\n")
    for name, cmd, sh in ((LAUNCHER, "launcher.cmd", "start.sh"),
                          (WEB_LAUNCHER, "launcher-web.cmd", "start-web.sh")):
        launcher = folder / name
        if WINDOWS:
            # plain ASCII: cmd.exe reads a batch file in the console's code page
            launcher.write_bytes((HERE / cmd).read_bytes().replace(b"\r\n", b"\n")
                                 .replace(b"\n", b"\r\n"))
        else:
            shutil.copyfile(HERE / sh, launcher)
            launcher.chmod(0o755)
    notes = (HERE / "使用说明.txt").read_text(encoding="utf-8")
    notes = (notes.replace("{version}", ver).replace("{exe}", exe)
             .replace("{launcher}", LAUNCHER).replace("{web_launcher}", WEB_LAUNCHER))
    text_file(folder / README, notes)
    write_sums(folder)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def files_of(folder: Path) -> list[Path]:
    return sorted((p for p in folder.rglob("*") if p.is_file()),
                  key=lambda p: p.relative_to(folder).as_posix())


def write_sums(folder: Path) -> None:
    """``sha256sum -c`` format; the program's own line first, since that is the one checked."""
    lines = []
    for p in files_of(folder):
        rel = p.relative_to(folder).as_posix()
        if rel != SUMS:
            lines.append(f"{sha256(p)}  {rel}")
    lines.sort(key=lambda line: (not line.split("  ", 1)[1].startswith("mediator"), line[66:]))
    text_file(folder / SUMS, "\n".join(lines) + "\n")


def make_zip(folder: Path, target: Path) -> None:
    """Entries under ``mediator/`` with their Unix modes (unzip restores the executable bit);
    names are stored as UTF-8 with the flag set, which Windows 10's Explorer reads."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for p in files_of(folder):
            arc = f"{NAME}/{p.relative_to(folder).as_posix()}"
            info = zipfile.ZipInfo.from_file(p, arc)
            mode = stat.S_IMODE(p.stat().st_mode)
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with p.open("rb") as src, zf.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
    os.replace(tmp, target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "portable",
                        help="PyInstaller's work and output folder (default build/portable)")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist",
                        help="where the zip goes (default dist/)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    ver = version()
    system, arch = os_arch()
    folder = freeze(args.work.resolve())
    add_files(folder, ver, system, arch)
    target = args.dist.resolve() / f"mediator-{ver}-{system}-{arch}.zip"
    make_zip(folder, target)
    digest = sha256(target)
    target.with_name(target.name + ".sha256").write_text(f"{digest}  {target.name}\n",
                                                          encoding="utf-8")
    size = target.stat().st_size / 1e6
    print(f"{target} ({size:.0f} MB, {time.monotonic() - started:.0f} s)")
    print(f"SHA-256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
