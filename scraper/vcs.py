"""The data repository: the project's only user of git (through gitpython).

Only ``datapackage/`` is ever staged. Every commit says what made it in a ``Made-by:`` trailer
(``scrape``, ``reparse``); a commit without one was made by hand, unless it carries the
``Records:`` summary that scrape commits have always had. Every git failure a user can cause
(not a repository, a leftover ``index.lock``, a read-only directory) is a ``RepoError``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import git

from .errors import RepoError
from .package import PACKAGE_DIR

DEFAULT_AUTHOR = ("meetings-bot", "meetings-bot@users.noreply.github.com")
MADE_BY = "Made-by"
_TRAILER = re.compile(rf"^{MADE_BY}:\s*(\S+)\s*$", re.MULTILINE)
_SCRAPE_SUMMARY = re.compile(r"^Records: ", re.MULTILINE)


@contextmanager
def git_errors(path: Path | str) -> Iterator[None]:
    """Turn what git raises into one ``RepoError`` naming the repository and what to do."""
    try:
        yield
    except git.GitCommandError as exc:
        detail = " ".join(str(exc.stderr or exc).split()).removeprefix("stderr:").strip(" '")
        if "index.lock" in detail:
            raise RepoError(f"{path}: .git/index.lock exists: another git process is running in this repository, "
                            "or one was killed; remove the file if no git process runs") from None
        raise RepoError(f"{path}: git {exc.command[1] if len(exc.command) > 1 else ''} failed: {detail}") from None
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise RepoError(f"{path} is not a git repository") from None
    except PermissionError as exc:
        raise RepoError(f"{path}: permission denied ({exc.filename}): the data repository must be writable") from None


def check_target(path: Path, *, force_init: bool, ignore: tuple[str, ...] = ()) -> None:
    """Refuse a path that cannot become or be a data repository: a file, or a non-empty directory
    that is not a git repository (unless ``force_init``). Names in ``ignore`` do not count."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise RepoError(f"{path} is a file, not a directory")
    if is_repo(path) or not path.exists() or force_init:
        return
    if any(p.name not in ignore for p in path.iterdir()):
        raise RepoError(
            f"{path} is not empty and not a git repository; refusing to take it over. "
            "Point --repo at an empty or new directory, or pass --init to make it a data repository."
        )


def is_repo(path: Path) -> bool:
    try:
        git.Repo(path)
        return True
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return False


def open_repo(path: Path, *, ignore_line: str | None = None) -> git.Repo:
    """The data repo at ``path``, created (with ``ignore_line`` in its .gitignore) if it is not one yet."""
    path = Path(path)
    if is_repo(path):
        return git.Repo(path)
    with git_errors(path):
        path.mkdir(parents=True, exist_ok=True)
        repo = git.Repo.init(path, initial_branch="main")
        if ignore_line:
            (path / ".gitignore").write_text(ignore_line, encoding="utf-8")
            repo.index.add([".gitignore"])
    return repo


def existing_repo(path: Path) -> git.Repo:
    """An existing git repository, or a RepoError naming the path."""
    with git_errors(path):
        return git.Repo(path)


def root(repo: git.Repo) -> Path:
    return Path(repo.working_tree_dir)


def has_commits(repo: git.Repo) -> bool:
    try:
        repo.head.commit
        return True
    except ValueError:
        return False


# ---------------------------------------------------------------- the package in the working tree


def package_git(repo: git.Repo) -> git.Git:
    """The git command for the package's files, with file ctimes not trusted: a run writes the package
    anew with hard links to every file it keeps, which changes their ctime but not their content,
    inode, size or mtime, and git would otherwise read all of them again (seconds for a large package)."""
    command = git.Git(repo.working_dir)
    command.set_persistent_git_options(c="core.trustctime=false")
    return command


def package_changes(repo: git.Repo) -> list[str]:
    """Paths under ``datapackage/`` that differ from the last commit (changed, deleted or untracked),
    and a ``datapackage.old`` left by a swap."""
    base = root(repo)
    found = [f"{PACKAGE_DIR}.old"] if (base / f"{PACKAGE_DIR}.old").exists() else []
    with git_errors(base):
        if not has_commits(repo):
            package = base / PACKAGE_DIR
            return found + sorted(str(p.relative_to(base)) for p in package.rglob("*") if p.is_file()) if package.exists() else found
        status = package_git(repo).status("--porcelain", "--untracked-files=all", "--", PACKAGE_DIR)
    return found + [line[3:] for line in status.splitlines() if line.strip()]


def drop_index_lock(repo: git.Repo) -> bool:
    """Remove ``.git/index.lock`` left by a git process that was killed; only for a caller that knows
    the killed process was its own (no other git process can be running). Returns whether there was one."""
    lock = Path(repo.git_dir) / "index.lock"
    if lock.exists():
        lock.unlink()
        return True
    return False


def restore_package(repo: git.Repo) -> None:
    """Put ``datapackage/`` back to the last commit, dropping what differs from it."""
    base = root(repo)
    leftover = base / f"{PACKAGE_DIR}.old"
    if leftover.exists():
        if not (base / PACKAGE_DIR).exists():
            leftover.rename(base / PACKAGE_DIR)
        else:
            shutil.rmtree(leftover)
    with git_errors(base):
        if not has_commits(repo):
            if (base / PACKAGE_DIR).exists():
                shutil.rmtree(base / PACKAGE_DIR)
            return
        if not package_git(repo).status("--porcelain", "--untracked-files=all", "--", PACKAGE_DIR):
            return
        repo.git.reset("-q", "HEAD", "--", PACKAGE_DIR)  # files a killed run had staged, new ones too
        if repo.git.ls_tree("--name-only", "HEAD", "--", PACKAGE_DIR):
            repo.git.checkout("HEAD", "--", PACKAGE_DIR)
        repo.git.clean("-fdq", "--", PACKAGE_DIR)


def package_tree(repo: git.Repo) -> str | None:
    """The id of ``datapackage/``'s tree in the last commit (None before the first commit): it
    changes exactly when the committed package does, whatever else the repository holds."""
    if not has_commits(repo):
        return None
    try:
        return repo.head.commit.tree[PACKAGE_DIR].hexsha
    except KeyError:
        return None


def with_trailer(message: str, made_by: str) -> str:
    return message.rstrip("\n") + f"\n\n{MADE_BY}: {made_by}\n"


def made_by(message: str) -> str:
    """What made a commit: its ``Made-by:`` trailer, ``scrape`` for a commit with a scrape's record
    summary, else ``manual``."""
    found = _TRAILER.findall(message)
    if found:
        return found[-1]
    return "scrape" if _SCRAPE_SUMMARY.search(message) else "manual"


def commit_package(repo: git.Repo, message: str, author: tuple[str, str] | None = None, *, by: str = "scrape",
                   paths: list[str] | None = None) -> str | None:
    """Stage ``datapackage/`` (only ``paths`` in it, written or removed, when given: git then looks
    at those files only) and commit if anything changed. Returns the new sha or None."""
    base = root(repo)
    with git_errors(base):
        command = package_git(repo)
        if paths is None:
            command.add("-A", "--", PACKAGE_DIR)
        elif paths:
            with _scratch_file(repo, "MEETINGS_PATHS", "".join(f"{PACKAGE_DIR}/{rel}\n" for rel in paths)) as listed:
                command.add("-A", f"--pathspec-from-file={listed}")
        if (base / ".gitignore").exists():
            command.add("--", ".gitignore")
        if not command.diff("--cached", "--name-only", *(["HEAD"] if has_commits(repo) else [])):
            return None
        name, email = author or DEFAULT_AUTHOR
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
        env_date = os.environ.get("MEETINGS_COMMIT_DATE")
        if env_date:
            env.update(GIT_AUTHOR_DATE=env_date, GIT_COMMITTER_DATE=env_date)
        # the git command, not GitPython's index: that reads and writes the whole index in Python,
        # seconds for a package of some thousand files
        with _scratch_file(repo, "MEETINGS_MSG", with_trailer(message, by)) as message_file, \
                command.custom_environment(**env):
            command.commit("-q", "--cleanup=verbatim", "-F", str(message_file))
        return repo.head.commit.hexsha


@contextmanager
def _scratch_file(repo: git.Repo, name: str, text: str) -> Iterator[Path]:
    """A file in ``.git/`` holding ``text`` for one git command (a commit message, a path list)."""
    path = Path(repo.git_dir) / name
    path.write_text(text, encoding="utf-8")
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


# ---------------------------------------------------------------- history


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    parent: str | None
    committed_at: str  # UTC, ISO 8601
    author: str
    message: str

    @property
    def made_by(self) -> str:
        return made_by(self.message)


def _iso(commit: git.Commit) -> str:
    return datetime.fromtimestamp(commit.committed_date, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def shallow_commits(repo: git.Repo) -> frozenset[str]:
    """Commits whose parents a shallow clone does not have (listed in ``.git/shallow``)."""
    try:
        return frozenset((Path(repo.git_dir) / "shallow").read_text().split())
    except OSError:
        return frozenset()


def first_parent(commit: git.Commit, shallow: frozenset[str] = frozenset()) -> git.Commit | None:
    if commit.hexsha in shallow:
        return None
    try:
        return commit.parents[0] if commit.parents else None
    except (ValueError, git.BadName):  # an object missing from a damaged repository
        return None


def first_parent_line(repo: git.Repo, stop: str | None = None) -> tuple[list[git.Commit], bool]:
    """Commits on HEAD's first-parent line, oldest first, and whether the walk reached ``stop``.
    With ``stop``, the walk ends there (``stop`` itself not included), so it costs only the
    commits after it."""
    try:
        head = repo.head.commit
    except ValueError:
        return [], stop is None
    shallow = shallow_commits(repo)
    line = []
    commit: git.Commit | None = head
    while commit is not None:
        if commit.hexsha == stop:
            line.reverse()
            return line, True
        line.append(commit)
        commit = first_parent(commit, shallow)
    line.reverse()
    return line, stop is None


def commit_info(commit: git.Commit, shallow: frozenset[str] = frozenset()) -> CommitInfo:
    parent = first_parent(commit, shallow)
    return CommitInfo(commit.hexsha, parent.hexsha if parent else None, _iso(commit), commit.author.name,
                      commit.message.strip())


def package_tree_at(repo: git.Repo, commit: git.Commit | None, folder: str = "data") -> git.Tree | None:
    """The tree of ``datapackage/<folder>`` in a commit (None when it has none)."""
    if commit is None:
        return None
    try:
        return commit.tree / f"{PACKAGE_DIR}/{folder}"
    except KeyError:
        return None


def tree(repo: git.Repo, sha: str | None, folder: str = "data") -> git.Tree | None:
    """The tree ``sha`` as ``datapackage/<folder>`` (None for no sha)."""
    return git.Tree(repo, bytes.fromhex(sha), mode=0o040000, path=f"{PACKAGE_DIR}/{folder}") if sha else None


def blob_at(tree_: git.Tree | None, path: str, prefix: str = "data") -> str | None:
    """The blob id of ``path`` (a path under the package, in ``prefix``) in a tree, or None."""
    if tree_ is None:
        return None
    try:
        item = tree_ / path.removeprefix(f"{prefix}/")
    except KeyError:
        return None
    return item.hexsha if item.type == "blob" else None


def changed_files(before: git.Tree | None, after: git.Tree | None, prefix: str = "data",
                  suffix: str = ".csv") -> list[tuple[str, str | None, str | None]]:
    """Files ending in ``suffix`` that differ between two trees, as (path under the package, blob
    before, blob after); only subtrees whose ids differ are read, so the cost follows the change."""
    if before is not None and after is not None and before.hexsha == after.hexsha:
        return []
    entries: dict[str, list] = {}
    for side, tree_ in ((0, before), (1, after)):
        for item in (tree_.trees + tree_.blobs) if tree_ is not None else ():
            entries.setdefault(item.name, [None, None])[side] = item
    changed = []
    for name in sorted(entries):
        old, new = entries[name]
        path = f"{prefix}/{name}"
        old_tree = old if old is not None and old.type == "tree" else None
        new_tree = new if new is not None and new.type == "tree" else None
        if old_tree is not None or new_tree is not None:
            changed.extend(changed_files(old_tree, new_tree, path, suffix))
        old_blob = old.hexsha if old is not None and old.type == "blob" and name.endswith(suffix) else None
        new_blob = new.hexsha if new is not None and new.type == "blob" and name.endswith(suffix) else None
        if old_blob != new_blob:
            changed.append((path, old_blob, new_blob))
    return changed


def blob_bytes(repo: git.Repo, sha: str) -> bytes:
    return git.Blob(repo, bytes.fromhex(sha)).data_stream.read()


def history_dates(repo_path: Path | None) -> tuple[str | None, str | None]:
    """Dates (YYYY-MM-DD, UTC) of the first and the last commit, or (None, None) when there are none."""
    if repo_path is None or not is_repo(repo_path):
        return None, None
    repo = git.Repo(repo_path)
    line, _ = first_parent_line(repo)
    if not line:
        return None, None
    return _iso(line[0])[:10], _iso(line[-1])[:10]


# ---------------------------------------------------------------- releases


def release_tags(repo: git.Repo, pattern: re.Pattern) -> list[tuple[str, str]]:
    """(tag name, commit sha) of the tags whose name matches ``pattern``, sorted by name."""
    return sorted((tag.name, tag.commit.hexsha) for tag in repo.tags if pattern.match(tag.name))


def head_sha(repo: git.Repo) -> str | None:
    try:
        return repo.head.commit.hexsha
    except ValueError:
        return None


def count_commits(repo: git.Repo, since: str | None, head: str) -> int:
    return len(list(repo.iter_commits(f"{since}..{head}" if since else head)))


def _tagger(repo: git.Repo) -> dict[str, str]:
    """Tagger identity: the repository's git config, else the scraper's bot identity."""
    reader = repo.config_reader()
    name = reader.get_value("user", "name", "") if reader.has_section("user") else ""
    email = reader.get_value("user", "email", "") if reader.has_section("user") else ""
    env = {}
    if not (name or os.environ.get("GIT_COMMITTER_NAME")):
        env["GIT_COMMITTER_NAME"] = DEFAULT_AUTHOR[0]
    if not (email or os.environ.get("GIT_COMMITTER_EMAIL")):
        env["GIT_COMMITTER_EMAIL"] = DEFAULT_AUTHOR[1]
    return env


def tag(repo: git.Repo, name: str, message: str, sha: str) -> None:
    with git_errors(root(repo)), repo.git.custom_environment(**_tagger(repo)):
        repo.git.tag("-a", name, "-m", message, sha)


# ---------------------------------------------------------------- shards pushing to one repository


DESCRIPTOR = f"{PACKAGE_DIR}/datapackage.json"


def _rebase_in_progress(repo: git.Repo) -> bool:
    return any((Path(repo.git_dir) / name).exists() for name in ("rebase-merge", "rebase-apply"))


def _rebase_onto(repo: git.Repo, upstream: str, regenerate) -> None:
    """Rebase onto ``upstream``; a conflict in ``datapackage.json`` alone is resolved by writing it
    again from the parts present (shards touch disjoint parts), any other conflict aborts."""
    env = {"GIT_EDITOR": "true"}
    try:
        repo.git.rebase(upstream, env=env)
        return
    except git.GitCommandError:
        pass
    while _rebase_in_progress(repo):
        conflicted = set(repo.git.diff("--name-only", "--diff-filter=U").split())
        if not conflicted <= {DESCRIPTOR}:
            repo.git.rebase("--abort")
            raise RepoError(f"{root(repo)}: rebasing onto {upstream} conflicts in {', '.join(sorted(conflicted - {DESCRIPTOR}))}: "
                            "shards must write disjoint parts (one organisation each)")
        if conflicted:
            regenerate()
            repo.git.add("--", DESCRIPTOR)
        try:
            repo.git.rebase("--continue", env=env)
        except git.GitCommandError:
            continue


def push_with_rebase(repo: git.Repo, regenerate, *, remote: str = "origin", branch: str = "main", attempts: int = 5,
                     pause: float = 2.0, sleep=None, author: tuple[str, str] | None = None) -> int:
    """Push HEAD to ``remote``/``branch``; when someone pushed first, rebase onto theirs (resolving the
    descriptor, see ``_rebase_onto``), write the descriptor again from the parts present, and try
    again, up to ``attempts`` times with a growing pause. Returns the attempts it took."""
    import time

    sleep = sleep or time.sleep
    for attempt in range(1, attempts + 1):
        with git_errors(root(repo)):
            try:
                repo.git.push(remote, f"HEAD:{branch}")
                return attempt
            except git.GitCommandError:
                if attempt == attempts:
                    raise
            repo.git.fetch(remote, branch)
            _rebase_onto(repo, f"{remote}/{branch}", regenerate)
            regenerate()
            if repo.git.status("--porcelain", "--", DESCRIPTOR):
                commit_package(repo, "datapackage.json written from the parts present", author)
        sleep(pause * attempt)
    return attempts
